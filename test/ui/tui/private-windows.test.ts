import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/chat/views.js';
import type { UiEvent } from '../../../src/ui/events.js';
import { paneRows } from '../../../src/ui/tui/layout.js';
import { conversationOf, markerBefore, MARKER_TEXT, newestTime, typingTarget, unreadAfter } from '../../../src/ui/tui/private-windows.js';
import { ChatState, type Entry, type SessionSnapshot } from '../../../src/ui/tui/state.js';

const snap = (over: Partial<SessionSnapshot> = {}): SessionSnapshot => ({
  nick: 'alice',
  network: 'lanchat',
  secret: false,
  rooms: ['#lobby', '#dev'],
  currentRoom: '#lobby',
  people: ['alice', 'bob'],
  role: 'member',
  relay: { id: 'r1', nick: 'bob', host: '10.0.0.2', port: 4000, epoch: 1 },
  conversations: [],
  ...over,
});

let seq = 0;
type MessageEvent = Extract<UiEvent, { event: 'message' }>;
const msg = (over: Partial<MessageEvent> = {}): MessageEvent => ({
  event: 'message',
  id: `b-${++seq}`,
  from: 'bob',
  fromId: 'b',
  room: '#lobby',
  to: null,
  text: 'hi',
  ts: 1_000 + seq,
  own: false,
  ...over,
});
const entry = (ts: number, kind: Entry['kind'] = 'chat'): Entry => ({ kind, ts, text: `t${ts}`, id: `x-${ts}`, mention: false });
const rowText = (rows: { text: string }[][]): string[] => rows.map((r) => r.map((s) => s.text).join(''));

describe('private windows', () => {
  it.each([
    [{ to: 'Bob', own: true, from: 'alice' }, ['bob'], 'bob'],
    [{ to: 'alice', own: false, from: 'BOB' }, ['bob'], 'bob'],
    [{ to: 'alice', own: false, from: 'carol' }, ['bob'], undefined],
    [{ to: null, own: false, from: 'bob' }, ['bob'], undefined],
  ])('a line %j with conversations %j is filed under %j', (view, conversations, expected) => {
    expect(conversationOf(view, conversations)).toBe(expected);
  });

  it('come after the rooms, take their private lines with unread counts, and are shown by focus', () => {
    const state = new ChatState(snap({ conversations: ['bob'] }));
    expect(state.order.map((w) => w.name)).toEqual(['#lobby', '#dev', 'bob']);
    state.apply(msg({ room: null, to: 'alice', text: 'psst' }));
    const bob = state.windows.get('bob')!;
    expect(bob.entries.map((e) => e.text)).toEqual(['psst']);
    expect(bob.unread).toBe(1);
    expect(bob.mentioned).toBe(true);
    expect(state.current.entries).toHaveLength(0);
    state.focus('BOB');
    expect(state.currentName).toBe('bob');
    expect(state.currentPrivate).toBe('bob');
    expect(state.current.unread).toBe(0);
    // Closed by the session: the window goes, and the room is shown again.
    state.sync(snap({ conversations: [] }));
    expect(state.currentName).toBe('#lobby');
    expect(state.windows.has('bob')).toBe(false);
  });
});

describe('a private window filled from the store', () => {
  const stored = (over: Partial<MessageEvent>): MessageView => {
    const { event: _e, ...view } = msg({ room: null, to: 'alice', ...over });
    return { ...view, history: true };
  };

  it('takes its stored lines above the live ones, and counts unread from its marker', () => {
    const read = new Map([['bob', 1_000 + seq + 2]]);
    const state = new ChatState(snap({ conversations: ['bob'] }), { lastRead: (w) => read.get(w) });
    const lines = [stored({ text: 'seen before' }), stored({ text: 'seen too' }), stored({ text: 'missed' })];
    state.restore('bob', lines);
    const bob = state.windows.get('bob')!;
    expect(bob.entries.map((e) => e.text)).toEqual(['seen before', 'seen too', 'missed']);
    expect(bob.unread).toBe(1);
  });

  it('never read before: keeps the count of the live line that opened it, the line once', () => {
    const state = new ChatState(snap({ conversations: ['bob'] }));
    const live = msg({ room: null, to: 'alice', text: 'live', ts: 9_000 });
    state.apply(live);
    const { event: _e, ...view } = live;
    state.restore('bob', [stored({ text: 'earlier', ts: 8_000 }), { ...view, history: true }]);
    const bob = state.windows.get('bob')!;
    expect(bob.entries.map((e) => e.text)).toEqual(['earlier', 'live']);
    expect(bob.unread).toBe(1);
  });
});

describe('read markers', () => {
  it('count what others wrote after the marker, and place the line before the first newer line', () => {
    const entries = [entry(1), entry(2, 'own'), entry(3), entry(4, 'private-in'), entry(5, 'own')];
    expect(unreadAfter(entries, 2)).toBe(2);
    expect(unreadAfter(entries, undefined)).toBe(0);
    expect(entries.map((_, i) => markerBefore(entries, i, 2))).toEqual([false, false, true, false, false]);
    expect(entries.map((_, i) => markerBefore(entries, i, 0))).toEqual([false, false, false, false, false]);
    expect(newestTime(entries)).toBe(5);
    // A note of the window's own (no id: a notice, newer by its clock) between them does not move the line.
    const noted: Entry[] = [entry(1), { kind: 'info', ts: 99, text: 'note', mention: false }, entry(3)];
    expect(noted.map((_, i) => markerBefore(noted, i, 2))).toEqual([false, false, true]);
  });

  it('come from the session for each window; leaving a window moves its marker to its newest line', () => {
    const read = new Map([['#dev', 1_000 + seq + 1]]);
    const state = new ChatState(snap(), { lastRead: (w) => read.get(w) });
    const dev = state.windows.get('#dev')!;
    expect(dev.marker).toBe(read.get('#dev'));
    // At start, a room's stored lines: those after its marker are unread.
    const older = msg({ room: '#dev', text: 'seen before' });
    const newer = [msg({ room: '#dev', text: 'new 1' }), msg({ room: '#dev', text: 'new 2' })];
    state.restore('#dev', [older, ...newer].map(({ event: _e, ...view }) => ({ ...view, history: true })));
    expect(dev.unread).toBe(2);
    const rows = rowText(paneRows(dev, 60, 6).rows);
    const at = rows.findIndex((r) => r.includes(MARKER_TEXT));
    expect(rows[at - 1]).toContain('seen before');
    expect(rows[at + 1]).toContain('new 1');
    // The user looks at #lobby, and leaves it: how far they read is what the session is to keep.
    state.apply(msg({ room: '#lobby', text: 'lobby line', ts: 5_000 }));
    expect(state.leave()).toEqual({ window: '#lobby', ts: 5_000 });
    expect(state.current.marker).toBe(5_000);
  });
});

describe('whom a line being typed is for', () => {
  it.each([
    ['hello', undefined, undefined],
    ['hello', 'bob', { nick: 'bob' }],
    ['@carol hi', undefined, { nick: 'carol' }],
    ['@carol: hi', 'bob', { nick: 'carol' }],
  ] as const)('%s in %s', (text, privateTo, target) => {
    expect(typingTarget(text, privateTo)).toEqual(target);
  });
});
