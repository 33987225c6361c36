import { Level } from 'level';
import { LanchatError } from '../wire/errors.js';
import type { DisplayPosition, HistoryStore, StoredMessage, VersionVector } from './history-store.js';
import { decodeStored } from './stored-message.js';
import { upgradeFormat } from './format.js';
import { compareOrder, decodePage, PAGE_SPAN_MS, pageRecords } from './display-page.js';
import {
  bucketKey,
  bucketOf,
  messageKey,
  messagePrefix,
  orderSuffix,
  pageNewestOrder,
  pagePrefix,
  prefixEnd,
  readVectorEntry,
  vectorKey,
  writeVectorEntry,
  type VectorEntry,
} from './keys.js';

export type HistoryDb = Level<string, Uint8Array>;

/**
 * The history store on LevelDB (`level`), in `<data folder>/history`. A record per message (its bytes)
 * and a display page per bucket and append (its new messages' places in display order); what is held
 * is known in memory, so telling a new message from a known one seldom reads the disk.
 */
export class LevelHistoryStore implements HistoryStore {
  readonly #db: HistoryDb;
  /** Per origin: the highest seq held with no gap below it. */
  readonly #vector: Map<string, number>;
  /** Per origin: the highest seq held at all. Between the two, a message may or may not be held. */
  readonly #top: Map<string, number>;
  readonly #buckets: Set<string>;
  /** Appends, one after another: each reads the vector the previous one left. */
  #appending: Promise<unknown> = Promise.resolve();

  private constructor(db: HistoryDb, vector: Map<string, number>, top: Map<string, number>, buckets: Set<string>) {
    this.#db = db;
    this.#vector = vector;
    this.#top = top;
    this.#buckets = buckets;
  }

  static async open(location: string): Promise<LevelHistoryStore> {
    const db: HistoryDb = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new LanchatError('DATA_DIR_IN_USE', `the history in ${location} is open in another lanchat`, { cause: err });
      }
      throw err;
    }
    try {
      await upgradeFormat(db, location);
    } catch (err) {
      await db.close();
      throw err;
    }
    const vector = new Map<string, number>();
    const top = new Map<string, number>();
    for await (const [key, value] of db.iterator({ gte: 'v!', lt: prefixEnd('v!') })) {
      const entry = readVectorEntry(value);
      vector.set(key.slice(2), entry.held);
      top.set(key.slice(2), entry.top);
    }
    const buckets = new Set<string>();
    for await (const key of db.keys({ gte: 'b!', lt: prefixEnd('b!') })) buckets.add(key.slice(2));
    return new LevelHistoryStore(db, vector, top, buckets);
  }

  append(messages: readonly StoredMessage[]): Promise<StoredMessage[]> {
    const done = this.#appending.then(() => this.#append(messages));
    this.#appending = done.catch(() => undefined);
    return done;
  }

  async #append(messages: readonly StoredMessage[]): Promise<StoredMessage[]> {
    const fresh = await this.missing(messages);
    if (fresh.length === 0) return [];
    const batch = this.#db.batch();
    const placesByBucket = new Map<string, DisplayPosition[]>();
    for (const m of fresh) {
      batch.put(messageKey(m.origin, m.seq), m.bytes);
      const bucket = bucketOf(m);
      const places = placesByBucket.get(bucket);
      if (places === undefined) placesByBucket.set(bucket, [m]);
      else places.push(m);
    }
    const newBuckets: string[] = [];
    for (const [bucket, places] of placesByBucket) {
      for (const [key, value] of pageRecords(bucket, places)) batch.put(key, value);
      if (!this.#buckets.has(bucket)) {
        newBuckets.push(bucket);
        batch.put(bucketKey(bucket), EMPTY);
      }
    }
    // The vector moves in the same batch as the messages: a crash keeps both or neither.
    const moved = await this.#movedEntries(fresh);
    for (const [origin, entry] of moved) batch.put(vectorKey(origin), writeVectorEntry(entry));
    await batch.write();
    for (const [origin, { held, top }] of moved) {
      this.#vector.set(origin, held);
      this.#top.set(origin, top);
    }
    for (const bucket of newBuckets) this.#buckets.add(bucket);
    return fresh;
  }

  /**
   * Those of `messages` not held, each once. At or below an origin's vector entry a message is held;
   * above its top it is not; only in between (after an out-of-order arrival) is the disk asked.
   */
  async missing(messages: readonly StoredMessage[]): Promise<StoredMessage[]> {
    const fresh: StoredMessage[] = [];
    /** Per origin, the highest seq taken in this call: above it, a message cannot be a repeat. */
    const highest = new Map<string, number>();
    /** What this call took, by key: made once a message comes out of seq order (live batches may). */
    let taken: Set<string> | undefined;
    for (const m of messages) {
      const held = this.#vector.get(m.origin) ?? 0;
      if (m.seq <= held) continue;
      if (m.seq > (highest.get(m.origin) ?? held)) {
        highest.set(m.origin, m.seq);
      } else {
        taken ??= new Set(fresh.map((f) => messageKey(f.origin, f.seq)));
        if (taken.has(messageKey(m.origin, m.seq))) continue;
      }
      taken?.add(messageKey(m.origin, m.seq));
      fresh.push(m);
    }
    const unsure = fresh.filter((m) => m.seq <= (this.#top.get(m.origin) ?? 0));
    if (unsure.length === 0) return fresh;
    const existing = await this.#db.getMany(unsure.map((m) => messageKey(m.origin, m.seq)));
    const stored = new Set(unsure.filter((_, i) => existing[i] !== undefined));
    return fresh.filter((m) => !stored.has(m));
  }

  async has(origin: string, seq: number): Promise<boolean> {
    return (await this.get(origin, seq)) !== undefined;
  }

  get(origin: string, seq: number): Promise<Uint8Array | undefined> {
    return this.#db.get(messageKey(origin, seq));
  }

  lastSeq(origin: string): Promise<number> {
    return Promise.resolve(this.#top.get(origin) ?? 0);
  }

  versionVector(): VersionVector {
    return this.#vector;
  }

  async since(origin: string, after: number, limit: number): Promise<Uint8Array[]> {
    const range = { gt: messageKey(origin, after), lt: prefixEnd(messagePrefix(origin)), limit };
    // Read a sync batch in one trip to LevelDB's thread, not one per 16 KiB (the default).
    return this.#db.values({ ...range, highWaterMarkBytes: SINCE_READ_BYTES }).all();
  }

  async latest({ limit, room, before }: { limit: number; room?: string; before?: DisplayPosition }): Promise<StoredMessage[]> {
    const buckets = room === undefined ? [...this.#buckets] : [room];
    const perBucket = await Promise.all(buckets.map((bucket) => this.#latestPlaces(bucket, limit, before)));
    // Each bucket's newest `limit`, merged: the newest `limit` of all are among them.
    const places = perBucket.flat();
    if (buckets.length > 1) places.sort(compareOrder);
    const newest = places.slice(-limit);
    const values = await this.#db.getMany(newest.map((p) => messageKey(p.origin, p.seq)));
    return values.filter((v): v is Uint8Array => v !== undefined).map(decodeStored);
  }

  /**
   * The newest `limit` places of a bucket (before `before`, if given), oldest first. Pages are read from
   * the newest down; every place in a page is at or below its key, so once `limit` places are newer than
   * the next page's key, no older page can change the answer.
   */
  async #latestPlaces(bucket: string, limit: number, before: DisplayPosition | undefined): Promise<DisplayPosition[]> {
    const prefix = pagePrefix(bucket);
    // A page holding a place before `before` has its newest within PAGE_SPAN_MS of it.
    const end = before === undefined ? prefixEnd(prefix) : prefix + orderSuffix(before.time + PAGE_SPAN_MS, 0, '', 0);
    const found: DisplayPosition[] = [];
    /** Once `limit` places are found: the oldest of the newest `limit`. */
    let cutoff: string | undefined;
    for await (const [key, value] of this.#db.iterator({ gte: prefix, lt: end, reverse: true })) {
      if (cutoff !== undefined && cutoff > pageNewestOrder(key)) break;
      for (const place of decodePage(value)) if (before === undefined || compareOrder(place, before) < 0) found.push(place);
      if (found.length >= limit) {
        found.sort((a, b) => compareOrder(b, a)).length = limit;
        cutoff = orderOf(found.at(-1)!);
      }
    }
    found.sort((a, b) => compareOrder(b, a));
    return found.reverse();
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.#db.keys({ gte: 'm!', lt: prefixEnd('m!') })) n++;
    return n;
  }

  async close(): Promise<void> {
    await this.#appending;
    await this.#db.close();
  }

  /**
   * Each origin's vector entry and top once `fresh` is stored. The vector moves past every seq then held
   * without a gap: seqs of the batch are looked up in memory, and the disk only below the top (earlier
   * out-of-order arrivals).
   */
  async #movedEntries(fresh: readonly StoredMessage[]): Promise<Map<string, VectorEntry>> {
    const seqsByOrigin = new Map<string, Set<number>>();
    for (const m of fresh) {
      let seqs = seqsByOrigin.get(m.origin);
      if (seqs === undefined) seqsByOrigin.set(m.origin, (seqs = new Set()));
      seqs.add(m.seq);
    }
    const moved = new Map<string, VectorEntry>();
    for (const [origin, seqs] of seqsByOrigin) {
      const top = Math.max(this.#top.get(origin) ?? 0, ...seqs);
      let next = (this.#vector.get(origin) ?? 0) + 1;
      while (seqs.has(next) || (next <= top && (await this.has(origin, next)))) next++;
      // Every origin gets an entry, at 0 if it has a gap at 1, so its messages are offered to others.
      moved.set(origin, { held: next - 1, top });
    }
    return moved;
  }
}

const EMPTY = new Uint8Array(0);

function orderOf(p: DisplayPosition): string {
  return orderSuffix(p.time, p.counter, p.origin, p.seq);
}
/** More than a sync batch holds (SYNC_BATCH_BYTES), so `since` reads one in a single call. */
const SINCE_READ_BYTES = 512 * 1024;
