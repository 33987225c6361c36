import { describe, expect, it } from 'vitest';
import { best, byRank, compareRank, type Rank } from '../../src/election/rank.js';

const rank = (nodeId: string, over: Partial<Rank> = {}): Rank => ({ forced: false, weight: 0, startedAt: 1000, nodeId, ...over });

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('relay rank', () => {
  it('compares forced, then weight, then age, then node id', () => {
    expect(compareRank(rank('b', { forced: true }), rank('a', { weight: 9, startedAt: 1 }))).toBeLessThan(0);
    expect(compareRank(rank('b', { weight: 2 }), rank('a', { weight: 1, startedAt: 1 }))).toBeLessThan(0);
    expect(compareRank(rank('b', { startedAt: 5 }), rank('a', { startedAt: 6 }))).toBeLessThan(0);
    expect(compareRank(rank('a'), rank('b'))).toBeLessThan(0);
    expect(compareRank(rank('a'), rank('a'))).toBe(0);
  });

  it('settles two forced nodes by node id alone, whoever started first', () => {
    expect(compareRank(rank('a', { forced: true, startedAt: 9 }), rank('b', { forced: true, startedAt: 1 }))).toBeLessThan(0);
  });

  it('is antisymmetric', () => {
    const ranks = [rank('a'), rank('b', { forced: true }), rank('c', { startedAt: 1 }), rank('d', { weight: 3 })];
    for (const x of ranks) for (const y of ranks) expect(Math.sign(compareRank(x, y)) + Math.sign(compareRank(y, x))).toBe(0);
  });

  it('gives the same winner and order for every ordering of the same candidates', () => {
    const candidates = [
      { rank: rank('c1', { startedAt: 300 }) },
      { rank: rank('b2', { startedAt: 100 }) },
      { rank: rank('a3', { startedAt: 100 }) },
      { rank: rank('d4', { startedAt: 50, weight: -1 }) },
      { rank: rank('e5', { startedAt: 900, forced: true }) },
      { rank: rank('f6', { startedAt: 1, forced: true }) },
    ];
    const expected = ['e5', 'f6', 'a3', 'b2', 'c1', 'd4'];
    for (const order of permutations(candidates)) {
      expect(best(order)?.rank.nodeId).toBe('e5');
      expect(byRank(order).map((c) => c.rank.nodeId)).toEqual(expected);
    }
  });

  it('has no winner among no candidates', () => {
    expect(best([])).toBeUndefined();
  });
});
