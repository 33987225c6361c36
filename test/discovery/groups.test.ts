import { describe, expect, it } from 'vitest';
import { type AdvertFit, advertFit, OtherSecrets, type OwnGroup } from '../../src/discovery/groups.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const TAG = '0123456789abcdef';
const OTHER_TAG = 'fedcba9876543210';

type Seen = { nodeId: string; network: string; secretTag?: string };

const ROWS: [string, Seen, OwnGroup, AdvertFit][] = [
  ['its own advert', { nodeId: A, network: 'lanchat', secretTag: TAG }, { nodeId: A, network: 'lanchat', secretTag: TAG }, 'self'],
  ['its own advert, whatever it says', { nodeId: A, network: 'team', secretTag: OTHER_TAG }, { nodeId: A, network: 'lanchat', secretTag: TAG }, 'self'],
  ['a peer, both with one secret', { nodeId: B, network: 'lanchat', secretTag: TAG }, { nodeId: A, network: 'lanchat', secretTag: TAG }, 'peer'],
  ['a peer, both open', { nodeId: B, network: 'lanchat' }, { nodeId: A, network: 'lanchat' }, 'peer'],
  ['another secret', { nodeId: B, network: 'lanchat', secretTag: OTHER_TAG }, { nodeId: A, network: 'lanchat', secretTag: TAG }, 'other-secret'],
  ['none while this node has one', { nodeId: B, network: 'lanchat' }, { nodeId: A, network: 'lanchat', secretTag: TAG }, 'other-secret'],
  ['one while this node has none', { nodeId: B, network: 'lanchat', secretTag: TAG }, { nodeId: A, network: 'lanchat' }, 'other-secret'],
  ['another network, same secret', { nodeId: B, network: 'team', secretTag: TAG }, { nodeId: A, network: 'lanchat', secretTag: TAG }, 'other-network'],
  ['another network and secret', { nodeId: B, network: 'team', secretTag: OTHER_TAG }, { nodeId: A, network: 'lanchat', secretTag: TAG }, 'other-network'],
  ['no node of its own (doctor): a peer', { nodeId: A, network: 'lanchat', secretTag: TAG }, { network: 'lanchat', secretTag: TAG }, 'peer'],
  ['no node of its own (doctor): another secret', { nodeId: A, network: 'lanchat' }, { network: 'lanchat', secretTag: TAG }, 'other-secret'],
];

describe('where an advert stands', () => {
  it.each(ROWS)('%s', (_, advert, own, fit) => {
    expect(advertFit(advert, own)).toBe(fit);
  });
});

describe('nodes with another secret, told once and again only when there are more', () => {
  it('counts distinct node ids, and tells a count once', () => {
    const others = new OtherSecrets(64);
    expect(others.news()).toBeUndefined();
    others.see(A);
    others.see(A);
    expect(others.news()).toBe(1);
    others.see(A);
    expect(others.news()).toBeUndefined();
    others.see(B);
    others.see(A);
    expect(others.news()).toBe(2);
    expect(others.news()).toBeUndefined();
    expect(others.count).toBe(2);
  });

  it('counts at most max node ids, so a flood of made-up ones is told a bounded number of times', () => {
    const others = new OtherSecrets(3);
    let told = 0;
    for (let i = 0; i < 1_000; i++) {
      others.see(i.toString(16).padStart(64, '0'));
      if (others.news() !== undefined) told++;
    }
    expect(others.count).toBe(3);
    expect(told).toBe(3);
  });
});
