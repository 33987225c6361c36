import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../src/ui/line-format.js';

const context = { rooms: ['#lobby'] };
const at = new Date(2026, 10, 22, 9, 5).getTime();

describe('line mode formatting', () => {
  it('shows room lines with time, room and nick', () => {
    const line = formatEvent(
      { event: 'message', id: 'a-1', from: 'bob', fromId: 'a', room: '#lobby', to: null, text: 'hi', ts: at, own: false },
      context,
    );
    expect(line).toBe('[09:05] #lobby <bob> hi');
  });

  it('sets private messages apart, both ways', () => {
    const base = { event: 'message', id: 'a-1', fromId: 'a', room: null, text: 'psst', ts: at } as const;
    expect(formatEvent({ ...base, from: 'bob', to: 'me', own: false }, context)).toBe('[09:05] *bob* psst');
    expect(formatEvent({ ...base, from: 'me', to: 'bob', own: true }, context)).toBe('[09:05] -> *bob* psst');
  });

  it('shows presence in my rooms only', () => {
    const joined = { event: 'presence', nick: 'bob', state: 'joined', self: false } as const;
    expect(formatEvent({ ...joined, room: '#lobby' }, context)).toBe('* bob joined #lobby');
    expect(formatEvent({ ...joined, room: '#elsewhere' }, context)).toBeUndefined();
    expect(formatEvent({ ...joined, room: null, rooms: ['#lobby'] }, context)).toBe('* bob joined (#lobby)');
    expect(
      formatEvent({ event: 'presence', nick: 'bob', state: 'left', room: null, reason: 'timeout', self: false }, context),
    ).toBe('* bob left (timeout)');
    expect(
      formatEvent({ event: 'presence', nick: 'rob', state: 'renamed', room: null, from: 'bob', self: false }, context),
    ).toBe('* bob is now rob');
  });

  it('prints an error as one line with its suggestion', () => {
    expect(formatEvent({ event: 'error', code: 'NICK_IN_USE', message: 'the nick bob is taken', suggestion: 'bob2' }, context)).toBe(
      '! the nick bob is taken (try bob2)',
    );
  });

  it('tells a relay how others reach it', () => {
    const line = formatEvent(
      { event: 'role', role: 'relay', relay: { id: 'x', nick: 'me', host: '192.168.1.5', port: 4000, epoch: 1 } },
      context,
    );
    expect(line).toBe('* you are the relay; others on the LAN find you (where multicast is blocked: lanchat --connect 192.168.1.5:4000)');
    const member = formatEvent(
      { event: 'role', role: 'member', relay: { id: 'x', nick: 'ann', host: '192.168.1.5', port: 4000, epoch: 2 } },
      context,
    );
    expect(member).toBe('* the relay is ann at 192.168.1.5:4000');
  });
});
