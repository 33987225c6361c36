import { Level } from 'level';
import { LanchatError } from '../wire/errors.js';
import type { DisplayPosition, HistoryStore, StoredMessage, VersionVector } from './history-store.js';
import { decodeStored } from './stored-message.js';
import { upgradeFormat } from './format.js';
import { compareOrder, countPlaces, decodePage, encodePage, PAGE_SPAN_MS } from './display-page.js';
import {
  bucketKey,
  bucketOf,
  isPageOf,
  orderSuffix,
  pageKey,
  pageNewestOrder,
  pagePrefix,
  prefixEnd,
  readRunKey,
  readVectorEntry,
  runKey,
  RUN_PREFIX,
  runPrefix,
  runSeekKey,
  vectorKey,
  writeVectorEntry,
  type VectorEntry,
} from './keys.js';
import { moveHeld } from './held-move.js';
import { decodeRun, messageIn, type Run, type RunSpan } from './message-run.js';
import { RunCursors } from './run-cursors.js';
import { joinTails, planPages, planRuns, type PageWrite, type RunWrite, type RunPiece } from './record-tails.js';
import { PlaceHeap } from './place-heap.js';

export type HistoryDb = Level<string, Uint8Array>;

/**
 * The history store on LevelDB (`level`), in `<data folder>/history`. A record per run of an origin's
 * consecutive messages (message-run.ts) and display pages per bucket (places in display order,
 * display-page.ts); small ones, as live chat writes them, are joined as they add up (record-tails.ts).
 * What is held is known in memory, so telling a new message from a known one seldom reads the disk.
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
  /**
   * The small runs and pages appends wrote lately, per origin and per bucket, to be joined into one
   * record (record-tails.ts). Only appends write runs and pages once the store is open, and they update
   * these after each write, so a tail's pieces are always records on disk.
   */
  readonly #tailRuns = new Map<string, RunPiece[]>();
  readonly #tailPages = new Map<string, readonly DisplayPosition[][]>();

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
    const runs = planRuns(fresh, this.#tailRuns);
    for (const write of runs.writes) putRun(batch, write);
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
    for (const [origin, { held, top }] of moved) {
      this.#vector.set(origin, held);
      this.#top.set(origin, top);
    }
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
    const stored = await this.#heldAmong(unsure);
    return fresh.filter((m) => !stored.has(m));
  }

  async has(origin: string, seq: number): Promise<boolean> {
    return (await this.#spanHolding(origin, seq)) !== undefined;
  }

  async get(origin: string, seq: number): Promise<Uint8Array | undefined> {
    const run = await this.#runHolding(origin, seq);
    return run === undefined ? undefined : messageIn(run, seq);
  }

  lastSeq(origin: string): Promise<number> {
    return Promise.resolve(this.#top.get(origin) ?? 0);
  }

  versionVector(): VersionVector {
    return this.#vector;
  }

  async since(origin: string, after: number, limit: number, { bytes = Infinity }: { bytes?: number } = {}): Promise<Uint8Array[]> {
    const found: Uint8Array[] = [];
    let size = 0;
    // One trip to LevelDB's thread reads runs until they hold `bytes`, not one per 16 KiB (the default).
    const runs = this.#db.iterator({
      gte: runSeekKey(origin, after + 1),
      lt: prefixEnd(runPrefix(origin)),
      limit,
      highWaterMarkBytes: Math.max(1, Math.min(bytes, SINCE_READ_BYTES)),
    });
    try {
      while (found.length < limit) {
        const entries = await runs.nextv(limit);
        if (entries.length === 0) break;
        for (const [key, value] of entries) {
          const { first, last } = readRunKey(key);
          const count = last - first + 1;
          const taken: Uint8Array[] = [];
          for (const m of decodeRun(value, count, Math.max(0, after + 1 - first), limit - found.length)) {
            taken.push(m);
            size += m.length;
            if (size > bytes) break;
          }
          // A run taken whole is handed out as views of it; of a run taken in part, only that part is
          // kept (copied): a batch of the tails of many runs must not keep every run in memory.
          found.push(...(taken.length === count ? taken : taken.map((m) => Buffer.from(m))));
          if (size > bytes || found.length >= limit) return found;
        }
      }
      return found;
    } finally {
      await runs.close();
    }
  }

  async latest({ limit, room, before }: { limit: number; room?: string; before?: DisplayPosition }): Promise<StoredMessage[]> {
    this.#assertOpen();
    const buckets = room === undefined ? [...this.#buckets] : [room];
    const perBucket = await Promise.all(buckets.map((bucket) => this.#latestPlaces(bucket, limit, before)));
    // Each bucket's newest `limit`, merged: the newest `limit` of all are among them.
    const places = perBucket.flat();
    if (buckets.length > 1) places.sort(compareOrder);
    const newest = places.slice(-limit);
    const values = await this.#readMany(newest);
    return values.filter((v): v is Uint8Array => v !== undefined).map(decodeStored);
  }

  async *history({ room }: { room?: string } = {}): AsyncGenerator<StoredMessage[]> {
    this.#assertOpen();
    const buckets = room === undefined ? [...this.#buckets] : this.#buckets.has(room) ? [room] : [];
    // Pages are read in the order of their newest place, all buckets merged. Every place of a page not
    // read yet is within PAGE_SPAN_MS of that page's newest or after it, so what waits in the heap
    // from further back than that precedes everything still unread, and is shown.
    const pagesOf = (bucket: string) => this.#db.iterator({ gte: pagePrefix(bucket), lt: prefixEnd(pagePrefix(bucket)) });
    const pages: ReturnType<typeof pagesOf>[] = [];
    const waiting = new PlaceHeap();
    const runs = new RunCursors(this.#db);
    try {
      for (const bucket of buckets) pages.push(pagesOf(bucket));
      const nextPage = async (i: number): Promise<[string, Uint8Array] | undefined> => {
        for (;;) {
          const entry = await pages[i]!.next();
          if (entry === undefined || isPageOf(entry[0], buckets[i]!)) return entry;
        }
      };
      const heads = await Promise.all(pages.map((_, i) => nextPage(i)));
      for (;;) {
        let next = -1;
        for (let i = 0; i < heads.length; i++) {
          const head = heads[i];
          if (head !== undefined && (next < 0 || pageNewestOrder(head[0]) < pageNewestOrder(heads[next]![0]))) next = i;
        }
        const [key, value] = next < 0 ? [undefined, undefined] : heads[next]!;
        const shownBefore = key === undefined ? Infinity : parseInt(pageNewestOrder(key).slice(0, 13), 16) - PAGE_SPAN_MS;
        const ready: DisplayPosition[] = [];
        while (waiting.size > 0 && waiting.peek()!.time <= shownBefore) ready.push(waiting.pop()!);
        for (let at = 0; at < ready.length; at += HISTORY_CHUNK) {
          const values = await this.#readMany(ready.slice(at, at + HISTORY_CHUNK), runs);
          yield values.filter((v): v is Uint8Array => v !== undefined).map(decodeStored);
        }
        if (key === undefined) return;
        for (const place of decodePage(value!)) waiting.push(place);
        heads[next] = await nextPage(next);
      }
    } finally {
      await Promise.all([...pages.map((it) => it.close()), runs.close()]);
    }
  }

  /** A closed store says so, even where it has nothing to read: "no history" would be a wrong answer. */
  #assertOpen(): void {
    if (this.#db.status !== 'open') throw new LanchatError('STORE_FAILED', 'the history store is closed');
  }

  /**
   * The bytes of each place's message (copies). In display order an origin's seqs rise, so the run read
   * last for an origin most often holds its next place too, and the run after it the place after that:
   * `cursors` read those ahead.
   */
  async #readMany(places: readonly Pick<DisplayPosition, 'origin' | 'seq'>[], cursors?: RunCursors): Promise<(Uint8Array | undefined)[]> {
    const values: (Uint8Array | undefined)[] = [];
    const lastRun = new Map<string, Run>();
    for (const { origin, seq } of places) {
      let run = lastRun.get(origin);
      if (run === undefined || seq < run.first || seq > run.last) {
        run = (await cursors?.holding(origin, seq)) ?? (await this.#runHolding(origin, seq));
        if (run !== undefined) lastRun.set(origin, run);
      }
      values.push(run === undefined ? undefined : messageIn(run, seq));
    }
    return values;
  }

  /** The run holding (origin, seq), if one does. */
  async #runHolding(origin: string, seq: number): Promise<Run | undefined> {
    const [entry] = await this.#db.iterator({ gte: runSeekKey(origin, seq), lt: prefixEnd(runPrefix(origin)), limit: 1 }).all();
    if (entry === undefined) return undefined;
    const span = readRunKey(entry[0]);
    return span.first <= seq ? { ...span, value: entry[1] } : undefined;
  }

  /** The seqs of the run holding (origin, seq), if one does; from its key alone. */
  async #spanHolding(origin: string, seq: number): Promise<RunSpan | undefined> {
    const [key] = await this.#db.keys({ gte: runSeekKey(origin, seq), lt: prefixEnd(runPrefix(origin)), limit: 1 }).all();
    const span = key === undefined ? undefined : readRunKey(key);
    return span !== undefined && span.first <= seq ? span : undefined;
  }

  /** Those of `messages` held on disk: per origin, the run keys over their seqs are read once. */
  async #heldAmong(messages: readonly StoredMessage[]): Promise<Set<StoredMessage>> {
    const byOrigin = new Map<string, StoredMessage[]>();
    for (const m of messages) {
      const list = byOrigin.get(m.origin);
      if (list === undefined) byOrigin.set(m.origin, [m]);
      else list.push(m);
    }
    const held = new Set<StoredMessage>();
    for (const [origin, list] of byOrigin) {
      let from = Infinity;
      let to = 0;
      for (const { seq } of list) {
        from = Math.min(from, seq);
        to = Math.max(to, seq);
      }
      const spans: RunSpan[] = [];
      for await (const key of this.#db.keys({ gte: runSeekKey(origin, from), lt: prefixEnd(runPrefix(origin)) })) {
        const span = readRunKey(key);
        if (span.first > to) break;
        spans.push(span);
      }
      for (const m of list) if (spanOf(spans, m.seq) !== undefined) held.add(m);
    }
    return held;
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
      if (!isPageOf(key, bucket)) continue;
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

  async count({ room }: { room?: string } = {}): Promise<number> {
    let n = 0;
    if (room !== undefined) return countPlaces(room, this.#db.iterator({ gte: pagePrefix(room), lt: prefixEnd(pagePrefix(room)) }));
    for await (const key of this.#db.keys({ gte: RUN_PREFIX, lt: prefixEnd(RUN_PREFIX) })) {
      const { first, last } = readRunKey(key);
      n += last - first + 1;
    }
    return n;
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
    for (const [origin, { held, ahead, top }] of moveHeld(this.#vector, fresh)) {
      /** Nothing above this was on disk before the batch. */
      const topBefore = this.#top.get(origin) ?? 0;
      let next = held + 1;
      for (;;) {
        if (ahead?.has(next)) {
          next++;
          continue;
        }
        const span = next <= topBefore ? await this.#spanHolding(origin, next) : undefined;
        if (span === undefined) break;
        next = span.last + 1;
      }
      // Every origin gets an entry, at 0 if it has a gap at 1, so its messages are offered to others.
      moved.set(origin, { held: next - 1, top: Math.max(topBefore, top) });
    }
    return moved;
  }

}

const EMPTY = new Uint8Array(0);

type HistoryBatch = ReturnType<HistoryDb['batch']>;

/** Puts a run record, deleting those it replaces. */
function putRun(batch: HistoryBatch, { origin, span, value, replaces }: RunWrite): void {
  for (const replaced of replaces) batch.del(runKey(origin, replaced));
  batch.put(runKey(origin, span), value);
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

/** The span of `spans` (in seq order, not overlapping) that holds `seq`, found by bisection. */
function spanOf(spans: readonly RunSpan[], seq: number): RunSpan | undefined {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (spans[mid]!.last < seq) low = mid + 1;
    else high = mid;
  }
  const span = spans[low];
  return span !== undefined && span.first <= seq ? span : undefined;
}

function orderOf(p: DisplayPosition): string {
  return orderSuffix(p.time, p.counter, p.origin, p.seq);
}
/** Messages `history()` gives at a time. */
const HISTORY_CHUNK = 1_000;
/** What `since` reads from disk at most per trip to LevelDB's thread, when not told less. */
const SINCE_READ_BYTES = 512 * 1024;
