import { randomBytes } from 'node:crypto';
import { link, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Every file lanchat keeps in its data folder is written through here: to a temporary file in the same
 * folder, synced, then renamed over the real name, and the folder synced. A crash or a full disk at any
 * point leaves the old file or the new one, whole, never an empty or half-written one (a kill -9 during a
 * first start once left an empty identity key in 40 tries when the key was written in place).
 */
export interface AtomicWriteOptions {
  /** File permissions of a new file. Everything in a data folder is the user's alone. */
  mode?: number;
  /**
   * Fail with EEXIST if the file exists, instead of replacing it: the whole new file appears at once, or
   * nothing does (a hard link to the temporary file, which fails if the name is taken; rename would not).
   */
  exclusive?: boolean;
}

/** Temporary files are named `.<name>.<random>.tmp`, so the ones a crash left behind can be told apart. */
const TEMP_PATTERN = /^\..+\.[0-9a-f]{12}\.tmp$/;

export async function writeFileAtomic(path: string, data: string | Uint8Array, { mode = 0o600, exclusive = false }: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  // Unique per write: two writes of one file at once must not share (and interleave in) one temporary file.
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', mode);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    if (exclusive) {
      await link(temp, path);
      await unlink(temp);
    } else {
      await rename(temp, path);
    }
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/** Makes a folder's entries (a rename, a new or removed file) durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    // Some file systems cannot sync a folder; the data itself is synced already.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

/**
 * Deletes the temporary files a crash left in `dir`. Only for a folder this process holds alone (a data
 * folder it has claimed): another process's write in progress would lose its temporary file.
 */
export async function removeLeftoverTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (TEMP_PATTERN.test(name)) await unlink(join(dir, name)).catch(() => undefined);
  }
}
