import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateIdentity } from '../../src/identity/identity.js';
import { saveChainHead } from '../../src/store/chain-head.js';
import { LANCHAT_BIN } from '../helpers/lanchat-process.js';

// The real binary on data folders whose files cannot be used as they are: what the user reads must name
// the file and say what to do, with exit code 2, never a system error code or a stack trace.
const ROOT = process.getuid?.() === 0;
/** Root reads any file whatever its mode: the permission cases run lanchat as nobody then. */
const NOBODY = 65534;

type Run = { status: number | null; stdout: string; stderr: string };

function lanchat(args: string[], { prefix = [] as string[] } = {}): Run {
  const [program, ...rest] = [...prefix, process.execPath, LANCHAT_BIN, ...args];
  return spawnSync(program!, rest, { encoding: 'utf8', timeout: 30_000, input: '' });
}

const start = (dataDir: string, prefix?: string[]): Run =>
  lanchat(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', dataDir], prefix === undefined ? {} : { prefix });

/** As an unprivileged user: nobody when the tests run as root, else the user running them. */
const unprivileged = (): string[] => (ROOT ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : []);

/**
 * The refusal: exit 2, one JSON error event with `code`, the same words on stderr, naming `file`; no
 * system error code, no "Error:", no stack trace anywhere.
 */
function expectRefused(run: Run, code: string, file: string): string {
  expect(run.status).toBe(2);
  const event = JSON.parse(run.stdout) as { event: string; code: string; message: string };
  expect(event).toMatchObject({ event: 'error', code });
  expect(event.message).toContain(file);
  expect(run.stderr.trim().split('\n')).toEqual([`lanchat: ${event.message}`]);
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toMatch(/\bE(ACCES|PERM|ROFS|ISDIR|NOTDIR|EXIST|NOENT|NOSPC|IO)\b/);
    expect(text).not.toMatch(/Error:|\n\s+at /);
  }
  return event.message;
}

describe('a data folder whose files cannot be used, as the user meets it', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-files-'));
  // nobody must reach the folders the permission cases hand it.
  chmodSync(root, 0o755);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let made = 0;

  /** A data folder lanchat has used: an identity key and a chain head. */
  const folder = async (): Promise<string> => {
    const dir = join(root, `data-${++made}`);
    mkdirSync(dir);
    const identity = await loadOrCreateIdentity(dir);
    void identity;
    await saveChainHead(dir, { lastSeq: 3, lastHash: Buffer.alloc(32, 0xab) });
    return dir;
  };

  it('--data naming a file', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder\n');
    const message = expectRefused(start(file), 'DATA_DIR_ACCESS', file);
    expect(message).toContain('is a file');
    expect(message).toContain('--data DIR');
    // Beneath a file, and `lanchat history` too.
    expect(expectRefused(start(join(file, 'below')), 'DATA_DIR_ACCESS', join(file, 'below'))).toContain('is a file');
    const history = lanchat(['history', '--data', file]);
    expect(history.status).toBe(2);
    expect(history.stderr).toContain(`the data folder ${file} is a file`);
  });

  it.each([
    ['empty', '', 'is empty'],
    ['garbage', 'this is no key\n', 'does not hold an Ed25519 private key'],
  ])('an identity.pem that is %s: named, the way out, and what it costs', async (_, content, state) => {
    const dir = await folder();
    writeFileSync(join(dir, 'identity.pem'), content);
    const message = expectRefused(start(dir), 'IDENTITY_DAMAGED', join(dir, 'identity.pem'));
    expect(message).toContain(state);
    expect(message).toContain(`lanchat repair --data ${dir}`);
    expect(message).toContain('new identity');
  });

  it('an identity.pem that is a folder', async () => {
    const dir = await folder();
    rmSync(join(dir, 'identity.pem'));
    mkdirSync(join(dir, 'identity.pem'));
    const message = expectRefused(start(dir), 'DATA_DIR_ACCESS', join(dir, 'identity.pem'));
    expect(message).toContain('is a folder, not a file');
    expect(message).toContain('Deleting identity.pem makes the next start a new identity');
  });

  it('an identity.pem lanchat may not read', async () => {
    const dir = await folder();
    chmodSync(join(dir, 'identity.pem'), 0o000);
    if (ROOT) chownFolder(dir, NOBODY);
    const message = expectRefused(start(dir, unprivileged()), 'DATA_DIR_ACCESS', join(dir, 'identity.pem'));
    expect(message).toContain('not allowed to read');
    expect(message).toContain('new identity');
  });

  it.each([
    ['empty', '', 'is empty'],
    ['garbage', '{"lastSeq": 3, "lastHash', 'is garbled'],
  ])('a chain-head.json that is %s: named; repair moves it aside, and lanchat starts', async (_, content, state) => {
    const dir = await folder();
    writeFileSync(join(dir, 'chain-head.json'), content);
    const message = expectRefused(start(dir), 'CHAIN_HEAD_DAMAGED', join(dir, 'chain-head.json'));
    expect(message).toContain(state);
    expect(message).toContain(`lanchat repair --data ${dir}`);
    const repair = lanchat(['repair', '--json', '--data', dir]);
    expect(repair.stderr).toBe('');
    expect(repair.status).toBe(0);
    const outcome = JSON.parse(repair.stdout) as { identity: string; chainHead: string; chainHeadMovedTo: string };
    expect(outcome).toMatchObject({ identity: 'ok', chainHead: 'moved' });
    expect(readdirSync(dir)).toContain(outcome.chainHeadMovedTo.slice(dir.length + 1));
    const again = start(dir);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
  });

  it('a chain-head.json that is a folder, or that lanchat may not read', async () => {
    const dir = await folder();
    rmSync(join(dir, 'chain-head.json'));
    mkdirSync(join(dir, 'chain-head.json'));
    expect(expectRefused(start(dir), 'DATA_DIR_ACCESS', join(dir, 'chain-head.json'))).toContain('is a folder, not a file');

    const locked = await folder();
    chmodSync(join(locked, 'chain-head.json'), 0o000);
    if (ROOT) chownFolder(locked, NOBODY);
    expect(expectRefused(start(locked, unprivileged()), 'DATA_DIR_ACCESS', join(locked, 'chain-head.json'))).toContain('not allowed to read');
  });

  it('a read-only data folder (a read-only mount, which stops root too)', async () => {
    const dir = await folder();
    // A private mount namespace (a user namespace too when not root): the read-only bind mount is seen by
    // this lanchat alone, and goes with it.
    const shell = `mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"`;
    const inReadOnly = (args: string[]): Run =>
      lanchat(args, { prefix: ['unshare', ROOT ? '-m' : '-rm', 'sh', '-c', shell, 'sh', dir] });
    const message = expectRefused(inReadOnly(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', dir]), 'DATA_DIR_ACCESS', dir);
    expect(message).toContain('read-only file system');
    expect(message).toContain('--data DIR');
    // A lock a crash left garbled, which lanchat would take over: the same words, not "in use".
    writeFileSync(join(dir, 'lanchat.lock'), 'garbled\n');
    expect(expectRefused(inReadOnly(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', dir]), 'DATA_DIR_ACCESS', dir)).toContain('read-only file system');
    // A data folder still to be made, in a read-only folder: the same words, not "no such file".
    const below = join(dir, 'new', 'deeper');
    const made = expectRefused(inReadOnly(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', below]), 'DATA_DIR_ACCESS', below);
    expect(made).toContain('read-only file system');
  });
});

function chownFolder(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const name of readdirSync(dir)) chownSync(join(dir, name), uid, uid);
}

describe('a file the user names that cannot be used, as the user meets it', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-named-'));
  chmodSync(root, 0o755);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const withSecret = (file: string, prefix?: string[]): Run =>
    lanchat(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', join(root, 'data'), '--secret-file', file], prefix === undefined ? {} : { prefix });

  it('--secret-file naming nothing, a folder, or a file with an empty first line; `doctor` too', () => {
    const missing = join(root, 'no-such-secret');
    expect(expectRefused(withSecret(missing), 'USAGE', missing)).toMatch(/^cannot read the secret file .*: it does not exist; .*LANCHAT_SECRET\.$/);
    expect(expectRefused(withSecret(root), 'USAGE', root)).toContain('it is a folder, not a file');
    const below = join(root, 'a-file', 'secret');
    writeFileSync(join(root, 'a-file'), 'x\n');
    expect(expectRefused(withSecret(below), 'USAGE', below)).toContain('a part of its path is a file');
    const empty = join(root, 'empty-secret');
    writeFileSync(empty, '\nsecond line\n');
    expect(expectRefused(withSecret(empty), 'USAGE', empty)).toContain('nothing on its first line');
    // `lanchat doctor` refuses it before it listens for anything.
    const doctor = lanchat(['doctor', '--secret-file', missing]);
    expect(doctor.status).toBe(2);
    expect(doctor.stderr).toBe(`lanchat: cannot read the secret file ${missing}: it does not exist; name the file that holds the room secret on its first line (--secret-file FILE), or set LANCHAT_SECRET.\n`);
  });

  it('--secret-file lanchat may not read', () => {
    const locked = join(root, 'locked-secret');
    writeFileSync(locked, 'correct horse battery\n');
    chmodSync(locked, 0o600);
    const message = expectRefused(withSecret(locked, unprivileged()), 'USAGE', locked);
    expect(message).toContain('permission denied');
  });

  it('`lanchat open --data` naming a file', () => {
    const file = join(root, 'open-file');
    writeFileSync(file, 'not a folder\n');
    const open = lanchat(['open', '--data', file]);
    expect(open.status).toBe(2);
    expect(open.stderr).toContain(`the data folder ${file} is a file`);
    expect(open.stderr).not.toMatch(/\bE[A-Z]{4,}\b|Error:/);
  });

  it('--web with a folder where its token file goes', () => {
    const dir = join(root, 'web-data');
    mkdirSync(join(dir, 'web-token'), { recursive: true });
    const run = lanchat(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', dir, '--web']);
    expect(run.status).toBe(2);
    const error = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { event: string; code?: string; message?: string }).find((e) => e.event === 'error');
    expect(error).toMatchObject({ code: 'DATA_DIR_ACCESS' });
    expect(error?.message).toBe(`the browser UI's token ${join(dir, 'web-token')} is a folder, not a file: move it out of the data folder.`);
    expect(run.stderr).not.toMatch(/\bE[A-Z]{4,}\b|Error:/);
  });
});

describe('a port the user names that another program holds, as the user meets it', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-port-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('--port and --web: exit 2, what to do, no system error code', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const taken = (holder.address() as { port: number }).port;
    try {
      const message = expectRefused(lanchat(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', join(root, 'a'), '--port', String(taken)]), 'USAGE', String(taken));
      expect(message).toBe(`port ${taken} is in use by another program: choose another with --port PORT, or leave --port out for any free port.`);
      const web = lanchat(['--no-discovery', '--host', '--json', '--name', 'keeper', '--data', join(root, 'b'), '--web', String(taken)]);
      expect(web.status).toBe(2);
      expect(web.stderr).toBe(`lanchat: port ${taken} is in use by another program: choose another with --web PORT, or give --web alone for any free port.\n`);
    } finally {
      holder.close();
    }
  });
});

