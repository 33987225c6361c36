import { LanchatError } from '../wire/errors.js';
import type { HistoryDb } from './history-db.js';
import { pageRecords } from './display-page.js';
import type { DisplayPosition } from './history-store.js';
import {
  bucketKey,
  bucketOf,
  FORMAT,
  FORMAT_KEY,
  messageKey,
  MESSAGE_PREFIX,
  prefixEnd,
  readRunKey,
  readVectorEntry,
  RUN_PREFIX,
  UPGRADING_KEY,
  vectorKey,
  writeVectorEntry,
} from './keys.js';
import { decodeRun, runRecords } from './message-run.js';
import { decodeStored } from './stored-message.js';
import { countMessages } from './run-reads.js';
import { runSketch, SKETCH_PREFIX, sketchKey } from './search-sketch.js';

/** Messages are re-read this many at a time, so memory stays bounded. */
const UPGRADE_BATCH = 5_000;

/**
 * Brings a history written by an earlier lanchat to today's key layout (keys.ts), so an upgrade keeps
 * every stored message. The format key says today's format from the start of an upgrade, so an earlier
 * lanchat refuses a history half upgraded (it would not see the messages already moved); UPGRADING_KEY
 * holds the format the upgrade started from until it is done, and an upgrade cut short goes on from
 * where it stopped at the next start.
 */
export async function upgradeFormat(db: HistoryDb, location: string, onProgress?: UpgradeProgress): Promise<void> {
  const format = await readFormatKey(db, FORMAT_KEY);
  if (format !== undefined && format > FORMAT) {
    throw new LanchatError('STORE_FORMAT', `the history in ${location} was written by a newer lanchat (format ${format}); update lanchat`);
  }
  let from = await readFormatKey(db, UPGRADING_KEY);
  if (from === undefined) {
    if (format === FORMAT) return;
    if (format === undefined && (await isEmpty(db))) return db.put(FORMAT_KEY, formatValue(FORMAT));
    from = format ?? 1; // format 1 wrote no format key
    await db.batch([
      { type: 'put', key: FORMAT_KEY, value: formatValue(FORMAT) },
      { type: 'put', key: UPGRADING_KEY, value: formatValue(from) },
    ]);
  }
  await gatherRuns(db);
  // Format 3 has display pages already; formats 1 and 2 do not.
  if (from < 3) await rebuildIndexes(db);
  // Format 5 has a search sketch per run; the runs of an upgrade cut short may have none yet.
  if (from < 5) await rebuildSketches(db, onProgress);
  await db.del(UPGRADING_KEY);
}

/**
 * Formats 1 to 3 kept a record per message (m!<origin>!<seq>); format 4 keeps runs. Each batch puts
 * runs and deletes the records they hold together, so an upgrade cut short leaves every message in one
 * of the two forms, and the next start goes on from there.
 */
async function gatherRuns(db: HistoryDb): Promise<void> {
  let held: { origin: string; seq: number; bytes: Uint8Array }[] = [];
  const writeRuns = async (): Promise<void> => {
    const batch = db.batch();
    for (const [key, value] of runRecords(held)) batch.put(key, value);
    for (const { origin, seq } of held) batch.del(messageKey(origin, seq));
    await batch.write();
    held = [];
  };
  for await (const [key, bytes] of db.iterator({ gte: MESSAGE_PREFIX, lt: prefixEnd(MESSAGE_PREFIX) })) {
    // m!<origin>!<seq>: the key says whose and which message this is.
    held.push({ origin: key.slice(2, 66), seq: parseInt(key.slice(67), 16), bytes });
    if (held.length === UPGRADE_BATCH) await writeRuns();
  }
  if (held.length > 0) await writeRuns();
}

/**
 * Display pages and bucket records from the messages; vector values of format 1 (the held seq only)
 * widened to hold the top seq too; then the indexes of formats 1 (t!, r!) and 2 (d!) dropped.
 */
async function rebuildIndexes(db: HistoryDb): Promise<void> {
  const top = await rebuildPages(db);
  const batch = db.batch();
  for await (const [key, value] of db.iterator({ gte: 'v!', lt: prefixEnd('v!') })) {
    if (value.length !== 8) continue; // format 2, or rewritten by an upgrade cut short
    const origin = key.slice(2);
    const held = readVectorEntry(Buffer.concat([value, Buffer.alloc(8)])).held;
    batch.put(vectorKey(origin), writeVectorEntry({ held, top: top.get(origin) ?? held }));
  }
  await batch.write();
  for (const old of ['t!', 'r!', 'd!']) await db.clear({ gte: old, lt: prefixEnd(old) });
}

/**
 * Display pages and bucket records, made again from the runs (an upgrade; a repair, after which pages
 * may name messages lost with a table). Returns each origin's top seq.
 */
export async function rebuildPages(db: HistoryDb): Promise<Map<string, number>> {
  await db.clear({ gte: 'p!', lt: prefixEnd('p!') }); // pages of an upgrade cut short, or of a damaged store
  const top = new Map<string, number>();
  const buckets = new Set<string>();
  let places = new Map<string, DisplayPosition[]>();
  let count = 0;
  const writePages = async (): Promise<void> => {
    const batch = db.batch();
    for (const [bucket, list] of places) {
      for (const [key, value] of pageRecords(bucket, list)) batch.put(key, value);
    }
    await batch.write();
    places = new Map();
    count = 0;
  };
  for await (const [key, value] of db.iterator({ gte: RUN_PREFIX, lt: prefixEnd(RUN_PREFIX) })) {
    const run = readRunKey(key);
    top.set(run.origin, Math.max(top.get(run.origin) ?? 0, run.last));
    for (const bytes of decodeRun(value, run.last - run.first + 1)) {
      const m = decodeStored(bytes);
      const bucket = bucketOf(m);
      const { time, counter, origin, seq } = m;
      const list = places.get(bucket);
      if (list === undefined) places.set(bucket, [{ time, counter, origin, seq }]);
      else list.push({ time, counter, origin, seq });
      buckets.add(bucket);
    }
    count += run.last - run.first + 1;
    if (count >= UPGRADE_BATCH) await writePages();
  }
  await writePages();
  const batch = db.batch();
  for (const bucket of buckets) batch.put(bucketKey(bucket), EMPTY);
  await batch.write();
  return top;
}

/** How far an upgrade has come: messages done, of `total`. */
export type UpgradeProgress = (done: number, total: number) => void;

/**
 * The search sketch of every run (search-sketch.ts), made again from the runs: an upgrade from format 4
 * or earlier, a repair. Bounded: UPGRADE_BATCH messages' sketches a batch; `onProgress` after each.
 */
export async function rebuildSketches(db: HistoryDb, onProgress?: UpgradeProgress): Promise<void> {
  await db.clear({ gte: SKETCH_PREFIX, lt: prefixEnd(SKETCH_PREFIX) });
  const total = onProgress === undefined ? 0 : await countMessages(db);
  let batch = db.batch();
  let pending = 0;
  let done = 0;
  for await (const [key, value] of db.iterator({ gte: RUN_PREFIX, lt: prefixEnd(RUN_PREFIX) })) {
    const { first, last } = readRunKey(key);
    batch.put(sketchKey(key), runSketch(value, last - first + 1));
    pending += last - first + 1;
    if (pending >= UPGRADE_BATCH) {
      await batch.write();
      done += pending;
      onProgress?.(done, total);
      batch = db.batch();
      pending = 0;
    }
  }
  await batch.write();
  onProgress?.(done + pending, total);
}

async function isEmpty(db: HistoryDb): Promise<boolean> {
  const first = await db.keys({ limit: 1 }).all();
  return first.length === 0;
}

async function readFormatKey(db: HistoryDb, key: string): Promise<number | undefined> {
  const stored = await db.get(key);
  return stored === undefined ? undefined : Buffer.from(stored.buffer, stored.byteOffset, stored.length).readUInt32BE();
}

function formatValue(format: number): Uint8Array {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(format);
  return value;
}

const EMPTY = new Uint8Array(0);
