import { describe, expect, it } from 'vitest';
import { Roster } from '../../src/member/roster.js';
import { lanchat } from '../../src/wire/protobuf.js';

const id = (n: number): Buffer => Buffer.alloc(32, n);
const peer = (n: number, nick: string, rooms: string[]): lanchat.Peer.$Properties => ({
  nodeId: id(n),
  nick,
  rooms,
  addresses: [`10.0.0.${n}`],
  port: 4000 + n,
});
const { JOINED, LEFT, RENAMED } = lanchat.Presence.State;

describe('Roster', () => {
  const start = (): Roster =>
    Roster.fromWire({ peers: [peer(1, 'alice', ['#lobby']), peer(2, 'Bob', ['#lobby', '#dev'])] });

  it('answers who is in a room and which rooms exist', () => {
    const roster = start();
    expect(roster.inRoom('#lobby')).toEqual(['alice', 'Bob']);
    expect(roster.inRoom('#dev')).toEqual(['Bob']);
    expect(roster.rooms()).toEqual([
      { room: '#dev', people: 1 },
      { room: '#lobby', people: 2 },
    ]);
  });

  it('finds a nick case-insensitively', () => {
    expect(start().findByNick('bob')?.nodeId).toBe(id(2).toString('hex'));
    expect(start().findByNick('carol')).toBeUndefined();
  });

  it('follows joins, renames and leaves', () => {
    const roster = start();
    roster.apply({ state: JOINED, peer: peer(3, 'carol', ['#lobby']) });
    expect(roster.size).toBe(3);
    roster.apply({ state: JOINED, peer: peer(3, 'carol', ['#lobby', '#dev']), room: '#dev' });
    expect(roster.inRoom('#dev')).toEqual(['Bob', 'carol']);
    roster.apply({ state: RENAMED, peer: peer(3, 'caz', ['#lobby', '#dev']), oldNick: 'carol' });
    expect(roster.findByNick('carol')).toBeUndefined();
    expect(roster.findByNick('caz')).toBeDefined();
    roster.apply({ state: LEFT, peer: peer(2, 'Bob', ['#lobby']), room: '#dev' });
    expect(roster.inRoom('#dev')).toEqual(['caz']);
    roster.apply({ state: LEFT, peer: peer(3, 'caz', []), reason: 'quit' });
    expect(roster.size).toBe(2);
    expect(roster.rooms()).toEqual([{ room: '#lobby', people: 2 }]);
  });

  it('ignores presence without a node id', () => {
    const roster = start();
    roster.apply({ state: JOINED, peer: { nick: 'ghost' } });
    expect(roster.size).toBe(2);
  });
});
