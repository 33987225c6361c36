import { LanchatError } from '../wire/errors.js';
import type { HistoryDb } from './level-store.js';
import { pageRecords } from './display-page.js';
import type { DisplayPosition } from './history-store.js';
import { bucketKey, bucketOf, FORMAT, FORMAT_KEY, prefixEnd, readVectorEntry, vectorKey, writeVectorEntry } from './keys.js';
import { decodeStored } from './stored-message.js';

/** Messages are re-read this many at a time, so memory stays bounded. */
const UPGRADE_BATCH = 5_000;

/**
 * Brings a history written by an earlier lanchat to today's key layout (keys.ts), so an upgrade keeps
 * every stored message. Every index is rebuilt from the messages themselves, and the format key is
 * written last: an upgrade cut short is done again, whole, at the next start.
 */
export async function upgradeFormat(db: HistoryDb, location: string): Promise<void> {
  const stored = await db.get(FORMAT_KEY);
  const format = stored === undefined ? undefined : Buffer.from(stored).readUInt32BE();
  if (format === FORMAT) return;
  if (format !== undefined && format > FORMAT) {
    throw new LanchatError('STORE_FORMAT', `the history in ${location} was written by a newer lanchat (format ${format}); update lanchat`);
  }
  if (format === undefined && (await isEmpty(db))) return writeFormat(db);
  await rebuildIndexes(db);
  await writeFormat(db);
}

/**
 * Display pages and bucket records from the messages; vector values of format 1 (the held seq only)
 * widened to hold the top seq too; then the indexes of formats 1 (t!, r!) and 2 (d!) dropped.
 */
async function rebuildIndexes(db: HistoryDb): Promise<void> {
  await db.clear({ gte: 'p!', lt: prefixEnd('p!') }); // pages of an upgrade cut short
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
  for await (const bytes of db.values({ gte: 'm!', lt: prefixEnd('m!') })) {
    const m = decodeStored(bytes);
    const bucket = bucketOf(m);
    const { time, counter, origin, seq } = m;
    const list = places.get(bucket);
    if (list === undefined) places.set(bucket, [{ time, counter, origin, seq }]);
    else list.push({ time, counter, origin, seq });
    buckets.add(bucket);
    top.set(origin, Math.max(top.get(origin) ?? 0, seq));
    if (++count === UPGRADE_BATCH) await writePages();
  }
  await writePages();
  const batch = db.batch();
  for (const bucket of buckets) batch.put(bucketKey(bucket), EMPTY);
  for await (const [key, value] of db.iterator({ gte: 'v!', lt: prefixEnd('v!') })) {
    if (value.length !== 8) continue; // format 2, or rewritten by an upgrade cut short
    const origin = key.slice(2);
    const held = readVectorEntry(Buffer.concat([value, Buffer.alloc(8)])).held;
    batch.put(vectorKey(origin), writeVectorEntry({ held, top: top.get(origin) ?? held }));
  }
  await batch.write();
  for (const old of ['t!', 'r!', 'd!']) await db.clear({ gte: old, lt: prefixEnd(old) });
}

async function isEmpty(db: HistoryDb): Promise<boolean> {
  const first = await db.keys({ limit: 1 }).all();
  return first.length === 0;
}

function writeFormat(db: HistoryDb): Promise<void> {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(FORMAT);
  return db.put(FORMAT_KEY, value);
}

const EMPTY = new Uint8Array(0);
