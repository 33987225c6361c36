/**
 * Reads of messages by identity (origin, seq) from their runs: what the history store asks the disk
 * for, given only its database.
 */

import type { HistoryDb } from './history-db.js';
import type { DisplayPosition, StoredMessage } from './history-store.js';
import { prefixEnd, readRunKey, RUN_PREFIX, runPrefix, runSeekKey, type RunSpan } from './keys.js';
import { decodeRun, messageIn, type Run } from './message-run.js';
import type { RunCursors } from './run-cursors.js';

/** What `since` reads from disk at most per trip to LevelDB's thread, when not told less. */
const SINCE_READ_BYTES = 512 * 1024;

/** The run holding (origin, seq), if one does. */
export async function runHolding(db: HistoryDb, origin: string, seq: number): Promise<Run | undefined> {
  const [entry] = await db.iterator({ gte: runSeekKey(origin, seq), lt: prefixEnd(runPrefix(origin)), limit: 1 }).all();
  if (entry === undefined) return undefined;
  const span = readRunKey(entry[0]);
  return span.first <= seq ? { ...span, value: entry[1] } : undefined;
}

/** The seqs of the run holding (origin, seq), if one does; from its key alone. */
export async function spanHolding(db: HistoryDb, origin: string, seq: number): Promise<RunSpan | undefined> {
  const [key] = await db.keys({ gte: runSeekKey(origin, seq), lt: prefixEnd(runPrefix(origin)), limit: 1 }).all();
  const span = key === undefined ? undefined : readRunKey(key);
  return span !== undefined && span.first <= seq ? span : undefined;
}

/** Those of `messages` held on disk: per origin, the run keys over their seqs are read once. */
export async function heldAmong(db: HistoryDb, messages: readonly StoredMessage[]): Promise<Set<StoredMessage>> {
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
    for await (const key of db.keys({ gte: runSeekKey(origin, from), lt: prefixEnd(runPrefix(origin)) })) {
      const span = readRunKey(key);
      if (span.first > to) break;
      spans.push(span);
    }
    for (const m of list) if (spanOf(spans, m.seq) !== undefined) held.add(m);
  }
  return held;
}

/**
 * The bytes of each place's message (copies). In display order an origin's seqs rise, so the run read
 * last for an origin most often holds its next place too, and the run after it the place after that:
 * `cursors` read those ahead.
 */
export async function readMany(db: HistoryDb, places: readonly Pick<DisplayPosition, 'origin' | 'seq'>[], cursors?: RunCursors): Promise<(Uint8Array | undefined)[]> {
  const values: (Uint8Array | undefined)[] = [];
  const lastRun = new Map<string, Run>();
  for (const { origin, seq } of places) {
    let run = lastRun.get(origin);
    if (run === undefined || seq < run.first || seq > run.last) {
      run = (await cursors?.holding(origin, seq)) ?? (await runHolding(db, origin, seq));
      if (run !== undefined) lastRun.set(origin, run);
    }
    values.push(run === undefined ? undefined : messageIn(run, seq));
  }
  return values;
}

/** HistoryStore.since: the messages of `origin` after `after`, at most `limit`, stopping past `bytes`. */
export async function readSince(db: HistoryDb, origin: string, after: number, limit: number, bytes: number): Promise<Uint8Array[]> {
  const found: Uint8Array[] = [];
  let size = 0;
  // One trip to LevelDB's thread reads runs until they hold `bytes`, not one per 16 KiB (the default).
  const runs = db.iterator({
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

/** Run keys read by one heldSpans call at most: a long run of held seqs past a gap is read in parts. */
const SPAN_KEYS_READ = 1_024;

/**
 * HistoryStore.heldSpans from `from` (at least 1): the seqs of `origin` held from `from` on, as spans of
 * consecutive seqs (adjacent runs joined), at most `limit` spans, from the run keys alone; the last span
 * may end early, where SPAN_KEYS_READ keys were read.
 */
export async function readHeldSpans(db: HistoryDb, origin: string, from: number, limit: number): Promise<RunSpan[]> {
  const spans: RunSpan[] = [];
  if (limit <= 0) return spans;
  const keys = db.keys({ gte: runSeekKey(origin, from), lt: prefixEnd(runPrefix(origin)), limit: SPAN_KEYS_READ });
  for await (const key of keys) {
    const { first, last } = readRunKey(key);
    const start = Math.max(first, from);
    const previous = spans.at(-1);
    if (previous !== undefined && start <= previous.last + 1) {
      previous.last = Math.max(previous.last, last);
      continue;
    }
    if (spans.length === limit) break;
    spans.push({ first: start, last });
  }
  return spans;
}

/** How many messages the runs hold, from their keys alone. */
export async function countMessages(db: HistoryDb): Promise<number> {
  let n = 0;
  for await (const key of db.keys({ gte: RUN_PREFIX, lt: prefixEnd(RUN_PREFIX) })) {
    const { first, last } = readRunKey(key);
    n += last - first + 1;
  }
  return n;
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
