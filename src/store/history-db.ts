import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { fileError, fileTrouble, LanchatError } from '../wire/errors.js';

export type HistoryDb = ClassicLevel<string, Uint8Array>;

/**
 * The files of a LevelDB folder that hold messages: tables and write-ahead logs. A first start killed
 * early leaves LOCK, LOG, perhaps MANIFEST-000001 and 000001.dbtmp (CURRENT before its rename), none of
 * which holds any: such a folder is still a new history.
 */
const DATA_FILE = /^\d+\.(ldb|sst|log)$/;

/**
 * Opens the LevelDB folder of a history. Only an absent folder, or one holding no table or log, is made
 * into a new history: LevelDB, told to create a database where CURRENT is missing, starts an empty one
 * and deletes the tables it does not know (a history of 50,000 messages was wiped so, without a word).
 * A folder that cannot be opened as it is, or whose reads fail, is STORE_DAMAGED, naming the file.
 */
export async function openHistoryDb(location: string): Promise<HistoryDb> {
  const files = await folderFiles(location);
  const isNew = files === undefined || !files.some((name) => DATA_FILE.test(name));
  if (!isNew && !files.includes('CURRENT')) {
    throw damaged(location, `${join(location, 'CURRENT')}, the file that names the others, is missing`);
  }
  // `level` is classic-level in Node; classic-level itself also tells which table files the manifest lists.
  const db = new ClassicLevel<string, Uint8Array>(location, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
    // Belt and braces: even should a file vanish between the look above and here, LevelDB refuses.
    createIfMissing: isNew,
  });
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new LanchatError('DATA_DIR_IN_USE', `the history in ${location} is open in another lanchat`, { cause: err });
    }
    throw storeError(err, location, { opening: true });
  }
  const problem = await tableProblem(db, location);
  if (problem !== undefined) {
    await db.close();
    throw damaged(location, problem);
  }
  return db;
}

/**
 * A table the manifest lists that is missing, or not as long as the manifest says. Opening reads no
 * table, so a table cut short (a crash, a full disk, a bad copy) would otherwise show only when a sync
 * or a history read reaches it, as `IO error: …: Invalid argument`. One stat a table.
 */
async function tableProblem(db: HistoryDb, location: string): Promise<string | undefined> {
  for (const [number, size] of listedTables(db)) {
    const base = join(location, String(number).padStart(6, '0'));
    const found = (await sizeOf(`${base}.ldb`)) ?? (await sizeOf(`${base}.sst`));
    if (found === undefined) {
      // A compaction begun at opening may have replaced it since the list was read, and deleted it.
      // LevelDB deletes no table of the current version, so one still listed now is missing indeed.
      if (listedTables(db).has(number)) return `the table ${base}.ldb is missing`;
    } else if (found.size !== size) {
      // A table is listed only once written whole, and never changes after.
      return `the table ${found.path} is cut short or changed (${found.size} bytes, not ${size})`;
    }
  }
  return undefined;
}

/** The tables of the current version: file number to size. */
function listedTables(db: HistoryDb): Map<number, number> {
  // " 7:2109701['smallest' @ … .. 'largest' @ …]": file number, then size. Keys are printed escaped, so
  // no key can hold a line break that would fake a table here.
  const listed = new Map<number, number>();
  for (const [, number, size] of db.getProperty('leveldb.sstables').matchAll(/^\s*(\d+):(\d+)\[/gm)) {
    listed.set(Number(number), Number(size));
  }
  return listed;
}

async function sizeOf(path: string): Promise<{ path: string; size: number } | undefined> {
  try {
    return { path, size: (await stat(path)).size };
  } catch {
    return undefined;
  }
}

/** The files of a folder; undefined if there is no folder. */
async function folderFiles(location: string): Promise<string[] | undefined> {
  try {
    return await readdir(location);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw fileError('DATA_DIR_ACCESS', { what: 'history-folder', path: location, dataDir: dirname(location), trouble: fileTrouble(err), doing: 'read' }, err);
  }
}

/**
 * A LevelDB error as lanchat reports it: damage (corruption, a short read, a garbled manifest) becomes
 * STORE_DAMAGED with the damaged file named, and the folder where no file can be named; LevelDB's own
 * words follow in parentheses, never alone. Anything else is returned as it is.
 */
export function storeError(err: unknown, location: string, { opening = false }: { opening?: boolean } = {}): unknown {
  if (err instanceof LanchatError) return err;
  const outer = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  // "Database failed to open" says nothing by itself; its cause is what LevelDB found.
  const inner = outer.code === 'LEVEL_DATABASE_NOT_OPEN' && outer.cause !== undefined ? outer.cause : outer;
  const code = typeof inner.code === 'string' ? inner.code : undefined;
  const detail = typeof inner.message === 'string' ? inner.message : String(err);
  const isDamage =
    code === 'LEVEL_CORRUPTION' ||
    code === 'LEVEL_IO_ERROR' ||
    // A missing manifest or table is reported as "No such file" or "missing files", without a code.
    (outer.code === 'LEVEL_DATABASE_NOT_OPEN' && /corrupt|No such file|does not exist|missing files/i.test(detail));
  if (!isDamage) return err;
  const named = DAMAGED_NAME.exec(detail)?.[1] ?? (opening && code === 'LEVEL_CORRUPTION' ? manifestOf(location) : undefined);
  const what = `${named === undefined ? 'LevelDB cannot read it' : `${join(location, named)} cannot be read`} (LevelDB says: ${detail})`;
  return damaged(location, what, err);
}

/** A file LevelDB names in an error, by its name alone: the path before it may be relative, or hold spaces. */
const DAMAGED_NAME = /\b(\d+\.(?:ldb|sst|log)|MANIFEST-\d+|CURRENT)\b/;

/**
 * The manifest CURRENT names. Opening reads only CURRENT, the manifest and the logs, and damage in a log
 * is skipped (LevelDB's paranoid checks are off): a corruption at opening that names no file is the
 * manifest's.
 */
function manifestOf(location: string): string | undefined {
  try {
    const name = readFileSync(join(location, 'CURRENT'), 'utf8').trim();
    return /^MANIFEST-\d+$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

function damaged(location: string, what: string, cause?: unknown): LanchatError {
  const dataDir = dirname(location);
  return new LanchatError(
    'STORE_DAMAGED',
    `the history in ${location} is damaged: ${what}. lanchat deleted nothing in it. ` +
      `\`lanchat repair --data ${dataDir}\` keeps a copy of it, then recovers what it can.`,
    cause === undefined ? undefined : { cause },
  );
}

/** Whether `path` is a folder (false when absent). */
export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
