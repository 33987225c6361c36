import { LanchatError } from '../wire/errors.js';
import type { HistoryDb } from './level-store.js';
import {
  bucketKey,
  bucketOf,
  displayKey,
  FORMAT,
  FORMAT_KEY,
  prefixEnd,
  readVectorEntry,
  vectorKey,
  writeVectorEntry,
} from './keys.js';
import { decodeStored } from './stored-message.js';

/** Format-1 records are rewritten this many messages at a time, so memory stays bounded. */
const UPGRADE_BATCH = 5_000;

/**
 * Brings a history written by an earlier lanchat to today's key layout (keys.ts), so an upgrade keeps
 * every stored message. Each step only adds records that the messages imply, and the format key is
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
  await upgradeFrom1(db);
  await writeFormat(db);
}

/** Format 1: a global display index (t!), one per room (r!), and vector values of the held seq only. */
async function upgradeFrom1(db: HistoryDb): Promise<void> {
  const top = new Map<string, number>();
  const buckets = new Set<string>();
  let batch = db.batch();
  for await (const bytes of db.values({ gte: 'm!', lt: prefixEnd('m!') })) {
    const m = decodeStored(bytes);
    const bucket = bucketOf(m.message);
    batch.put(displayKey(bucket, m.time, m.counter, m.origin, m.seq), EMPTY);
    if (!buckets.has(bucket)) batch.put(bucketKey(bucket), EMPTY);
    buckets.add(bucket);
    top.set(m.origin, Math.max(top.get(m.origin) ?? 0, m.seq));
    if (batch.length >= UPGRADE_BATCH * 2) {
      await batch.write();
      batch = db.batch();
    }
  }
  for await (const [key, value] of db.iterator({ gte: 'v!', lt: prefixEnd('v!') })) {
    if (value.length !== 8) continue; // already rewritten by an upgrade cut short
    const origin = key.slice(2);
    const held = readVectorEntry(Buffer.concat([value, Buffer.alloc(8)])).held;
    batch.put(vectorKey(origin), writeVectorEntry({ held, top: top.get(origin) ?? held }));
  }
  await batch.write();
  await db.clear({ gte: 't!', lt: prefixEnd('t!') });
  await db.clear({ gte: 'r!', lt: prefixEnd('r!') });
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
