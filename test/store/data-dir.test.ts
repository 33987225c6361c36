import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { claimDataDir, LOCK_FILE, parseLock } from '../../src/store/data-dir.js';
import { processStartToken, type StartSource } from '../../src/util/process-start.js';
import { isLanchatError } from '../../src/wire/errors.js';

describe('data folder claim', () => {
  const dirs: string[] = [];
  const fresh = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-dir-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a folder held by another live process', async () => {
    const dir = fresh();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      writeFileSync(join(dir, 'lanchat.lock'), `${holder.pid}\n`);
      let error: unknown;
      try {
        await claimDataDir(dir);
      } catch (err) {
        error = err;
      }
      expect(isLanchatError(error, 'DATA_DIR_IN_USE')).toBe(true);
      expect((error as Error).message).toContain(`pid ${holder.pid}`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over a lock left by a process that died, and can be claimed again after release', async () => {
    const dir = fresh();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(join(dir, 'lanchat.lock'), `${dead.pid}\n`);
    const release = await claimDataDir(dir);
    await release();
    const again = await claimDataDir(join(dir));
    await again();
  });

  /** A process that runs until killed: the live program a stale lock may name. */
  const live: ChildProcess[] = [];
  const liveProcess = async (): Promise<number> => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], { stdio: ['ignore', 'pipe', 'ignore'] });
    live.push(child);
    await once(child.stdout!, 'data');
    return child.pid!;
  };
  afterEach(() => {
    for (const child of live.splice(0)) child.kill('SIGKILL');
  });

  const claimError = (dir: string, startSource: StartSource): Promise<unknown> =>
    claimDataDir(dir, { startSource }).then(async (release) => {
      await release();
      return undefined;
    }, (err: unknown) => err);

  // /proc is Linux's; ps is how the other systems are read, and Linux has it too.
  const sources: StartSource[] = process.platform === 'linux' ? ['proc', 'ps'] : ['ps'];
  for (const source of sources) {
    describe(`with start times read through ${source}`, () => {
      it('tells processes apart by start time, and says nothing for a pid that is gone', async () => {
        const pid = await liveProcess();
        expect(processStartToken(pid, source)).toBeDefined();
        expect(processStartToken(pid, source)).toBe(processStartToken(pid, source));
        const gone = spawn(process.execPath, ['-e', '']);
        await once(gone, 'exit');
        expect(processStartToken(gone.pid!, source)).toBeUndefined();
      });

      // The finding: a leftover lanchat.lock naming the live pid of another program refused every start.
      it('takes over a lock whose pid is now another live program (another start time)', async () => {
        const dir = fresh();
        const pid = await liveProcess();
        writeFileSync(join(dir, LOCK_FILE), `${pid}\n${source}:a start long before this program's\n`);
        expect(await claimError(dir, source)).toBeUndefined();
      });

      it('refuses a lock of a live holder whose start time matches', async () => {
        const dir = fresh();
        const pid = await liveProcess();
        writeFileSync(join(dir, LOCK_FILE), `${pid}\n${processStartToken(pid, source)}\n`);
        const err = await claimError(dir, source);
        expect(isLanchatError(err, 'DATA_DIR_IN_USE')).toBe(true);
        expect((err as Error).message).toContain(`pid ${pid}`);
        // Certain it is held: no "delete the lock" advice.
        expect((err as Error).message).not.toContain('delete');
      });
    });
  }

  it('writes its pid and start time, and removes only its own lock on release', async () => {
    const dir = fresh();
    const release = await claimDataDir(dir);
    expect(parseLock(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid, start: processStartToken(process.pid) });
    // Taken over meanwhile (as if judged stale): the release leaves that one alone.
    writeFileSync(join(dir, LOCK_FILE), '1\nsomeone else\n');
    await release();
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it("an older lanchat's lock (a pid alone) of a live process is refused, saying how to get out", async () => {
    const dir = fresh();
    const pid = await liveProcess();
    writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);
    const err = await claimError(dir, sources[0]!);
    expect(isLanchatError(err, 'DATA_DIR_IN_USE')).toBe(true);
    expect((err as Error).message).toContain(`delete ${join(dir, LOCK_FILE)}`);
  });

  it('takes over an empty or garbled lock (a crash while writing an older one)', async () => {
    for (const text of ['', 'garbage\n']) {
      const dir = fresh();
      writeFileSync(join(dir, LOCK_FILE), text);
      expect(await claimError(dir, sources[0]!)).toBeUndefined();
    }
  });

  it('removes the temporary files a crash left, once it holds the folder', async () => {
    const dir = fresh();
    writeFileSync(join(dir, '.chain-head.json.0123456789ab.tmp'), '{');
    const release = await claimDataDir(dir);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    await release();
  });
});
