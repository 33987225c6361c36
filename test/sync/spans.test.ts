import { describe, expect, it } from 'vitest';
import { clipSpans, comparePoints, mergeSpans, type Span, spanLacked, START, subtractSpans } from '../../src/sync/spans.js';

/** [first, last] pairs as spans. */
const s = (...pairs: [number, number][]): Span[] => pairs.map(([first, last]) => ({ first, last }));

describe('spans', () => {
  it.each([
    ['nothing', [], []],
    ['one', [[1, 5]], [[1, 5]]],
    ['out of order, overlapping and adjacent', [[7, 9], [1, 3], [4, 5], [2, 2]], [[1, 5], [7, 9]]],
    ['empty ones dropped', [[5, 4], [1, 1]], [[1, 1]]],
    ['one inside another', [[1, 10], [3, 4]], [[1, 10]]],
  ] as [string, [number, number][], [number, number][]][])('merge: %s', (_, input, merged) => {
    expect(mergeSpans(s(...input))).toEqual(s(...merged));
  });

  it.each([
    ['nothing held there', [[1, 10]], [], [[1, 10]]],
    ['all held there', [[1, 10]], [[1, 10]], []],
    ['held past a gap: the gap and the tail left', [[1, 601]], [[2, 601]], [[1, 1]]],
    ['holes in theirs', [[1, 20]], [[1, 3], [6, 8], [15, 30]], [[4, 5], [9, 14]]],
    ['theirs beyond mine', [[5, 6]], [[1, 2], [10, 12]], [[5, 6]]],
    ['several of mine against one of theirs', [[1, 3], [5, 9], [12, 12]], [[2, 6]], [[1, 1], [7, 9], [12, 12]]],
  ] as [string, [number, number][], [number, number][], [number, number][]][])('subtract: %s', (_, mine, theirs, left) => {
    expect(subtractSpans(s(...mine), s(...theirs))).toEqual(s(...left));
  });

  it.each([
    [[[1, 10], [20, 30]], 5, 25, [[5, 10], [20, 25]]],
    [[[1, 10]], 11, 20, []],
    [[[1, 10]], 1, Number.MAX_SAFE_INTEGER, [[1, 10]]],
  ] as [[number, number][], number, number, [number, number][]][])('clip %j to %d..%d', (spans, lo, hi, clipped) => {
    expect(clipSpans(s(...spans), lo, hi)).toEqual(s(...clipped));
  });

  it.each([
    // span held by the peer, this side's (held, top), lacked?
    [[1, 5], 3, 3, true],
    [[1, 5], 5, 5, false],
    [[1, 5], 7, 7, false],
    [[2, 601], 0, 0, true], // a gapped origin this side has nothing of
    [[2, 601], 0, 601, false], // the same gap on both sides: nothing to ask for
    [[50, 60], 10, 100, false], // past this side's own gap: the periodic round finds out
    [[50, 60], 10, 55, true], // past this side's top
    [[11, 12], 10, 100, true], // follows on from what this side holds
  ] as [[number, number], number, number, boolean][])('a peer holding %j where this side holds to %d, top %d, has news: %s', ([first, last], held, top, lacked) => {
    expect(spanLacked({ first, last }, held, top)).toBe(lacked);
  });

  it('order places by origin, then seq, seq 0 and 1 both before everything of the origin', () => {
    const a = 'aa'.repeat(32);
    const b = 'bb'.repeat(32);
    expect(comparePoints(START, { origin: a, seq: 0 })).toBeLessThan(0);
    expect(comparePoints({ origin: a, seq: 0 }, { origin: a, seq: 1 })).toBe(0);
    expect(comparePoints({ origin: a, seq: 500 }, { origin: b, seq: 1 })).toBeLessThan(0);
    expect(comparePoints({ origin: b, seq: 3 }, { origin: b, seq: 2 })).toBeGreaterThan(0);
  });
});
