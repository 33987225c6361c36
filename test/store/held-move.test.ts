import { describe, expect, it } from 'vitest';
import { moveHeld } from '../../src/store/held-move.js';

const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);
const of = (origin: string, seqs: number[]): { origin: string; seq: number }[] => seqs.map((seq) => ({ origin, seq }));

describe('moveHeld', () => {
  it('moves an origin on the spot through seqs that follow on, and sets aside those past a gap', () => {
    const moves = moveHeld(new Map([[A, 2]]), [...of(A, [3, 4, 6, 2, 8, 5]), ...of(B, [2, 3])]);
    // A: 3 and 4 follow on; 6 and 8 wait past the gap at 5 (5 came after 6); 2 is held already.
    expect(moves.get(A)).toEqual({ held: 5, ahead: new Set([6, 8]), top: 8 });
    // B: nothing held, a gap at 1.
    expect(moves.get(B)).toEqual({ held: 0, ahead: new Set([2, 3]), top: 3 });
  });

  it('leaves `ahead` out when a batch comes in order', () => {
    expect(moveHeld(new Map(), of(A, [1, 2, 3]))).toEqual(new Map([[A, { held: 3, ahead: undefined, top: 3 }]]));
  });
});
