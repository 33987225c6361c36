import { describe, expect, it } from 'vitest';
import { TYPING_EXPIRES_MS } from '../../../src/chat/typing.js';
import { layoutScreen, titleText } from '../../../src/ui/tui/layout.js';
import { ChatState, type SessionSnapshot, typingNow } from '../../../src/ui/tui/state.js';
import { displayWidth } from '../../../src/ui/tui/text.js';

// The full screen's part of the conversation (issue 17): topic in the title, away and typing in the bars.
const snap: SessionSnapshot = {
  nick: 'alice',
  network: 'lanchat',
  secret: false,
  rooms: ['#lobby', '#dev'],
  currentRoom: '#lobby',
  people: ['alice', 'bob', 'carol'],
  role: 'member',
  relay: { id: 'r1', nick: 'bob', host: '10.0.0.2', port: 4000, epoch: 1 },
  conversations: [],
};
const text = (row: { text: string }[]): string => row.map((s) => s.text).join('');
const empty = { text: '', cursor: 0 };

describe('the full screen and the conversation', () => {
  it("shows the current room's topic in the title bar, cut to fit, made safe", () => {
    const state = new ChatState(snap);
    state.apply({ event: 'topic', room: '#lobby', topic: 'release on friday\u001b[2J', by: 'bob', ts: 1 });
    state.apply({ event: 'topic', room: '#dev', topic: 'not this one', by: 'bob', ts: 1 });
    const wide = titleText(state, 200, Date.now());
    expect(wide).toMatch(/│ release on friday␛\[2J$/);
    expect(wide).not.toContain('not this one');
    // At 80 columns a shorter form of the title leaves the topic room; at 60 it is cut, once.
    const narrow = titleText(state, 80, Date.now());
    expect(displayWidth(narrow)).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/│ release on friday␛\[2J$/);
    const cut = titleText(state, 60, Date.now());
    expect(displayWidth(cut)).toBeLessThanOrEqual(60);
    expect(cut).not.toContain('……');
    // Told in the room's window too.
    expect(state.windows.get('#lobby')!.entries.at(-1)!.text).toContain('topic of #lobby: release on friday');
  });

  it('counts who is away in the title, and says so of this user in the status bar', () => {
    const state = new ChatState({ ...snap, away: true, awayPeople: ['bob'] });
    expect(titleText(state, 200, Date.now())).toContain('3 online, 1 away');
    expect(text(layoutScreen(state, empty, 100, 24).status)).toContain('[alice (away)]');
  });

  it('shows an action as "* nick text", and a topic from the history as a line of the room', () => {
    const state = new ChatState(snap);
    state.apply({ event: 'message', id: 'b-1', from: 'bob', fromId: 'b', room: '#lobby', to: null, text: 'waves', ts: 1, own: false, action: true });
    state.apply({ event: 'message', id: 'b-2', from: 'bob', fromId: 'b', room: '#lobby', to: null, text: 'plans', ts: 2, own: false, topic: true, history: true });
    const rows = layoutScreen(state, empty, 100, 24).pane.map(text);
    expect(rows.some((r) => r.endsWith('* bob waves'))).toBe(true);
    expect(rows.some((r) => r.endsWith('-!- bob set the topic: plans'))).toBe(true);
  });

  it('says who is typing in the current room until it expires or their line comes', () => {
    const state = new ChatState(snap);
    const now = Date.now();
    state.apply({ event: 'typing', nick: 'bob', room: '#lobby' });
    state.apply({ event: 'typing', nick: 'carol', room: '#dev' });
    expect(text(layoutScreen(state, empty, 100, 24, now).status)).toContain('bob is typing…');
    expect(text(layoutScreen(state, empty, 100, 24, now).status)).not.toContain('carol');
    expect(typingNow(state, now + TYPING_EXPIRES_MS + 1)).toEqual([]);
    state.apply({ event: 'message', id: 'b-1', from: 'bob', fromId: 'b', room: '#lobby', to: null, text: 'hi', ts: now, own: false });
    expect(typingNow(state, now)).toEqual([]);
    // A typing notice adds no line to any window.
    expect(state.windows.get('#lobby')!.entries.map((e) => e.text)).toEqual(['hi']);
  });
});
