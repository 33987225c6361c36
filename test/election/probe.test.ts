import { describe, expect, it } from 'vitest';
import { probeClaim } from '../../src/election/probe.js';

const ID = Buffer.alloc(32, 0xab);
const valid = { nodeId: ID, network: 'lan', relay: true, port: 7001, epoch: 3, rank: { forced: true, weight: 2, startedAt: 1_700_000_000_000 } };

describe('probe claims', () => {
  it('reads a relay’s probe of the same network', () => {
    expect(probeClaim(valid, 'lan')).toEqual({
      nodeId: 'ab'.repeat(32),
      rank: { forced: true, weight: 2, startedAt: 1_700_000_000_000, nodeId: 'ab'.repeat(32) },
      port: 7001,
      epoch: 3,
    });
    // Left out: no weight is 0, not forced, no epoch is 0.
    expect(probeClaim({ nodeId: ID, network: 'lan', relay: true, port: 1, rank: { startedAt: 5 } }, 'lan')).toMatchObject({
      rank: { forced: false, weight: 0, startedAt: 5 },
      epoch: 0,
    });
  });

  it('refuses what must not make a relay hand over', () => {
    const refused = [
      { ...valid, network: 'other' },
      { ...valid, relay: false },
      { ...valid, nodeId: Buffer.alloc(31) },
      { ...valid, nodeId: undefined },
      { ...valid, port: 0 },
      { ...valid, port: 65_536 },
      { ...valid, port: undefined },
      { ...valid, epoch: -1 },
      { ...valid, rank: { ...valid.rank, startedAt: 2 ** 60 } },
      { ...valid, rank: { ...valid.rank, weight: Number.NaN } },
      // No rank, or no start time, would outrank every relay that is not forced (the oldest wins).
      { ...valid, rank: undefined },
      { ...valid, rank: { forced: false, weight: 0 } },
    ];
    for (const probe of refused) expect(probeClaim(probe, 'lan'), JSON.stringify(probe)).toBeUndefined();
  });
});
