import { describe, expect, it } from 'vitest';
import type { Advert } from '../../src/discovery/advert.js';
import { type Findings, verdict as judge } from '../../src/discovery/verdict.js';
import { verdictText } from '../../src/ui/doctor-words.js';

const node = (over: Partial<Advert>): Advert => ({
  nodeId: 'a'.repeat(64),
  nick: 'ann',
  network: 'lanchat',
  protocol: 1,
  role: 'relay',
  epoch: 1,
  rank: { forced: false, weight: 0, startedAt: 1, nodeId: 'a'.repeat(64) },
  port: 4000,
  addresses: ['10.0.0.1'],
  ...over,
});
/** The verdict as `lanchat doctor` prints it: its cause, and its words. */
const verdict = (f: Findings): { cause: string; text: string } => {
  const v = judge(f);
  return { cause: v.cause, text: verdictText(v) };
};
const base: Findings = { network: 'lanchat', interfaces: { eth0: ['10.0.0.2'] }, sendErrors: [], answersHeard: 0, nodes: [], relayPorts: {} };

describe('doctor verdict', () => {
  it('names the likeliest cause, most basic first', () => {
    expect(verdict({ ...base, interfaces: {} }).cause).toBe('NO_INTERFACE');
    expect(verdict({ ...base, sendErrors: ['ENETUNREACH'] })).toMatchObject({ cause: 'MULTICAST_UNSENDABLE' });
    expect(verdict(base).cause).toBe('SILENT_NETWORK');
    expect(verdict({ ...base, answersHeard: 3 }).cause).toBe('ALONE');
  });

  it('points at the network name when lanchat runs under another one', () => {
    const result = verdict({ ...base, answersHeard: 2, nodes: [node({ network: 'team' })] });
    expect(result).toEqual({ cause: 'OTHER_NETWORK', text: expect.stringContaining('--network team') });
  });

  it('tells a closed relay port from a working relay', () => {
    const relay = node({});
    const closed = verdict({ ...base, answersHeard: 2, nodes: [relay], relayPorts: { [relay.nodeId]: 'cannot reach 10.0.0.1:4000: ECONNREFUSED' } });
    expect(closed.cause).toBe('RELAY_PORT_CLOSED');
    expect(closed.text).toContain('firewall');
    const open = verdict({ ...base, answersHeard: 2, nodes: [relay], relayPorts: { [relay.nodeId]: 'open' } });
    expect(open).toEqual({ cause: 'OK', text: expect.stringContaining('10.0.0.1:4000') });
  });

  it('concludes in data, a cause and what it names, and leaves the words to the faces', () => {
    const relay = node({});
    expect(judge({ ...base, answersHeard: 2, nodes: [relay], relayPorts: { [relay.nodeId]: 'open' } })).toEqual({
      cause: 'OK',
      network: 'lanchat',
      otherSecret: { nodes: 0, secret: false },
      relay: { nick: 'ann', at: '10.0.0.1:4000' },
    });
    expect(judge({ ...base, answersHeard: 2, nodes: [relay], relayPorts: {} })).toMatchObject({ cause: 'RELAY_PORT_CLOSED', port: 'untested' });
    expect(judge({ ...base, sendErrors: ['ENETUNREACH', 'EPERM'] })).toEqual({
      cause: 'MULTICAST_UNSENDABLE',
      network: 'lanchat',
      otherSecret: { nodes: 0, secret: false },
      sendError: 'ENETUNREACH',
    });
    expect(judge({ ...base, nodes: [node({ network: 'b' }), node({ network: 'a' }), node({ network: 'b' })] })).toMatchObject({ cause: 'OTHER_NETWORK', networks: ['b', 'a'] });
  });

  it('reports nodes without a relay as an election under way', () => {
    expect(verdict({ ...base, answersHeard: 1, nodes: [node({ role: 'electing' })] }).cause).toBe('ELECTING');
  });

  const TAG = '0123456789abcdef';
  const OTHER = 'fedcba9876543210';
  const ann = node({ nodeId: 'a'.repeat(64), nick: 'ann', secretTag: TAG });
  const bob = node({ nodeId: 'b'.repeat(64), nick: 'bob', role: 'member', secretTag: TAG, addresses: ['10.0.0.3'] });
  const cat = node({ nodeId: 'c'.repeat(64), nick: 'cat', role: 'relay', secretTag: OTHER, addresses: ['10.0.0.4'] });
  const dan = node({ nodeId: 'd'.repeat(64), nick: 'dan', role: 'member', addresses: ['10.0.0.5'] });
  const open = { [ann.nodeId]: 'open', [cat.nodeId]: 'open' };
  const seen = { ...base, answersHeard: 4, secretTag: TAG, relayPorts: open };

  const ROWS: [string, Partial<Findings>, string, RegExp][] = [
    ['a relay and another node of the group', { nodes: [ann, bob] }, 'OK', /^all good: ann relays/],
    [
      'all good, and nodes of another secret (or none) are named',
      { nodes: [ann, bob, cat, dan] },
      'OK',
      /; 2 lanchat nodes here use another room secret \(or none\)$/,
    ],
    ['the only node of the group is this machine’s own relay', { nodes: [ann], here: [ann.nodeId] }, 'ONLY_SELF', /this machine's own \(ann\)/],
    [
      'this machine’s own, and one of another secret',
      { nodes: [ann, cat], here: [ann.nodeId] },
      'ONLY_SELF',
      /nobody else here answers; 1 lanchat node here uses another room secret \(or none\)$/,
    ],
    ['this machine’s own node, still electing', { nodes: [{ ...ann, role: 'electing' }], here: [ann.nodeId] }, 'ONLY_SELF', /ann/],
    ['two relays of one group', { nodes: [ann, { ...bob, role: 'relay' }], relayPorts: { ...open, [bob.nodeId]: 'open' } }, 'TWO_RELAYS', /2 relays serve network "lanchat" \(ann at 10\.0\.0\.1:4000, bob at 10\.0\.0\.3:4000\)/],
    ['a relay of another secret is not a second relay', { nodes: [ann, bob, cat] }, 'OK', /1 lanchat node here uses another room secret/],
    ['only nodes of another secret (or none)', { nodes: [cat, dan] }, 'OTHER_SECRET', /^2 lanchat nodes here use another room secret \(or none\) on network "lanchat", none yours/],
    ['doctor without the secret: the group’s nodes have one', { nodes: [ann, bob], secretTag: undefined }, 'OTHER_SECRET', /^2 lanchat nodes here use a room secret on network "lanchat": give the group's secret/],
    ['doctor without a secret, an open node: a peer', { nodes: [ann, dan], secretTag: undefined, relayPorts: {} }, 'ELECTING', /^1 node\(s\) of network "lanchat" seen, none is the relay yet: .*; 1 lanchat node here uses a room secret$/],
  ];

  it.each(ROWS)('%s', (_, over, cause, text) => {
    const result = verdict({ ...seen, ...over });
    expect(result.cause).toBe(cause);
    expect(result.text).toMatch(text);
  });
});
