import { describe, expect, it } from 'vitest';
import { type Candidate, decide, successors } from '../../src/election/decide.js';

const node = (nodeId: string, over: Partial<Candidate> & { startedAt?: number; forced?: boolean } = {}): Candidate => ({
  nodeId,
  rank: { forced: over.forced ?? false, weight: 0, startedAt: over.startedAt ?? 1000, nodeId },
  role: over.role ?? 'electing',
  epoch: over.epoch ?? 0,
  host: `10.0.0.${nodeId.length}`,
  port: 4000,
});

describe('decide', () => {
  it('waits while the discovery window is open and no relay is known', () => {
    expect(decide({ self: node('a'), peers: [node('b')], windowOpen: true })).toEqual({ action: 'wait' });
  });

  it('joins a known relay at once, even one that ranks lower (stickiness)', () => {
    const relay = node('z', { role: 'relay', startedAt: 5000, epoch: 3 });
    const decision = decide({ self: node('a', { startedAt: 1 }), peers: [relay], windowOpen: true });
    expect(decision).toEqual({ action: 'follow', relay });
  });

  it('joins the best of several relays', () => {
    const older = node('y', { role: 'relay', startedAt: 10 });
    const newer = node('x', { role: 'relay', startedAt: 20 });
    expect(decide({ self: node('a'), peers: [newer, older], windowOpen: false })).toEqual({ action: 'follow', relay: older });
  });

  it('lets a forced node take over from an unforced relay, with a higher epoch', () => {
    const relay = node('z', { role: 'relay', epoch: 4 });
    expect(decide({ self: node('a', { forced: true }), peers: [relay], windowOpen: true })).toEqual({ action: 'lead', epoch: 5 });
  });

  it('does not let a forced node unseat a forced relay', () => {
    const relay = node('z', { role: 'relay', forced: true });
    expect(decide({ self: node('a', { forced: true }), peers: [relay], windowOpen: true })).toMatchObject({ action: 'follow' });
  });

  it('elects the same winner on every node once the window closes', () => {
    const all = [node('a', { startedAt: 30 }), node('b', { startedAt: 10 }), node('c', { startedAt: 20 })];
    for (const self of all) {
      const decision = decide({ self, peers: all.filter((n) => n !== self), windowOpen: false });
      if (self.nodeId === 'b') expect(decision).toEqual({ action: 'lead', epoch: 1 });
      else expect(decision).toMatchObject({ action: 'follow', relay: { nodeId: 'b' } });
    }
  });

  it('makes a lone node the relay of its network', () => {
    expect(decide({ self: node('a'), peers: [], windowOpen: false })).toEqual({ action: 'lead', epoch: 1 });
  });

  it('has a relay step down only for a better relay', () => {
    const self = node('m', { role: 'relay', startedAt: 50, epoch: 2 });
    expect(decide({ self, peers: [node('n', { role: 'relay', startedAt: 60 })], windowOpen: false })).toEqual({ action: 'lead', epoch: 2 });
    const better = node('o', { role: 'relay', startedAt: 40 });
    expect(decide({ self, peers: [better], windowOpen: false })).toEqual({ action: 'follow', relay: better });
  });
});

describe('successors', () => {
  it('orders the roster best first, without the lost relay', () => {
    const roster = [node('r', { forced: true }), node('c', { startedAt: 30 }), node('a', { startedAt: 10 }), node('b', { startedAt: 20 })];
    expect(successors(roster, 'r').map((c) => c.nodeId)).toEqual(['a', 'b', 'c']);
  });

  it('gives every member the same order whatever the roster order', () => {
    const roster = [node('c', { startedAt: 30 }), node('a', { startedAt: 10 }), node('b', { startedAt: 20 })];
    expect(successors([...roster].reverse(), 'x')).toEqual(successors(roster, 'x'));
  });
});
