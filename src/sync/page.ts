import type { VersionVector } from '../store/history-store.js';
import type { lanchat } from '../wire/protobuf.js';
import { clipSpans, comparePoints, mergeSpans, type Span, spanLacked, START, subtractSpans, type SyncPoint } from './spans.js';

/**
 * Sync requests, answers and offers as pages of bounded size, planned and read off the wire. Pure.
 *
 * No frame grows with the number of origins: a request lists at most SYNC_PAGE_ENTRIES spans of what
 * its asker holds and covers the range of the walk those spans reach; an offer lists at most
 * SYNC_OFFER_ENTRIES, of the origins that changed since the last one.
 */

/**
 * Entries (spans held) in one request, at most. An entry costs at most 54 bytes on the wire, so a request
 * stays under 55 KiB, a fifth of a frame; a node that has seen 7,000 origins asks in 7 pages.
 */
export const SYNC_PAGE_ENTRIES = 1_000;

/** Entries in one offer, at most (14 KiB): more changed than that, and the offer says "ask" instead. */
export const SYNC_OFFER_ENTRIES = 256;

/** One request of a round: the asker holds `held` in the range [from, to), and lacks the rest of it. */
export interface SyncAsk {
  from: SyncPoint;
  /** Undefined: to the end. */
  to: SyncPoint | undefined;
  /** Per origin, sorted and merged, within the range. */
  held: ReadonlyMap<string, readonly Span[]>;
}

/** The whole walk, asked by a node holding nothing: what a fresh node asks first. */
export const ASK_ALL: SyncAsk = { from: START, to: undefined, held: new Map() };

/** The seqs of `origin` the range of `ask` covers; undefined when it covers none. */
export function rangeOf(ask: Pick<SyncAsk, 'from' | 'to'>, origin: string): { lo: number; hi: number } | undefined {
  if (origin < ask.from.origin) return undefined;
  const lo = origin === ask.from.origin ? Math.max(ask.from.seq, 1) : 1;
  let hi = Number.MAX_SAFE_INTEGER;
  if (ask.to !== undefined) {
    if (origin > ask.to.origin) return undefined;
    if (origin === ask.to.origin) hi = Math.max(ask.to.seq, 1) - 1;
  }
  return lo <= hi ? { lo, hi } : undefined;
}

/** What an answerer holding `mine` of `origin` sends for `ask`: its seqs in the range that the asker lacks. */
export function toSend(ask: SyncAsk, origin: string, mine: readonly Span[]): Span[] {
  const range = rangeOf(ask, origin);
  if (range === undefined) return [];
  return subtractSpans(clipSpans(mine, range.lo, range.hi), ask.held.get(origin) ?? []);
}

/**
 * The request that starts at `from`, given what the asker holds from there on, origin by origin in walk
 * order (the first origin's spans start at `from`). At most `max` spans are listed: the range ends where
 * the first span left out begins, and the next request starts there.
 */
export function planAsk(from: SyncPoint, holdings: Iterable<readonly [string, readonly Span[]]>, max = SYNC_PAGE_ENTRIES): SyncAsk {
  const held = new Map<string, readonly Span[]>();
  let count = 0;
  for (const [origin, spans] of holdings) {
    if (spans.length === 0) continue;
    const room = max - count;
    if (spans.length > room) {
      if (room > 0) held.set(origin, spans.slice(0, room));
      return { from, to: { origin, seq: spans[room]!.first }, held };
    }
    held.set(origin, spans);
    count += spans.length;
  }
  return { from, to: undefined, held };
}

/** Where the round goes on after a batch answering `ask`: its resume point, the end of its range, or nowhere. */
export function nextPoint(ask: Pick<SyncAsk, 'from' | 'to'>, answer: { more: boolean; resume: SyncPoint | undefined; count: number }): SyncPoint | undefined {
  if (!answer.more) return ask.to;
  // "More" must come with something and move on: otherwise the same request would get the same answer.
  const { resume } = answer;
  if (answer.count === 0 || resume === undefined || comparePoints(resume, ask.from) <= 0) return undefined;
  if (ask.to !== undefined && comparePoints(resume, ask.to) > 0) return undefined;
  return resume;
}

/** Whether a peer holding `held` has something this side (`vector`, `tops`) lacks. */
export function holdsNews(held: ReadonlyMap<string, readonly Span[]>, vector: VersionVector, tops: VersionVector): boolean {
  for (const [origin, spans] of held) {
    const mine = vector.get(origin) ?? 0;
    const top = tops.get(origin) ?? 0;
    if (spans.some((span) => spanLacked(span, mine, top))) return true;
  }
  return false;
}

/** What this side told a peer it holds of each origin, by its last offers. */
export type Offered = Map<string, { held: number; top: number }>;

/**
 * The next offer to a peer told `offered` so far: the origins whose vector entry or top moved since,
 * each as the span held from the start and, past a gap, its top; at most `max` entries, and `more` when
 * some are left out (the peer then asks for a round, which covers them). `offered` is brought up to date.
 * `origins`: the only ones that may have moved since the last offer (store/vector-changes.ts), when known;
 * else every origin of the vector is looked at.
 */
export function planOffer(
  vector: VersionVector,
  tops: VersionVector,
  offered: Offered,
  max = SYNC_OFFER_ENTRIES,
  origins: Iterable<string> = vector.keys(),
): { have: Map<string, Span[]>; more: boolean } {
  const have = new Map<string, Span[]>();
  let count = 0;
  let more = false;
  for (const origin of origins) {
    const held = vector.get(origin);
    if (held === undefined) continue;
    const top = Math.max(tops.get(origin) ?? 0, held);
    const told = offered.get(origin);
    if (told !== undefined && told.held === held && told.top === top) continue;
    offered.set(origin, { held, top });
    const spans = mergeSpans([{ first: 1, last: held }, { first: top, last: top }]);
    if (count + spans.length > max) {
      more = true;
      continue;
    }
    have.set(origin, spans);
    count += spans.length;
  }
  return { have, more };
}

// The wire.

const ORIGIN_BYTES = 32;

function originOf(bytes: unknown): string | undefined {
  return bytes instanceof Uint8Array && bytes.length === ORIGIN_BYTES ? Buffer.from(bytes).toString('hex') : undefined;
}

function seqOf(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

export function pointToWire({ origin, seq }: SyncPoint): lanchat.SyncPoint.$Shape {
  return { origin: Buffer.from(origin, 'hex'), seq };
}

/** A point off the wire; undefined when absent or malformed. */
export function pointFromWire(point: lanchat.SyncPoint.$Properties | null | undefined): SyncPoint | undefined {
  if (point === null || point === undefined) return undefined;
  const origin = originOf(point.origin);
  const seq = seqOf(point.seq ?? 0);
  return origin === undefined || seq === undefined ? undefined : { origin, seq };
}

/** Spans as version entries: one per span, `first` left out (0) when the span starts at the beginning. */
export function spansToWire(held: ReadonlyMap<string, readonly Span[]>): lanchat.VersionEntry.$Shape[] {
  const entries: lanchat.VersionEntry.$Shape[] = [];
  for (const [origin, spans] of held) {
    const bytes = Buffer.from(origin, 'hex');
    for (const { first, last } of spans) entries.push(first > 1 ? { origin: bytes, seq: last, first } : { origin: bytes, seq: last });
  }
  return entries;
}

/**
 * Version entries as spans held, per origin (sorted, merged). An entry with a malformed origin or seq
 * is skipped: a peer's mistake costs it a resend, nothing more. An entry of seq 0 holds nothing.
 */
export function spansFromWire(entries: readonly lanchat.VersionEntry.$Properties[] | null | undefined): Map<string, Span[]> {
  const byOrigin = new Map<string, Span[]>();
  for (const entry of entries ?? []) {
    const origin = originOf(entry.origin);
    const last = seqOf(entry.seq ?? 0);
    const first = seqOf(entry.first ?? 0);
    if (origin === undefined || last === undefined || first === undefined || last < Math.max(first, 1)) continue;
    let spans = byOrigin.get(origin);
    if (spans === undefined) byOrigin.set(origin, (spans = []));
    spans.push({ first: Math.max(first, 1), last });
  }
  for (const [origin, spans] of byOrigin) byOrigin.set(origin, mergeSpans(spans));
  return byOrigin;
}

export function askToWire(ask: SyncAsk): lanchat.SyncRequest.$Shape {
  return {
    have: spansToWire(ask.held),
    ...(ask.from.origin === '' ? {} : { from: pointToWire(ask.from) }),
    ...(ask.to === undefined ? {} : { to: pointToWire(ask.to) }),
  };
}

/**
 * A request off the wire. Without a range (an older node) it covers the whole walk. A malformed `from`
 * starts at the beginning and a malformed `to` runs to the end: at worst the asker is sent what it holds.
 */
export function askFromWire(request: lanchat.SyncRequest.$Properties): SyncAsk {
  const from = pointFromWire(request.from) ?? START;
  const to = pointFromWire(request.to);
  const held = new Map<string, readonly Span[]>();
  for (const [origin, spans] of spansFromWire(request.have)) {
    const range = rangeOf({ from, to }, origin);
    if (range !== undefined) held.set(origin, clipSpans(spans, range.lo, range.hi));
  }
  return { from, to, held };
}
