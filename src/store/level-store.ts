import { VectorChanges } from './vector-changes.js';
import { LanchatError } from '../wire/errors.js';
import { openHistoryDb, storeError, type HistoryDb } from './history-db.js';
import type { DisplayPosition, HistoryStore, SearchScan, StoredMessage, VersionVector } from './history-store.js';
import { decodeStored } from './stored-message.js';
import { upgradeFormat, type UpgradeProgress } from './format.js';
import { compareOrder, countPlaces, encodePage } from './display-page.js';
import { bucketKey, bucketOf, pageKey, pagePrefix, prefixEnd, readRunKey, readVectorEntry, RUN_PREFIX, runKey, vectorKey, writeVectorEntry, type RunSpan, type VectorEntry } from './keys.js';
import { moveHeld } from './held-move.js';
import { messageIn, runBytesOf } from './message-run.js';
import { joinTails, planPages, planRuns, type PageWrite, type RunWrite, type RunPiece } from './record-tails.js';
import { countMessages, heldAmong, readHeldSpans, readMany, readSince, runHolding, spanHolding } from './run-reads.js';
import { latestPlaces, readHistory } from './display-reads.js';
import { searchRuns } from './search-scan.js';
import { runSketch, sketchKey, sketchOf } from './search-sketch.js';

export type { HistoryDb } from './history-db.js';

/**
 * The history store on LevelDB (`level`), in `<data folder>/history`. A record per run of an origin's
 * consecutive messages (message-run.ts) and display pages per bucket (places in display order,
 * display-page.ts); small ones, as live chat writes them, are joined as they add up (record-tails.ts).
 * What is held is known in memory, so telling a new message from a known one seldom reads the disk.
 * This class keeps that memory and writes; the reads, which need only the database, are run-reads.ts
 * (by origin and seq) and display-reads.ts (in display order).
 */
export class LevelHistoryStore implements HistoryStore {
  readonly #db: HistoryDb;
  /** Per origin: the highest seq held with no gap below it. */
  readonly #vector: Map<string, number>;
  readonly vectorChanges = new VectorChanges();
  /** Per origin: the highest seq held at all. Between the two, a message may or may not be held. */
  readonly #top: Map<string, number>;
  readonly #buckets: Set<string>;
  /** Per origin: bytes of its messages held (runBytesOf), and their sum. */
  readonly #bytes: Map<string, number>;
  #totalBytes = 0;
  /** Appends, one after another: each reads the vector the previous one left. */
  #appending: Promise<unknown> = Promise.resolve();
  /**
   * The small runs and pages appends wrote lately, per origin and per bucket, to be joined into one
   * record (record-tails.ts). Only appends write runs and pages once the store is open, and they update
   * these after each write, so a tail's pieces are always records on disk.
   */
  readonly #tailRuns = new Map<string, RunPiece[]>();
  readonly #tailPages = new Map<string, readonly DisplayPosition[][]>();

  private constructor(db: HistoryDb, vector: Map<string, number>, top: Map<string, number>, buckets: Set<string>, bytes: Map<string, number>) {
    this.#db = db;
    this.#vector = vector;
    this.#top = top;
    this.#buckets = buckets;
    this.#bytes = bytes;
    for (const n of bytes.values()) this.#totalBytes += n;
  }

  /** Opens the history at `location`: a new one only where there is none (history-db.ts). */
  static async open(location: string, options: { onUpgrade?: UpgradeProgress } = {}): Promise<LevelHistoryStore> {
    const db = await openHistoryDb(location);
    try {
      await upgradeFormat(db, location, options.onUpgrade);
      const vector = new Map<string, number>();
      const top = new Map<string, number>();
      const bytes = new Map<string, number>();
      for await (const [key, value] of db.iterator({ gte: 'v!', lt: prefixEnd('v!') })) {
        const entry = readVectorEntry(value);
        vector.set(key.slice(2), entry.held);
        top.set(key.slice(2), entry.top);
        if (entry.bytes !== undefined) bytes.set(key.slice(2), entry.bytes);
      }
      if (bytes.size < vector.size) await countBytes(db, vector, top, bytes);
      const buckets = new Set<string>();
      for await (const key of db.keys({ gte: 'b!', lt: prefixEnd('b!') })) buckets.add(key.slice(2));
      return new LevelHistoryStore(db, vector, top, buckets, bytes);
    } catch (err) {
      // A table that cannot be read shows here, on the first reads, as often as at opening.
      await db.close();
      throw storeError(err, location);
    }
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
    const runs = planRuns(fresh, this.#tailRuns);
    const byPlace = new Map(fresh.map((m) => [`${m.origin}!${m.seq}`, m]));
    for (const write of runs.writes) putRun(batch, write, byPlace);
    const placesByBucket = new Map<string, DisplayPosition[]>();
    for (const m of fresh) {
      const bucket = bucketOf(m);
      const places = placesByBucket.get(bucket);
      if (places === undefined) placesByBucket.set(bucket, [m]);
      else places.push(m);
    }
    const newBuckets: string[] = [];
    const pageTailsAfter = new Map<string, readonly DisplayPosition[][] | undefined>();
    for (const [bucket, places] of placesByBucket) {
      const pages = planPages(places, this.#tailPages.get(bucket));
      for (const write of pages.writes) putPage(batch, bucket, write);
      pageTailsAfter.set(bucket, pages.tail);
      if (!this.#buckets.has(bucket)) {
        newBuckets.push(bucket);
        batch.put(bucketKey(bucket), EMPTY);
      }
    }
    // The vector moves in the same batch as the messages: a crash keeps both or neither.
    const moved = await this.#movedEntries(fresh);
    for (const [origin, entry] of moved) batch.put(vectorKey(origin), writeVectorEntry(entry));
    await batch.write();
    for (const [origin, { held, top, bytes = 0 }] of moved) {
      this.#vector.set(origin, held);
      this.#top.set(origin, top);
      this.#totalBytes += bytes - (this.#bytes.get(origin) ?? 0);
      this.#bytes.set(origin, bytes);
    }
    this.vectorChanges.add(moved.keys());
    for (const bucket of newBuckets) this.#buckets.add(bucket);
    keepTails(this.#tailRuns, runs.tails);
    keepTails(this.#tailPages, pageTailsAfter);
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
    /** What this call took, by identity: made once a message comes out of seq order (live batches may). */
    let taken: Set<string> | undefined;
    const identity = (m: StoredMessage): string => `${m.origin}!${m.seq}`;
    for (const m of messages) {
      const held = this.#vector.get(m.origin) ?? 0;
      if (m.seq <= held) continue;
      if (m.seq > (highest.get(m.origin) ?? held)) {
        highest.set(m.origin, m.seq);
      } else {
        taken ??= new Set(fresh.map(identity));
        if (taken.has(identity(m))) continue;
      }
      taken?.add(identity(m));
      fresh.push(m);
    }
    const unsure = fresh.filter((m) => m.seq <= (this.#top.get(m.origin) ?? 0));
    if (unsure.length === 0) return fresh;
    const stored = await heldAmong(this.#db, unsure);
    return fresh.filter((m) => !stored.has(m));
  }

  async has(origin: string, seq: number): Promise<boolean> {
    return (await spanHolding(this.#db, origin, seq)) !== undefined;
  }

  async get(origin: string, seq: number): Promise<Uint8Array | undefined> {
    const run = await runHolding(this.#db, origin, seq);
    return run === undefined ? undefined : messageIn(run, seq);
  }

  lastSeq(origin: string): Promise<number> {
    return Promise.resolve(this.#top.get(origin) ?? 0);
  }

  versionVector(): VersionVector {
    return this.#vector;
  }

  topVector(): VersionVector {
    return this.#top;
  }

  originBytes(origin: string): number {
    return this.#bytes.get(origin) ?? 0;
  }

  totalBytes(): number {
    return this.#totalBytes;
  }

  async heldSpans(origin: string, after: number, limit: number): Promise<RunSpan[]> {
    const held = this.#vector.get(origin) ?? 0;
    const top = this.#top.get(origin) ?? 0;
    if (after >= top || limit <= 0) return [];
    // Up to the vector entry, every seq is held; past it the run keys tell (held + 1 is not held).
    const first: RunSpan[] = after < held ? [{ first: after + 1, last: held }] : [];
    if (held === top) return first;
    const rest = await readHeldSpans(this.#db, origin, Math.max(after, held) + 1, limit - first.length + 1);
    // An append under way may have put held + 1 on disk before the vector moved: one span then.
    if (first.length > 0 && rest[0]?.first === held + 1) first[0]!.last = rest.shift()!.last;
    return [...first, ...rest].slice(0, limit);
  }

  async since(origin: string, after: number, limit: number, { bytes = Infinity }: { bytes?: number } = {}): Promise<Uint8Array[]> {
    return readSince(this.#db, origin, after, limit, bytes);
  }

  async latest({ limit, room, before }: { limit: number; room?: string; before?: DisplayPosition }): Promise<StoredMessage[]> {
    this.#assertOpen();
    const buckets = room === undefined ? [...this.#buckets] : [room];
    const perBucket = await Promise.all(buckets.map((bucket) => latestPlaces(this.#db, bucket, limit, before)));
    // Each bucket's newest `limit`, merged: the newest `limit` of all are among them.
    const places = perBucket.flat();
    if (buckets.length > 1) places.sort(compareOrder);
    const newest = places.slice(-limit);
    const values = await readMany(this.#db, newest);
    return values.filter((v): v is Uint8Array => v !== undefined).map(decodeStored);
  }

  async *history({ room }: { room?: string } = {}): AsyncGenerator<StoredMessage[]> {
    this.#assertOpen();
    yield* readHistory(this.#db, room === undefined ? [...this.#buckets] : this.#buckets.has(room) ? [room] : []);
  }

  /** A closed store says so, even where it has nothing to read: "no history" would be a wrong answer. */
  #assertOpen(): void {
    if (this.#db.status !== 'open') throw new LanchatError('STORE_FAILED', 'the history store is closed');
  }

  async count({ room }: { room?: string } = {}): Promise<number> {
    if (room !== undefined) return countPlaces(room, this.#db.iterator({ gte: pagePrefix(room), lt: prefixEnd(pagePrefix(room)) }));
    return countMessages(this.#db);
  }

  search(scan: SearchScan): Promise<StoredMessage[]> {
    this.#assertOpen();
    return searchRuns(this.#db, scan);
  }

  async close(): Promise<void> {
    await this.#appending;
    if (this.#db.status === 'open') await this.#joinTails();
    await this.#db.close();
  }

  /** Joins the pieces of every tail, which a new opening would not know to join (best effort: they read fine as they are). */
  async #joinTails(): Promise<void> {
    const { runs, pages } = joinTails(this.#tailRuns, this.#tailPages);
    this.#tailRuns.clear();
    this.#tailPages.clear();
    if (runs.length === 0 && pages.length === 0) return;
    const batch = this.#db.batch();
    for (const write of runs) putRun(batch, write);
    for (const [bucket, write] of pages) putPage(batch, bucket, write);
    // A store that cannot write any more still closes: the pieces read fine as they are.
    await batch.write().catch(() => undefined);
  }

  /**
   * Each origin's vector entry and top once `fresh` is stored. The vector moves past every seq then held
   * without a gap: seqs of the batch are looked up in memory, and the disk only below the top (earlier
   * out-of-order arrivals), a run at a time.
   */
  async #movedEntries(fresh: readonly StoredMessage[]): Promise<Map<string, VectorEntry>> {
    const moved = new Map<string, VectorEntry>();
    const added = new Map<string, number>();
    for (const m of fresh) added.set(m.origin, (added.get(m.origin) ?? 0) + runBytesOf(m.bytes));
    for (const [origin, { held, ahead, top }] of moveHeld(this.#vector, fresh)) {
      /** Nothing above this was on disk before the batch. */
      const topBefore = this.#top.get(origin) ?? 0;
      let next = held + 1;
      for (;;) {
        if (ahead?.has(next)) {
          next++;
          continue;
        }
        const span = next <= topBefore ? await spanHolding(this.#db, origin, next) : undefined;
        if (span === undefined) break;
        next = span.last + 1;
      }
      // Every origin gets an entry, at 0 if it has a gap at 1, so its messages are offered to others.
      const bytes = (this.#bytes.get(origin) ?? 0) + (added.get(origin) ?? 0);
      moved.set(origin, { held: next - 1, top: Math.max(topBefore, top), bytes });
    }
    return moved;
  }

}

const EMPTY = new Uint8Array(0);

/**
 * Fills in `bytes` for the origins whose vector entry does not say (written before entries kept it, or
 * by a repair) from their runs' sizes, and writes those entries back with it: once, at opening.
 */
async function countBytes(db: HistoryDb, vector: ReadonlyMap<string, number>, top: ReadonlyMap<string, number>, bytes: Map<string, number>): Promise<void> {
  const counted = new Map<string, number>();
  for (const origin of vector.keys()) if (!bytes.has(origin)) counted.set(origin, 0);
  for await (const [key, value] of db.iterator({ gte: RUN_PREFIX, lt: prefixEnd(RUN_PREFIX) })) {
    const { origin } = readRunKey(key);
    const sum = counted.get(origin);
    if (sum !== undefined) counted.set(origin, sum + value.length);
  }
  const batch = db.batch();
  for (const [origin, sum] of counted) {
    bytes.set(origin, sum);
    batch.put(vectorKey(origin), writeVectorEntry({ held: vector.get(origin) ?? 0, top: top.get(origin) ?? 0, bytes: sum }));
  }
  await batch.write();
}

type HistoryBatch = ReturnType<HistoryDb['batch']>;

/** Puts a run record and its sketch, deleting those it replaces. */
function putRun(batch: HistoryBatch, { origin, span, value, replaces }: RunWrite, decoded?: ReadonlyMap<string, StoredMessage>): void {
  for (const replaced of replaces) {
    batch.del(runKey(origin, replaced));
    batch.del(sketchKey(runKey(origin, replaced)));
  }
  const key = runKey(origin, span);
  batch.put(key, value);
  // The search index of the run, in the same batch: a crash keeps both or neither (search-sketch.ts).
  batch.put(sketchKey(key), sketchOfRun(value, origin, span, decoded));
}

/** A run's sketch from its messages as this append decoded them, or (a join of earlier pieces) from its record. */
function sketchOfRun(value: Uint8Array, origin: string, span: RunSpan, decoded: ReadonlyMap<string, StoredMessage> | undefined): Uint8Array {
  const messages: StoredMessage[] = [];
  for (let seq = span.first; seq <= span.last && decoded !== undefined; seq++) {
    const m = decoded.get(`${origin}!${seq}`);
    if (m === undefined) break;
    messages.push(m);
  }
  return messages.length === span.last - span.first + 1 ? sketchOf(messages) : runSketch(value, span.last - span.first + 1);
}

/**
 * Puts a page record, deleting those it replaces first: a joined page takes the key of its newest piece
 * (the same newest place), and in a batch the later of a del and a put of one key wins.
 */
function putPage(batch: HistoryBatch, bucket: string, { page, replaces }: PageWrite): void {
  for (const replaced of replaces) batch.del(pageKey(bucket, replaced));
  batch.put(pageKey(bucket, page.at(-1)!), encodePage(page));
}

/**
 * Tails are kept for this many origins and buckets at most (a run tail holds up to 16 KiB, a page tail
 * up to 500 places); the least recent go first, their pieces left as they are on disk.
 */
const TAILS_KEPT = 256;

/** Sets (or, for undefined, drops) each entry of `updates` in `tails`, most recent last, within TAILS_KEPT. */
function keepTails<T>(tails: Map<string, T>, updates: ReadonlyMap<string, T | undefined>): void {
  for (const [key, tail] of updates) {
    tails.delete(key);
    if (tail !== undefined) tails.set(key, tail);
  }
  for (const key of tails.keys()) {
    if (tails.size <= TAILS_KEPT) break;
    tails.delete(key);
  }
}

