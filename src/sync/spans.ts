/**
 * Seqs held or wanted, as spans, and the places a sync round walks through. Pure.
 *
 * A round walks every history in one order: origins by their bytes (their lower-case hex sorts the
 * same), then seqs. A request covers a range of that walk, and an answer says where it stopped, so one
 * origin, however long, gapped or stuck, is passed like any other and never holds the rest back.
 */

/** Seqs `first` to `last` of one origin, all of them. */
export interface Span {
  first: number;
  last: number;
}

/** The place before seq `seq` of `origin` (seq 0 or 1: before all of it) in the order a round walks. */
export interface SyncPoint {
  origin: string;
  seq: number;
}

/** Before everything. */
export const START: SyncPoint = { origin: '', seq: 0 };

export function comparePoints(a: SyncPoint, b: SyncPoint): number {
  if (a.origin !== b.origin) return a.origin < b.origin ? -1 : 1;
  return Math.max(a.seq, 1) - Math.max(b.seq, 1);
}

/** Sorted, with overlapping and adjacent spans joined; empty ones dropped. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.first <= s.last).sort((a, b) => a.first - b.first);
  const merged: Span[] = [];
  for (const { first, last } of sorted) {
    const previous = merged.at(-1);
    if (previous !== undefined && first <= previous.last + 1) previous.last = Math.max(previous.last, last);
    else merged.push({ first, last });
  }
  return merged;
}

/** The seqs of `spans` (sorted, merged) from `lo` to `hi`. */
export function clipSpans(spans: readonly Span[], lo: number, hi: number): Span[] {
  const clipped: Span[] = [];
  for (const { first, last } of spans) {
    const span = { first: Math.max(first, lo), last: Math.min(last, hi) };
    if (span.first <= span.last) clipped.push(span);
  }
  return clipped;
}

/** The seqs of `mine` not in `theirs` (both sorted and merged). */
export function subtractSpans(mine: readonly Span[], theirs: readonly Span[]): Span[] {
  const left: Span[] = [];
  let j = 0;
  for (const span of mine) {
    let first = span.first;
    while (j < theirs.length && theirs[j]!.last < first) j++;
    for (let k = j; k < theirs.length && theirs[k]!.first <= span.last; k++) {
      const cut = theirs[k]!;
      if (cut.first > first) left.push({ first, last: cut.first - 1 });
      first = Math.max(first, cut.last + 1);
    }
    if (first <= span.last) left.push({ first, last: span.last });
  }
  return left;
}

/**
 * Whether a peer holding `span` of an origin has something this side lacks, where this side holds that
 * origin to `held` with no gap and nothing past `top`. Past a gap of its own this side cannot tell
 * without reading its store, and says no: the periodic round finds it.
 */
export function spanLacked(span: Span, held: number, top: number): boolean {
  return span.last > held && (span.first <= held + 1 || span.last > top);
}
