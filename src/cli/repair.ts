import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { KEY_FILE, loadIdentity } from '../identity/identity.js';
import { CHAIN_HEAD_FILE } from '../store/chain-head.js';
import { claimDataDir, defaultDataDir } from '../store/data-dir.js';
import { isFolder } from '../store/history-db.js';
import { repairHistory, type RepairReport } from '../store/repair.js';
import { syncDir } from '../util/atomic-file.js';
import { isLanchatError, LanchatError } from '../wire/errors.js';
import { NETWORK_PATTERN } from './options.js';

export interface RepairOptions {
  dataDir: string;
  json: boolean;
}

/** What `lanchat repair` did: to the identity key, and to the history. */
export interface RepairOutcome {
  dataDir: string;
  /** `moved`: the key was damaged and is now at `identityMovedTo`. */
  identity: 'ok' | 'absent' | 'moved';
  identityMovedTo?: string;
  /** Undefined when the folder has no history. */
  history?: RepairReport;
}

/**
 * `lanchat repair`: what a user runs when lanchat says its data folder is damaged. Nothing is deleted:
 * the history is copied before LevelDB's repair (store/repair.ts), and a damaged identity key is moved
 * aside, with the chain head that belonged to it, so that the next start makes a new identity.
 */
export async function runRepair(options: RepairOptions, out: NodeJS.WritableStream = process.stdout): Promise<RepairOutcome> {
  const { dataDir } = options;
  if (!(await isFolder(dataDir))) throw new LanchatError('USAGE', `there is no lanchat data folder at ${dataDir}`);
  // Never under a running lanchat: that one holds the history open, and would write on.
  const release = await claimDataDir(dataDir);
  try {
    const outcome: RepairOutcome = { dataDir, identity: 'ok' };
    const stamp = new Date();
    try {
      if ((await loadIdentity(dataDir)) === undefined) outcome.identity = 'absent';
    } catch (err) {
      if (!isLanchatError(err, 'IDENTITY_DAMAGED')) throw err;
      outcome.identity = 'moved';
      outcome.identityMovedTo = await moveAside(dataDir, KEY_FILE, 'damaged', stamp);
      // The head of the old identity's chain: a new identity starts a chain of its own.
      await moveAside(dataDir, CHAIN_HEAD_FILE, 'old', stamp).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await syncDir(dataDir);
    }
    const history = join(dataDir, 'history');
    if (await isFolder(history)) outcome.history = await repairHistory(history, stamp);
    out.write(options.json ? `${JSON.stringify({ event: 'repaired', ...outcome })}\n` : describeOutcome(outcome));
    return outcome;
  } finally {
    await release();
  }
}

async function moveAside(dataDir: string, name: string, why: 'damaged' | 'old', stamp: Date): Promise<string> {
  const to = join(dataDir, `${name}.${why}-${stamp.toISOString().replace(/[:.]/g, '-')}`);
  await rename(join(dataDir, name), to);
  return to;
}

function describeOutcome({ dataDir, identity, identityMovedTo, history }: RepairOutcome): string {
  const lines: string[] = [];
  if (identity === 'moved') {
    lines.push(`identity: the key was damaged; moved to ${identityMovedTo}. The next start makes a new identity (a new node id).`);
  } else {
    lines.push(identity === 'ok' ? 'identity: the key is sound' : 'identity: none yet (the next start makes one)');
  }
  if (history === undefined) {
    lines.push(`history: none in ${dataDir}`);
  } else {
    lines.push(`history: the copy from before the repair is in ${history.backup}`);
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    lines.push(`history: repaired; it holds ${plural(history.messages, 'message')} from ${plural(history.origins, 'author')}`);
    if (history.missing > 0) {
      lines.push(`history: ${plural(history.missing, 'message')} missing between them; the other nodes send them back at the next sync`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The `repair` subcommand; `fail` reports an error as the program does everywhere else. */
export function repairCommand(fail: (err: unknown, json: boolean, exitCode: number) => never): Command {
  return new Command('repair')
    .description('repair a damaged data folder: keeps a copy of the history, then recovers what it can')
    .option('-d, --data <dir>', 'data folder (default: ~/.local/share/lanchat/<network>)')
    .option('--network <name>', 'chat network whose default data folder to repair', 'lanchat')
    .option('--json', 'print what was done as one JSON object')
    .action(async (raw: { data?: string; network: string; json?: boolean }) => {
      const json = raw.json === true;
      try {
        if (raw.data === undefined && !NETWORK_PATTERN.test(raw.network)) {
          throw new LanchatError('USAGE', `--network "${raw.network}": 1 to 32 lowercase letters, digits, '.', '_' or '-'`);
        }
        await runRepair({ dataDir: raw.data ?? defaultDataDir(raw.network), json });
      } catch (err) {
        fail(err, json, isLanchatError(err, 'USAGE') ? 2 : 1);
      }
    });
}
