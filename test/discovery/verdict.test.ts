import { describe, expect, it } from 'vitest';
import type { Advert } from '../../src/discovery/advert.js';
import { type Findings, verdict } from '../../src/discovery/verdict.js';

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

  it('reports nodes without a relay as an election under way', () => {
    expect(verdict({ ...base, answersHeard: 1, nodes: [node({ role: 'electing' })] }).cause).toBe('ELECTING');
  });
});
