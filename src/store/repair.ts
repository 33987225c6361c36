import { constants } from 'node:fs';
import { copyFile, mkdir, open, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { syncDir } from '../util/atomic-file.js';
import { LanchatError } from '../wire/errors.js';
import { isFolder, openHistoryDb, storeError, type HistoryDb } from './history-db.js';
import { rebuildPages, rebuildSketches, upgradeFormat } from './format.js';
import { prefixEnd, readRunKey, RUN_PREFIX, runKey, type RunSpan, vectorKey, writeVectorEntry } from './keys.js';
import { decodeRun, runRecords } from './message-run.js';
import { LevelHistoryStore } from './level-store.js';

/** What a repair did. */
export interface RepairReport {
  /** The copy of the history as it was before the repair. */
  backup: string;
  /** Messages the repaired history holds. */
  messages: number;
  /** Their authors (origins). */
  origins: number;
  /**
   * Messages missing below an author's newest one held: lost with a damaged file, unless never received.
   * The vector now says so, so the next sync asks the other nodes for them.
   */
  missing: number;
}

/**
 * Repairs the history at `location` (`lanchat repair`). The caller holds the data folder (claimDataDir).
 * 1. The folder is copied, synced, beside it (history.bak-<time>): a repair drops what it cannot read.
 * 2. LevelDB's repair (RepairDB) rebuilds the manifest from the tables and logs it can read, and moves
 *    the rest to `lost/` inside the folder.
 * 3. What lanchat derives from the messages is made again from the runs that are left: display pages,
 *    buckets and the version vector. A vector that still counted lost messages as held would keep the
 *    next sync from ever asking for them again.
 * 4. The history is opened as lanchat opens it, and its messages counted.
 */
export async function repairHistory(location: string, now: Date = new Date()): Promise<RepairReport> {
  if (!(await isFolder(location))) throw new LanchatError('USAGE', `there is no history folder at ${location}: nothing to repair`);
  const backup = `${location}.bak-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    await copyTree(location, backup);
    await syncDir(dirname(location));
  } catch (err) {
    await rm(backup, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new LanchatError('DATA_DIR_ACCESS', `could not keep a copy of ${location} in ${backup} (${code}); nothing was changed`, { cause: err });
  }
  try {
    await ClassicLevel.repair(location);
  } catch (err) {
    throw new LanchatError('STORE_DAMAGED', `LevelDB could not repair ${location} (${(err as Error).message}); the copy is in ${backup}`, { cause: err });
  }
  const db = await openHistoryDb(location);
  let rebuilt: { origins: number; missing: number };
  try {
    await upgradeFormat(db, location);
    rebuilt = await rebuildDerived(db);
  } catch (err) {
    throw storeError(err, location);
  } finally {
    await db.close();
  }
  const store = await LevelHistoryStore.open(location);
  try {
    return { backup, messages: await store.count(), ...rebuilt };
  } finally {
    await store.close();
  }
}

/** Copies a folder, every file synced, so the copy is on disk before the repair changes anything. */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { mode: 0o700 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await copyTree(source, target);
    } else if (entry.isFile()) {
      await copyFile(source, target, constants.COPYFILE_EXCL);
      const handle = await open(target, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  }
  await syncDir(to);
}

/**
 * Makes the version vector, display pages and buckets again from the runs (the format key is set by
 * upgradeFormat, which runs first). Runs of one origin that
 * overlap (a repair brings back records whose deletion was in a lost file) are merged first, so each
 * message is held once.
 */
export async function rebuildDerived(db: HistoryDb): Promise<{ origins: number; missing: number }> {
  await mergeOverlaps(db);
  const spans = await runSpans(db);
  // The whole vector in one batch: a repair cut short here leaves the old one or the new one.
  const batch = db.batch();
  for await (const key of db.keys({ gte: 'v!', lt: prefixEnd('v!') })) batch.del(key);
  let missing = 0;
  for (const [origin, list] of spans) {
    list.sort((a, b) => a.first - b.first);
    let held = 0;
    let count = 0;
    for (const { first, last } of list) {
      if (first === held + 1) held = last;
      count += last - first + 1;
    }
    const top = list.at(-1)!.last;
    missing += top - count;
    // Every origin gets an entry, at 0 if it has a gap at 1, so its messages are offered to others.
    batch.put(vectorKey(origin), writeVectorEntry({ held, top }));
  }
  await batch.write();
  // Pages naming lost messages go; a bucket record left with no message is harmless.
  await rebuildPages(db);
  await rebuildSketches(db);
  return { origins: spans.size, missing };
}

/** Each origin's run spans, from the keys alone, in key order (by last seq). */
async function runSpans(db: HistoryDb): Promise<Map<string, RunSpan[]>> {
  const spans = new Map<string, RunSpan[]>();
  for await (const key of db.keys({ gte: RUN_PREFIX, lt: prefixEnd(RUN_PREFIX) })) {
    const { origin, first, last } = readRunKey(key);
    const list = spans.get(origin);
    if (list === undefined) spans.set(origin, [{ first, last }]);
    else list.push({ first, last });
  }
  return spans;
}

/** Replaces every group of overlapping runs of an origin by runs of its messages, each once. */
async function mergeOverlaps(db: HistoryDb): Promise<void> {
  for (const [origin, list] of await runSpans(db)) {
    list.sort((a, b) => a.first - b.first || a.last - b.last);
    let group: RunSpan[] = [];
    let reach = 0;
    const flush = async (): Promise<void> => {
      if (group.length > 1) await mergeGroup(db, origin, group);
      group = [];
    };
    for (const span of list) {
      if (span.first > reach) await flush();
      group.push(span);
      reach = Math.max(reach, span.last);
    }
    await flush();
  }
}

async function mergeGroup(db: HistoryDb, origin: string, group: readonly RunSpan[]): Promise<void> {
  const bySeq = new Map<number, Uint8Array>();
  const keys: string[] = [];
  for (const span of group) {
    const key = runKey(origin, span);
    keys.push(key);
    const value = await db.get(key);
    if (value === undefined) continue;
    decodeRun(value, span.last - span.first + 1).forEach((bytes, i) => bySeq.set(span.first + i, Buffer.from(bytes)));
  }
  const messages = [...bySeq].map(([seq, bytes]) => ({ origin, seq, bytes }));
  const batch = db.batch();
  for (const key of keys) batch.del(key);
  for (const [key, value] of runRecords(messages)) batch.put(key, value);
  await batch.write();
}

