import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir } from '../../src/store/data-dir.js';
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
});
