import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LanchatError } from '../wire/errors.js';

/** `$XDG_DATA_HOME/lanchat/<network>`, or `~/.local/share/lanchat/<network>`. */
export function defaultDataDir(network: string, env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'lanchat', network);
}

const LOCK_FILE = 'lanchat.lock';

/**
 * Creates the folder if needed and claims it for this process. A folder claimed by a live process is a
 * clear error; a lock left by a process that died is taken over.
 * Returns the function that releases the claim.
 */
export async function claimDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const lockPath = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new LanchatError(
        'DATA_DIR_IN_USE',
        `the data folder ${dir} is in use by another lanchat (pid ${holder}); give this one its own with --data DIR`,
      );
    }
    await unlink(lockPath).catch(() => undefined);
  }
  throw new LanchatError('DATA_DIR_IN_USE', `could not claim the data folder ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
