import { Command } from 'commander';
import { defaultDataDir, repairDataFolder, type RepairOutcome } from '../session/data-folder.js';
import { LanchatError } from '../wire/errors.js';
import { exitCodeOf } from './exit-code.js';
import { NETWORK_PATTERN } from './options.js';

export interface RepairOptions {
  dataDir: string;
  json: boolean;
}

/**
 * `lanchat repair`: what a user runs when lanchat says its data folder is damaged. Nothing is deleted
 * (session/data-folder.ts `repairDataFolder`); this prints what was done.
 */
export async function runRepair(options: RepairOptions, out: NodeJS.WritableStream = process.stdout): Promise<RepairOutcome> {
  const outcome = await repairDataFolder(options.dataDir);
  out.write(options.json ? `${JSON.stringify({ event: 'repaired', ...outcome })}\n` : describeOutcome(outcome));
  return outcome;
}

function describeOutcome({ dataDir, identity, identityMovedTo, chainHeadMovedTo, history }: RepairOutcome): string {
  const lines: string[] = [];
  if (identity === 'moved') {
    lines.push(`identity: the key was damaged; moved to ${identityMovedTo}. The next start makes a new identity (a new node id).`);
  } else {
    lines.push(identity === 'ok' ? 'identity: the key is sound' : 'identity: none yet (the next start makes one)');
  }
  if (chainHeadMovedTo !== undefined) {
    lines.push(`chain head: it was damaged; moved to ${chainHeadMovedTo}. Numbering goes on from the history.`);
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
        fail(err, json, exitCodeOf(err));
      }
    });
}
