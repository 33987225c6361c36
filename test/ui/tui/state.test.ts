import { describe, expect, it } from 'vitest';
import type { UiEvent } from '../../../src/ui/events.js';
import { ChatState, mentions, NO_ROOM, type SessionSnapshot } from '../../../src/ui/tui/state.js';

const snap = (over: Partial<SessionSnapshot> = {}): SessionSnapshot => ({
  nick: 'alice',
  network: 'lanchat',
  secret: false,
  rooms: ['#lobby', '#dev'],
  currentRoom: '#lobby',
  people: ['alice', 'bob'],
  role: 'member',
  conversations: [],
  relay: { id: 'r1', nick: 'bob', host: '10.0.0.2', port: 4000, epoch: 1 },
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

describe('the screen model', () => {
  it('files room messages under their room and counts unread ones in windows not shown', () => {
    const state = new ChatState(snap());
    state.apply(msg({ room: '#dev', text: 'one' }));
    state.apply(msg({ room: '#dev', text: 'two' }));
    state.apply(msg({ room: '#lobby', text: 'here' }));
    expect(state.windows.get('#dev')!.entries.map((e) => e.text)).toEqual(['one', 'two']);
    expect(state.windows.get('#dev')!.unread).toBe(2);
    expect(state.windows.get('#lobby')!.unread).toBe(0);
    state.sync(snap({ currentRoom: '#dev' }));
    expect(state.windows.get('#dev')!.unread).toBe(0);
  });

  it('sets own and private messages apart and puts private ones in the current window', () => {
    const state = new ChatState(snap());
    state.apply(msg({ own: true, from: 'alice', text: 'mine' }));
    state.apply(msg({ room: null, to: 'alice', text: 'psst' }));
    state.apply(msg({ room: null, to: 'bob', from: 'alice', own: true, text: 'back' }));
    const kinds = state.current.entries.map((e) => [e.kind, e.nick, e.text]);
    expect(kinds).toEqual([
      ['own', 'alice', 'mine'],
      ['private-in', 'bob', 'psst'],
      ['private-out', 'bob', 'back'],
    ]);
  });

  it('rings the bell for a live mention or private message, never for history or its own lines', () => {
    const state = new ChatState(snap());
    expect(state.apply(msg({ text: 'hey Alice, look' })).bell).toBe(true);
    expect(state.apply(msg({ room: null, to: 'alice', text: 'x' })).bell).toBe(true);
    expect(state.apply(msg({ text: 'alice said so', history: true })).bell).toBe(false);
    expect(state.apply(msg({ text: 'alice here', own: true, from: 'alice' })).bell).toBe(false);
    expect(state.apply(msg({ text: 'malice' })).bell).toBe(false);
    state.apply(msg({ room: '#dev', text: 'alice: ping' }));
    expect(state.windows.get('#dev')!.mentioned).toBe(true);
  });

  it('shows each message once, history in time order', () => {
    const state = new ChatState(snap());
    const live = msg({ ts: 5_000, text: 'live' });
    state.apply(live);
    state.apply({ ...live, history: true });
    state.apply(msg({ ts: 4_000, text: 'older', history: true }));
    expect(state.current.entries.map((e) => e.text)).toEqual(['older', 'live']);
  });

  it('puts the catch-up notice above the lines it announces (issue 16 item 6)', () => {
    const state = new ChatState(snap());
    state.apply(msg({ ts: 1_000, text: 'before' }));
    state.apply({ event: 'notice', code: 'CAUGHT_UP', text: '2 earlier messages of this network' });
    state.apply(msg({ ts: 2_000, text: 'one', history: true }));
    state.apply(msg({ ts: 3_000, text: 'two', history: true }));
    expect(state.current.entries.map((e) => e.text)).toEqual(['before', '2 earlier messages of this network', 'one', 'two']);
    // Once something else came, later history (a sync round) goes by its time again.
    state.apply(msg({ ts: 4_000, text: 'live' }));
    state.apply(msg({ ts: 500, text: 'older', history: true }));
    expect(state.current.entries.map((e) => e.text)).toEqual(['older', 'before', '2 earlier messages of this network', 'one', 'two', 'live']);
  });

  it('shows the answer to /history under a line saying what it is, though the lines are there already (issue 16 item 6)', () => {
    const state = new ChatState(snap());
    const live = msg({ ts: 5_000, text: 'live' });
    state.apply(live);
    state.showHistory('#lobby', [{ ...live, history: true }]);
    expect(state.current.entries.map((e) => e.text)).toEqual(['live', 'the last 1 stored message of #lobby:', 'live']);
    state.showHistory('#dev', []);
    expect(state.windows.get('#dev')!.entries.map((e) => e.text)).toEqual(['no stored messages in #dev']);
  });

  it('keeps a bounded scrollback, and asks the store again for what it dropped', () => {
    const state = new ChatState(snap(), { scrollback: 3 });
    for (let i = 0; i < 5; i++) state.apply(msg({ text: `m${i}` }));
    expect(state.current.entries.map((e) => e.text)).toEqual(['m2', 'm3', 'm4']);
    expect(state.current.exhausted).toBe(false);
  });

  it('loads older messages above the oldest held, until the store has none', () => {
    const state = new ChatState(snap());
    state.apply(msg({ ts: 10_000, id: 'x-9', fromId: 'x', text: 'newest' }));
    const want = state.wantOlder();
    expect(want).toEqual({ room: '#lobby', before: { id: 'x-9', fromId: 'x' } });
    expect(state.wantOlder()).toBeUndefined(); // one load at a time
    const older = [msg({ ts: 8_000, text: 'a' }), msg({ ts: 9_000, text: 'b' })];
    state.addOlder('#lobby', older);
    expect(state.current.entries.map((e) => e.text)).toEqual(['a', 'b', 'newest']);
    expect(state.wantOlder()).toBeDefined();
    state.olderFailed('#lobby'); // a failed load is tried again, not taken for the end of the store
    expect(state.current.exhausted).toBe(false);
    expect(state.wantOlder()).toBeDefined();
    state.addOlder('#lobby', []);
    expect(state.current.exhausted).toBe(true);
    expect(state.wantOlder()).toBeUndefined();
  });

  it('keeps the lines a scrolled-back reader is looking at in place as new ones arrive', () => {
    const state = new ChatState(snap(), { rowsOf: () => 2 });
    state.apply(msg());
    state.scrollBy(5, 100);
    state.apply(msg());
    expect(state.current.scroll).toBe(7);
    state.scrollBy(-100, 100);
    expect(state.current.scroll).toBe(0);
  });

  it('tells the connection state: looking, lost, and a new relay', () => {
    const state = new ChatState(snap());
    state.apply({ event: 'notice', code: 'LOOKING', text: 'looking for peers…' });
    expect(state.connection).toBe('looking for peers…');
    const relay = { id: 'r1', nick: 'bob', host: 'h', port: 1, epoch: 1 };
    state.apply({ event: 'connection', state: 'connected' });
    state.apply({ event: 'role', role: 'member', relay });
    expect(state.connection).toBe('connected');
    state.apply({ event: 'notice', code: 'RELAY_LOST', text: 'lost' });
    expect(state.connection).toContain('relay lost');
    state.apply({ event: 'role', role: 'member', relay: { ...relay, id: 'r2', nick: 'carol' } });
    expect(state.connection).toBe('relay changed to carol');
  });

  it('shows the first relay as a line, a later one only by its relay-change notice (issue 16 item 2)', () => {
    const state = new ChatState(snap());
    const relay = { id: 'r1', nick: 'bob', host: 'h', port: 1, epoch: 1 };
    state.apply({ event: 'connection', state: 'connected' });
    state.apply({ event: 'role', role: 'member', relay });
    state.apply({ event: 'connection', state: 'connected' });
    state.apply({ event: 'role', role: 'member', relay: { ...relay, id: 'r2', nick: 'carol' } });
    state.apply({ event: 'notice', code: 'RELAY_CHANGED', text: 'relay bob lost; carol took over' });
    expect(state.current.entries.map((e) => e.text)).toEqual(['the relay is bob at h:1', 'relay bob lost; carol took over']);
    expect(state.connection).toBe('relay changed to carol');
  });

  it('drops the window of a room left, and uses a no-room window when in none', () => {
    const state = new ChatState(snap());
    state.sync(snap({ rooms: ['#dev'], currentRoom: '#dev' }));
    expect([...state.windows.keys()]).toEqual(['#dev']);
    state.sync(snap({ rooms: [], currentRoom: undefined }));
    expect(state.current.name).toBe(NO_ROOM);
    state.apply({ event: 'error', code: 'NOT_IN_ROOM', message: 'you are in no room' });
    expect(state.current.entries[0]).toMatchObject({ kind: 'error', text: 'you are in no room' });
  });

  it('strips control characters from what peers send', () => {
    const state = new ChatState(snap());
    state.apply(msg({ text: 'evil\x1b[2J', from: 'b\x07ob' }));
    expect(state.current.entries[0]).toMatchObject({ text: 'evil\u241b[2J', nick: 'b\u2407ob' });
  });
});

describe('mentions', () => {
  it('finds the nick as a word of its own', () => {
    expect(mentions('alice: hi', 'alice')).toBe(true);
    expect(mentions('hi @ALICE!', 'alice')).toBe(true);
    expect(mentions('malice', 'alice')).toBe(false);
    expect(mentions('alice_2 there', 'alice')).toBe(false);
    expect(mentions('a.b is here', 'a.b')).toBe(true);
    expect(mentions('axb is here', 'a.b')).toBe(false);
  });
});
