import { describe, expect, it } from 'vitest';
import { aheadOf, lacksFrom, vectorAfter, vectorFromWire, vectorMax, vectorToWire } from '../../src/sync/vector.js';

const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);
const C = 'cc'.repeat(32);

describe('version vectors', () => {
  it('say where each side is ahead, an origin held only past a gap included', () => {
    const mine = new Map([[A, 5], [B, 2], [C, 0]]);
    expect(aheadOf(mine, new Map([[A, 3], [B, 2]]))).toEqual(new Map([[A, 3], [C, 0]]));
    expect(aheadOf(mine, new Map([[A, 5], [B, 2], [C, 0]]))).toEqual(new Map());
    expect(lacksFrom(new Map([[A, 5]]), new Map([[A, 6]]))).toBe(true);
    expect(lacksFrom(new Map([[A, 6]]), new Map([[A, 5]]))).toBe(false);
  });

  it('move past the messages that follow on without a gap, and no further', () => {
    const msgs = [4, 5, 7, 3].map((seq) => ({ origin: A, seq }));
    expect(vectorAfter(new Map([[A, 2]]), msgs)).toEqual(new Map([[A, 5]]));
    expect(vectorAfter(new Map(), [{ origin: B, seq: 2 }])).toEqual(new Map([[B, 0]]));
    expect(vectorAfter(new Map([[C, 9]]), [{ origin: B, seq: 1 }])).toEqual(new Map([[C, 9], [B, 1]]));
    // In order, with copies, one held already, and a gap its filler closes later in the batch.
    const mixed = [1, 2, 2, 4, 3, 6, 1].map((seq) => ({ origin: A, seq }));
    expect(vectorAfter(new Map(), [...mixed, { origin: B, seq: 3 }])).toEqual(new Map([[A, 4], [B, 0]]));
  });

  it('take the higher entry per origin', () => {
    expect(vectorMax(new Map([[A, 3], [B, 7]]), new Map([[A, 5], [C, 1]]))).toEqual(new Map([[A, 5], [B, 7], [C, 1]]));
  });

  it('cross the wire unchanged, and malformed entries are skipped', () => {
    const vector = new Map([[A, 3], [B, 0]]);
    expect(vectorFromWire(vectorToWire(vector))).toEqual(vector);
    const junk = [{ origin: new Uint8Array(5), seq: 1 }, { origin: Buffer.from(A, 'hex'), seq: -1 }, { origin: Buffer.from(C, 'hex'), seq: 2 }];
    expect(vectorFromWire(junk)).toEqual(new Map([[C, 2]]));
  });
});
