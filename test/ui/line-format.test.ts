import { describe, expect, it } from 'vitest';
import type { UiEvent } from '../../src/ui/events.js';
import { ALIASES, COMMANDS } from '../../src/ui/input.js';
import { dayHeader, formatEvent } from '../../src/ui/line-format.js';

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

  it('answers /query with how to write to the person, not with a window it does not have', () => {
    const line = formatEvent({ event: 'query', nick: 'bob' }, context);
    expect(line).toBe('* private conversation with bob: /msg bob TEXT (or @bob TEXT) writes to them');
  });

  it('sets private messages apart, both ways', () => {
    const base = { event: 'message', id: 'a-1', fromId: 'a', room: null, text: 'psst', ts: at } as const;
    expect(formatEvent({ ...base, from: 'bob', to: 'me', own: false }, context)).toBe('[09:05] *bob* psst');
    expect(formatEvent({ ...base, from: 'me', to: 'bob', own: true }, context)).toBe('[09:05] -> *bob* psst');
  });

  it('lists search matches with their dates, a topic set and an action as what they are', () => {
    const base = { id: 'a-1', fromId: 'a', room: '#lobby', to: null, ts: at, own: false } as const;
    const results = [
      { ...base, from: 'ann', text: 'planning the printer move', topic: true as const },
      { ...base, from: 'bob', text: 'fixes the printer', action: true as const },
      { ...base, from: 'bob', text: 'the printer is back' },
      { ...base, room: null, to: 'me', from: 'bob', text: 'printer?' },
    ];
    expect(formatEvent({ event: 'search', query: 'printer', room: null, results }, context)).toBe(
      [
        '* search "printer": 4 messages, newest first',
        '  2026-11-22 09:05 #lobby * ann set the topic: planning the printer move',
        '  2026-11-22 09:05 #lobby * bob fixes the printer',
        '  2026-11-22 09:05 #lobby <bob> the printer is back',
        '  2026-11-22 09:05 *bob* printer?',
      ].join('\n'),
    );
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

  it('prints a later relay only through its one relay-change line (issue 16 item 2)', () => {
    const relay = { id: 'y', nick: 'bob', host: '192.168.1.6', port: 4000, epoch: 2 };
    expect(formatEvent({ event: 'role', role: 'member', relay }, { ...context, relayShown: true })).toBeUndefined();
    expect(formatEvent({ event: 'notice', code: 'RELAY_CHANGED', text: 'relay ann lost; bob took over' }, context)).toBe('* relay ann lost; bob took over');
  });
});

// What a peer writes, in every field it can write: none of it may reach the terminal as a control.
const HOSTILE = '\x1b[2J\x1b]0;owned\x07\u202e\x9b31m\r\n\b';
const CONTROL = /[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/u;

describe('line mode and text written by peers', () => {
  const message = { event: 'message', id: 'a-1', fromId: 'a', ts: at, own: false } as const;
  const relay = { id: 'x', nick: HOSTILE, host: '10.0.0.9', port: 4000, epoch: 1 };
  const events: [string, Parameters<typeof formatEvent>[0]][] = [
    ['a room line', { ...message, from: HOSTILE, room: `#lobby${HOSTILE}`, to: null, text: HOSTILE }],
    ['a private line', { ...message, from: HOSTILE, room: null, to: HOSTILE, text: HOSTILE }],
    ['a join', { event: 'presence', nick: HOSTILE, state: 'joined', room: null, rooms: [HOSTILE], self: false }],
    ['a join of a room', { event: 'presence', nick: HOSTILE, state: 'joined', room: '#lobby', self: false }],
    ['a leave with a reason', { event: 'presence', nick: HOSTILE, state: 'left', room: null, reason: HOSTILE, self: false }],
    ['a rename', { event: 'presence', nick: HOSTILE, state: 'renamed', room: null, from: HOSTILE, self: false }],
    ['an error from the relay', { event: 'error', code: 'X', message: HOSTILE, suggestion: HOSTILE }],
    ['a notice', { event: 'notice', code: 'NICK_KEY_CHANGED', text: HOSTILE } as Parameters<typeof formatEvent>[0]],
    ['the relay nick', { event: 'role', role: 'member', relay }],
    ['a lost relay', { event: 'connection', state: 'disconnected', reason: HOSTILE, retryInMs: 100 } as Parameters<typeof formatEvent>[0]],
    ['who', { event: 'who', room: HOSTILE, nicks: [HOSTILE] }],
    ['rooms', { event: 'rooms', rooms: [{ room: HOSTILE, people: 1, joined: false }] }],
    ['ready', { event: 'ready', node: 'ab', nick: HOSTILE, port: 1, network: 'n', secret: false }],
  ];

  it.each(events)('%s shows the controls as visible symbols, on one line', (_what, event) => {
    const line = formatEvent(event, { rooms: ['#lobby'] });
    expect(line).toBeDefined();
    expect(CONTROL.test(line!)).toBe(false);
    expect(line).not.toContain('\n');
    expect(line).toContain('\u241b[2J\u241b]0;owned\u2407\ufffd\ufffd31m\u240d\u240a\u2408');
  });

  it('keeps the line breaks of the help, and only those', () => {
    const help = formatEvent({ event: 'help', commands: [{ usage: '/a', summary: 'one' }, { usage: '/b', summary: `two${HOSTILE}` }], aliases: [] }, context);
    expect(help!.split('\n')).toHaveLength(2);
    expect(CONTROL.test(help!.replace(/\n/g, ''))).toBe(false);
  });

  it('lists the aliases and the keys after the commands (issue 16 item 13)', () => {
    const help = formatEvent(
      { event: 'help', commands: [...COMMANDS], aliases: [...ALIASES], keys: [{ usage: 'Tab', summary: 'complete' }] },
      context,
    )!.split('\n');
    for (const alias of ['/j', '/leave', '/names', '/list', '/exit', '//TEXT']) {
      expect(help).toContainEqual(expect.stringMatching(new RegExp(`^  ${alias.replace(/[/?]/g, '\\$&')} `)));
    }
    expect(help.indexOf('aliases:')).toBe(COMMANDS.length);
    expect(help.slice(help.indexOf('keys:'))).toEqual(['keys:', expect.stringMatching(/^  Tab +complete$/)]);
  });

  it('says the day above the first line and when it changes, as irssi does (issue 16 item 11)', () => {
    const morning = new Date(2026, 11, 1, 9, 0).getTime();
    const evening = new Date(2026, 11, 1, 23, 59).getTime();
    const next = new Date(2026, 11, 2, 0, 1).getTime();
    expect(dayHeader(undefined, morning)).toBe('--- Tue 1 Dec 2026');
    expect(dayHeader(morning, evening)).toBeUndefined();
    expect(dayHeader(evening, next)).toBe('--- Day changed to Wed 2 Dec 2026');
  });
});

describe('line mode formatting of the conversation (issue 17)', () => {
  const line = { event: 'message', id: 'a-1', from: 'bob', fromId: 'a', room: '#lobby', to: null, text: 'waves', ts: at, own: false } as const;

  it('shows an action as "* nick text", and a topic set in the history', () => {
    expect(formatEvent({ ...line, action: true }, context)).toBe('[09:05] #lobby * bob waves');
    expect(formatEvent({ ...line, action: true, room: null, to: 'me' }, context)).toBe('[09:05] (private) * bob waves');
    expect(formatEvent({ ...line, text: 'ship it', topic: true }, context)).toBe('[09:05] #lobby * bob set the topic: ship it');
  });

  it('shows away and back, with the reason made safe', () => {
    const away = { event: 'presence', nick: 'bob', state: 'away', room: null, reason: 'lunch\u001b[2J', self: false } as const;
    // A peer's reason cannot drive the terminal: the escape is shown as a symbol.
    expect(formatEvent(away, context)).toBe('* bob is away (lunch\u241b[2J)');
    expect(formatEvent({ ...away, reason: '' }, context)).toBe('* bob is away');
    expect(formatEvent({ event: 'presence', nick: 'me', state: 'back', room: null, self: true }, context)).toBe('* you are back');
  });

  it('shows a topic with who set it and when, and no typing line', () => {
    expect(formatEvent({ event: 'topic', room: '#lobby', topic: 'ship it', by: 'bob', ts: at }, context)).toBe(
      '* topic of #lobby: ship it (set by bob, Sun 22 Nov 2026 [09:05])',
    );
    expect(formatEvent({ event: 'typing', nick: 'bob', room: '#lobby' }, context)).toBeUndefined();
  });

  it('shows a whois on one line', () => {
    const whois: UiEvent = {
      event: 'whois',
      nick: 'bob',
      node: 'b'.repeat(64),
      fingerprint: 'SHA256:abc',
      address: '10.0.0.2',
      addresses: ['10.0.0.2'],
      port: 4000,
      onlineSince: at,
      idleMs: 125_000,
      away: true,
      reason: 'lunch',
      awaySince: at,
      rooms: ['#dev', '#lobby'],
    };
    expect(formatEvent(whois, context)).toBe(
      '* bob: node bbbbbbbbbbbbbbbb, key SHA256:abc, at 10.0.0.2:4000, online since Sun 22 Nov 2026 [09:05], idle 2 min, away (lunch), in #dev, #lobby',
    );
  });

  it('marks who is away in /who', () => {
    expect(formatEvent({ event: 'who', room: '#lobby', nicks: ['alice', 'bob'], away: ['bob'] }, context)).toBe('* in #lobby: alice, bob (away)');
  });

  it('lists whom the user ignores', () => {
    expect(formatEvent({ event: 'ignored', people: [] }, context)).toBe('* you ignore nobody');
    expect(formatEvent({ event: 'ignored', people: [{ nick: 'dave', node: 'd'.repeat(64) }] }, context)).toBe('* you ignore: dave (node dddddddd)');
  });
});
