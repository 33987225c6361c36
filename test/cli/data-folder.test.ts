import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processStartToken } from '../../src/util/process-start.js';
import { filledDataDir, fixtureCopies, garbleManifest, manifest, tables, truncateTable } from '../helpers/damage.js';
import { LANCHAT_BIN, LanchatProcess } from '../helpers/lanchat-process.js';

// The real binary on loopback (mDNS off), on data folders damaged on purpose: what a user sees, and the
// way out. The finding: a missing CURRENT wiped 50,000 messages without a word; a truncated table, a
// garbled manifest or an empty key stopped every start with LevelDB's or OpenSSL's words alone.
const COUNT = 1_500;

const lanchat = (...args: string[]) =>
  spawnSync(process.execPath, [LANCHAT_BIN, ...args], { encoding: 'utf8', timeout: 30_000, input: '', maxBuffer: 64 << 20 });

/** Starts a node on `dataDir` with stdin closed: a node that starts quits at once, with 0. */
const start = (dataDir: string) => lanchat('--no-discovery', '--host', '--json', '--name', 'keeper', '--data', dataDir);

describe('a damaged data folder, as the user meets it', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-folder-'));
  const fixture = join(root, 'fixture');
  let texts: string[] = [];
  beforeAll(async () => {
    const { messages } = await filledDataDir(fixture, COUNT);
    texts = messages.map((_, i) => `line ${i + 1} `);
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const copy = fixtureCopies(root, fixture);

  /** The refusal: exit 2, one JSON error event with the code, one stderr line; the message names `file`. */
  const expectRefused = (run: ReturnType<typeof lanchat>, code: string, file: string): string => {
    expect(run.status).toBe(2);
    const event = JSON.parse(run.stdout) as { event: string; code: string; message: string };
    expect(event).toMatchObject({ event: 'error', code });
    expect(event.message).toContain(file);
    expect(event.message).toContain('lanchat repair --data');
    expect(run.stderr.trim().split('\n')).toEqual([`lanchat: ${event.message}`]);
    return event.message;
  };

  /** The texts of `lanchat history --json` on a data folder. */
  const history = (dataDir: string): string[] => {
    const run = lanchat('history', '--json', '--data', dataDir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    return run.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
  };

  it('without history/CURRENT: refused, and the messages are still there for the repair', () => {
    const dir = copy();
    unlinkSync(join(dir, 'history', 'CURRENT'));
    expectRefused(start(dir), 'STORE_DAMAGED', join(dir, 'history', 'CURRENT'));
    // Refused again on a second try: nothing was made new meanwhile.
    expectRefused(start(dir), 'STORE_DAMAGED', join(dir, 'history', 'CURRENT'));
    const repair = lanchat('repair', '--data', dir);
    expect(repair.stderr).toBe('');
    expect(repair.status).toBe(0);
    expect(repair.stdout).toContain(`it holds ${COUNT} messages from 1 author`);
    const shown = history(dir);
    expect(shown).toHaveLength(COUNT);
    shown.forEach((text, i) => expect(text.startsWith(texts[i]!)).toBe(true));
    expect(start(dir).status).toBe(0);
  }, 40_000);

  it('a garbled manifest: refused, naming it; repaired, every message back', () => {
    const dir = copy();
    const name = manifest(join(dir, 'history'));
    garbleManifest(join(dir, 'history'));
    const message = expectRefused(start(dir), 'STORE_DAMAGED', join(dir, 'history', name));
    expect(message).not.toBe('Database failed to open');
    const repair = lanchat('repair', '--json', '--data', dir);
    expect(repair.status).toBe(0);
    expect(JSON.parse(repair.stdout)).toMatchObject({ event: 'repaired', identity: 'ok', history: { messages: COUNT, missing: 0 } });
    expect(history(dir)).toHaveLength(COUNT);
  });

  it('an empty identity.pem: refused, naming it, never a new key in its place; repair moves it aside', () => {
    const dir = copy();
    writeFileSync(join(dir, 'identity.pem'), '');
    writeFileSync(join(dir, 'chain-head.json'), `{"lastSeq":${COUNT},"lastHash":"${'ab'.repeat(32)}"}\n`);
    const message = expectRefused(start(dir), 'IDENTITY_DAMAGED', join(dir, 'identity.pem'));
    expect(message).not.toMatch(/DECODER|error:[0-9A-F]{8}/);
    expect(readFileSync(join(dir, 'identity.pem'), 'utf8')).toBe('');
    // `lanchat history` says the same, naming the file.
    const read = lanchat('history', '--data', dir);
    expect(read.status).toBe(2);
    expect(read.stderr).toContain(`${join(dir, 'identity.pem')} is empty`);

    const repair = lanchat('repair', '--json', '--data', dir);
    expect(repair.status).toBe(0);
    const outcome = JSON.parse(repair.stdout) as { identity: string; identityMovedTo: string; history: { messages: number } };
    expect(outcome).toMatchObject({ identity: 'moved', history: { messages: COUNT } });
    const names = readdirSync(dir);
    expect(names).toContain(outcome.identityMovedTo.slice(dir.length + 1));
    // The old identity's chain head went with it: a new identity starts its own chain at 1.
    expect(names).not.toContain('chain-head.json');
    expect(names.some((n) => n.startsWith('chain-head.json.'))).toBe(true);
    expect(start(dir).status).toBe(0);
    expect(readFileSync(join(dir, 'identity.pem'), 'utf8')).toContain('PRIVATE KEY');
  });

  it('a truncated table: refused, naming it; repaired; the lost messages come back from a relay that has them, none lost or doubled', async () => {
    const dir = copy();
    const damaged = tables(join(dir, 'history'))[1]!;
    // A relay holding the whole history, under an identity of its own.
    const keeper = `${dir}-keeper`;
    mkdirSync(keeper);
    cpSync(join(fixture, 'history'), join(keeper, 'history'), { recursive: true });
    truncateTable(join(dir, 'history'), damaged);
    expectRefused(start(dir), 'STORE_DAMAGED', join(dir, 'history', damaged));

    const repair = lanchat('repair', '--json', '--data', dir);
    expect(repair.status).toBe(0);
    const { history: report } = JSON.parse(repair.stdout) as { history: { messages: number; missing: number; backup: string } };
    expect(report.missing).toBeGreaterThan(0);
    expect(report.messages + report.missing).toBe(COUNT);
    expect(readdirSync(report.backup)).toContain(damaged);
    expect(history(dir)).toHaveLength(report.messages);

    const relay = new LanchatProcess(['--host', '--name', 'archive', '--data', keeper]);
    let member: LanchatProcess | undefined;
    try {
      const { port } = await relay.waitFor('ready', undefined, 15_000);
      member = new LanchatProcess(['--name', 'keeper', '--connect', `127.0.0.1:${String(port)}`, '--data', dir]);
      // What the repair found missing arrives by the first sync.
      const caughtUp = await member.waitFor('notice', (e) => e.code === 'CAUGHT_UP', 30_000);
      expect(caughtUp.text).toMatch(new RegExp(`^${report.missing} messages `));
      expect(await member.quit()).toBe(0);
    } finally {
      await member?.kill();
      await relay.kill();
    }
    const shown = history(dir);
    expect(shown).toHaveLength(COUNT);
    shown.forEach((text, i) => expect(text.startsWith(texts[i]!)).toBe(true));
  }, 60_000);

  it('repair refuses a data folder a running lanchat holds, and one that does not exist', async () => {
    const dir = join(root, 'running');
    const node = new LanchatProcess(['--host', '--name', 'busy', '--data', dir]);
    try {
      await node.waitFor('ready');
      const busy = lanchat('repair', '--data', dir);
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain('in use by another lanchat');
    } finally {
      await node.kill();
    }
    const none = lanchat('repair', '--data', join(root, 'nothing-here'));
    expect(none.status).toBe(2);
    expect(none.stderr).toContain(`there is no lanchat data folder at ${join(root, 'nothing-here')}`);
  });
});

describe('a stale lanchat.lock, as the user meets it', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-lock-'));
  let other: ChildProcess | undefined;
  afterAll(() => {
    other?.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  // The finding: a lock left by a lanchat killed with -9, naming a pid now given to another program,
  // refused every start for ever.
  it('starts when the lock names a live pid that is now another program', async () => {
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(other.stdout!, 'data');
    const dir = join(root, 'stale');
    mkdirSync(dir);
    // What the killed lanchat wrote: that pid, with its own start time, not this program's.
    writeFileSync(join(dir, 'lanchat.lock'), `${other.pid}\nproc:an earlier boot:12345\n`);
    const run = start(dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.split('\n')[0]!)).toMatchObject({ event: 'ready' });
    expect(readdirSync(dir)).not.toContain('lanchat.lock');
  });

  it('is refused while the lock names the live lanchat that wrote it', async () => {
    const dir = join(root, 'held');
    const node = new LanchatProcess(['--host', '--name', 'holder', '--data', dir]);
    try {
      await node.waitFor('ready');
      const [pid, started] = readFileSync(join(dir, 'lanchat.lock'), 'utf8').split('\n');
      expect(Number(pid)).toBe(node.pid);
      expect(started).toBe(processStartToken(node.pid));
      const run = start(dir);
      expect(run.status).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({ event: 'error', code: 'DATA_DIR_IN_USE' });
    } finally {
      await node.kill();
    }
  });
});
