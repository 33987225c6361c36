import { mkdir, readFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { removeLeftoverTemps, writeFileAtomic } from '../util/atomic-file.js';
import { DEFAULT_START_SOURCE, processStartToken, type StartSource } from '../util/process-start.js';
import { fileError, fileTrouble, LanchatError } from '../wire/errors.js';

/** `$XDG_DATA_HOME/lanchat/<network>`, or `~/.local/share/lanchat/<network>`. */
export function defaultDataDir(network: string, env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'lanchat', network);
}

export const LOCK_FILE = 'lanchat.lock';

/**
 * The lock names its holder by pid and by the start time of that process (process-start.ts), one a line;
 * an older lanchat wrote the pid alone, and reads this one's pid from the first line.
 *
 * Why not a kernel lock (flock), which a dead holder cannot leave behind: Node has no flock, and the lock
 * LevelDB takes on the history folder comes only once the history opens, after the identity is read.
 * A pid with its start time is as exact on Linux (and, through ps, on macOS): a pid given to another
 * program has another start time. That LevelDB lock still stands behind this one: should two starts
 * both take over one stale lock at the same instant, the second to open the history is refused.
 */
interface LockHolder {
  pid: number;
  start: string | undefined;
}

export interface ClaimOptions {
  /** How process start times are read (tests try both on one system). */
  startSource?: StartSource;
}

/**
 * Creates the folder if needed and claims it for this process. A folder claimed by a live process is a
 * clear error; a lock left by a process that died, or naming a pid that another program has since been
 * given, is taken over. Returns the function that releases the claim.
 */
export async function claimDataDir(dir: string, { startSource = DEFAULT_START_SOURCE }: ClaimOptions = {}): Promise<() => Promise<void>> {
  await makeFolder(dir).catch((err: unknown) => {
    throw folderError(dir, err);
  });
  const lockPath = join(dir, LOCK_FILE);
  const start = processStartToken(process.pid, startSource);
  const mine = start === undefined ? `${process.pid}\n` : `${process.pid}\n${start}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFileAtomic(lockPath, mine, { exclusive: true });
      // Held alone now: what a crash left half-written here can go.
      await removeLeftoverTemps(dir);
      return async () => {
        // Only this claim's own lock: never one another process has taken since.
        if ((await readFile(lockPath, 'utf8').catch(() => undefined)) === mine) await unlink(lockPath).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw folderError(dir, err);
    }
    const text = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile
    const holder = parseLock(text);
    if (holder !== undefined && holdsLock(holder, startSource)) {
      throw new LanchatError(
        'DATA_DIR_IN_USE',
        `the data folder ${dir} is in use by another lanchat (pid ${holder.pid}); give this one its own with --data DIR` +
          // Without a start time the pid may be another program's: say how to get out.
          (holder.start === undefined ? ` (if no lanchat runs on it, delete ${lockPath})` : ''),
      );
    }
    // A stale lock that cannot be taken over (a read-only folder) is said as such, not as a folder in use.
    await unlink(lockPath).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw folderError(dir, err);
    });
  }
  throw new LanchatError('DATA_DIR_IN_USE', `could not claim the data folder ${dir}: other processes keep claiming it`);
}

/** mkdir -p, failing with the real reason. */
async function makeFolder(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // Node's recursive mkdir says ENOENT where a folder could not be made (a read-only disk, permissions):
    // made one level at a time, the level that fails says why.
    const parent = dirname(dir);
    if (parent === dir) throw err;
    await makeFolder(parent);
    await mkdir(dir, { mode: 0o700 });
  }
}

/** The data folder cannot be made or written in: a file in its place, permissions, a read-only disk. */
function folderError(dir: string, err: unknown): LanchatError {
  // mkdir says EEXIST only where something that is not a folder has the name.
  const trouble = (err as NodeJS.ErrnoException).code === 'EEXIST' ? 'not-a-folder' : fileTrouble(err);
  return fileError('DATA_DIR_ACCESS', { what: 'data-folder', path: dir, dataDir: dir, trouble, doing: 'write' }, err);
}

/** The holder a lock file names; undefined for one a crash left empty or garbled. */
export function parseLock(text: string): LockHolder | undefined {
  const [pidLine, startLine] = text.split('\n');
  if (pidLine === undefined || !/^\d+$/.test(pidLine)) return undefined;
  const pid = Number(pidLine);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { pid, start: startLine === undefined || startLine === '' ? undefined : startLine };
}

/**
 * Whether the holder named in a lock still runs. A lock of this very process (a second claim in one
 * process) is not a holder: LevelDB's own lock refuses the second opening of the history.
 */
function holdsLock({ pid, start }: LockHolder, source: StartSource): boolean {
  if (pid === process.pid || !isAlive(pid)) return false;
  if (start === undefined) return true; // an older lanchat's lock: the pid is all there is to go by
  const now = processStartToken(pid, source);
  // Unreadable (another user's process behind hidepid, no ps): in doubt, the folder is taken, unless
  // the holder has just exited.
  return now === undefined ? isAlive(pid) : now === start;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
