import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import type { UiEvent } from '../../../src/ui/events.js';
import { clock, entryRows, layoutScreen, nickColor, paneRows, titleText } from '../../../src/ui/tui/layout.js';
import { ChatState, RELAY_CHANGE_SHOWN_MS, type SessionSnapshot } from '../../../src/ui/tui/state.js';
import { displayWidth, rowWidth } from '../../../src/ui/tui/text.js';
import { Painter } from '../../../src/ui/tui/view.js';

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
const at = new Date(2026, 0, 2, 9, 5).getTime();
let n = 0;
const say = (state: ChatState, text: string, over: Partial<Extract<UiEvent, { event: 'message' }>> = {}): void => {
  state.apply({ event: 'message', id: `b-${++n}`, from: 'bob', fromId: 'b', room: '#lobby', to: null, text, ts: at, own: false, ...over });
};
const text = (row: { text: string }[]): string => row.map((s) => s.text).join('');

describe('screen layout', () => {
  it('fits the title bar in 80 and 60 columns in every state, the connection state whole (issue 16 item 4)', () => {
    const relay = { id: 'r1', nick: 'a_rather_long_nick_of_thirty_two', host: 'fe80::1234:5678:9abc:def0', port: 40123, epoch: 1 };
    const other = { ...relay, id: 'r2', nick: 'carol' };
    const states: [string, (s: ChatState) => void][] = [
      ['starting…', () => {}],
      ['looking for peers…', (s) => s.apply({ event: 'notice', code: 'LOOKING', text: '' })],
      ['connected', (s) => s.apply({ event: 'connection', state: 'connected' })],
      ['relay lost; electing another…', (s) => s.apply({ event: 'notice', code: 'RELAY_LOST', text: '' })],
      ['disconnected; retrying in 2.5 s', (s) => s.apply({ event: 'connection', state: 'disconnected', reason: 'x', retryInMs: 2_500 })],
      ['handing the relay over…', (s) => s.apply({ event: 'notice', code: 'HANDING_OVER', text: '' })],
      ['relay changed to carol', (s) => (s.apply({ event: 'role', role: 'member', relay }), s.apply({ event: 'role', role: 'member', relay: other }))],
    ];
    for (const secret of [false, true]) {
      for (const [connection, reach] of states) {
        const state = new ChatState({ ...snap, secret, network: 'our-team-network', relay });
        reach(state);
        for (const columns of [80, 60]) {
          const title = titleText(state, columns, Date.now());
          expect(displayWidth(title), `${columns}: ${title}`).toBeLessThanOrEqual(columns);
          expect(title.endsWith(` │ ${connection}`), `${columns}: ${title}`).toBe(true);
          expect(text(layoutScreen(state, { text: '', cursor: 0 }, columns, 24).title)).toContain(connection);
        }
      }
    }
  });

  it('says "connected" again a while after a relay change (issue 16 item 4)', () => {
    const state = new ChatState(snap);
    const relay = { id: 'r1', nick: 'bob', host: 'h', port: 1, epoch: 1 };
    state.apply({ event: 'role', role: 'member', relay });
    state.apply({ event: 'connection', state: 'connected' });
    state.apply({ event: 'role', role: 'member', relay: { ...relay, id: 'r2', nick: 'carol' } });
    const now = Date.now();
    expect(titleText(state, 80, now)).toContain('relay changed to carol');
    expect(titleText(state, 80, now + RELAY_CHANGE_SHOWN_MS)).toMatch(/ │ connected$/);
  });

  it('fills exactly the terminal: title, pane, status and input rows, none wider than the screen', () => {
    const state = new ChatState(snap);
    say(state, '日本語のテキストはとても長いのでここで折り返す必要があります 🎉🎉 and more words');
    for (const [columns, rows] of [[80, 24], [60, 20], [20, 6], [132, 50]] as const) {
      const screen = layoutScreen(state, { text: 'typing', cursor: 6 }, columns, rows, at);
      const all = [screen.title, ...screen.pane, screen.status, screen.input];
      expect(all).toHaveLength(rows);
      for (const row of all) expect(rowWidth(row)).toBeLessThanOrEqual(columns);
      expect(screen.cursor).toEqual({ row: rows - 1, column: displayWidth('[#lobby] typing') });
    }
  });

  it('draws no control a peer wrote: the relay nick in the title, lines and nicks in the pane', () => {
    const hostile = '\x1b]0;owned\x07\u202e\x9b2J';
    const state = new ChatState({ ...snap, nick: `me${hostile}`, relay: { ...snap.relay!, nick: hostile } });
    state.apply({ event: 'role', role: 'member', relay: { ...snap.relay!, id: 'r0' } });
    state.apply({ event: 'role', role: 'member', relay: { ...snap.relay!, nick: hostile } });
    say(state, hostile, { from: hostile });
    const screen = layoutScreen(state, { text: '', cursor: 0 }, 200, 8, at);
    const all = [screen.title, ...screen.pane, screen.status].map(text).join('\n');
    expect(all).toContain('relay: \u241b]0;owned\u2407\ufffd\ufffd2J');
    expect(all).toContain('relay changed to \u241b]0;owned');
    expect(all).toContain('<\u241b]0;owned\u2407\ufffd\ufffd2J> \u241b]0;owned');
    expect(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u.test(all)).toBe(false);
  });

  it('names network, relay, role, people online and connection state in the title, rooms with unread in the status bar', () => {
    const state = new ChatState(snap);
    say(state, 'x', { room: '#dev' });
    const screen = layoutScreen(state, { text: '', cursor: 0 }, 132, 10, at);
    expect(text(screen.title)).toContain('lanchat (open) │ relay: bob (10.0.0.2:4000) │ member │ 3 online │ starting…');
    expect(text(screen.status)).toBe(`[${clock(at)}] [alice] [1:#lobby 2:#dev(1)]`.padEnd(132));
    expect(text(screen.input)).toBe('[#lobby] ');
  });

  it('wraps a long message under its text, and re-wraps it at another width', () => {
    const state = new ChatState(snap);
    say(state, 'word '.repeat(30).trim());
    const entry = state.current.entries[0]!;
    const wide = entryRows(entry, 80).map(text);
    const narrow = entryRows(entry, 40).map(text);
    expect(wide[0]).toMatch(/^09:05 <bob> word word/);
    expect(wide[1]!.startsWith(' '.repeat(12) + 'word')).toBe(true);
    expect(narrow.length).toBeGreaterThan(wide.length);
    for (const row of narrow) expect(row.length).toBeLessThanOrEqual(40);
  });

  it('shows the newest lines at the bottom and scrolls back a page at a time', () => {
    const state = new ChatState(snap);
    for (let i = 0; i < 30; i++) say(state, `line ${i}`);
    let pane = paneRows(state.current, 80, 10);
    expect(text(pane.rows.at(-1)!)).toContain('line 29');
    expect(pane.atTop).toBe(false);
    state.scrollBy(9, pane.maxScroll);
    pane = paneRows(state.current, 80, 10);
    expect(text(pane.rows.at(-1)!)).toContain('line 20');
    state.scrollBy(1_000, 20);
    pane = paneRows(state.current, 80, 10);
    expect(text(pane.rows[0]!)).toContain('line 0');
    expect(pane.atTop).toBe(true);
  });

  it('gives a nick the same colour every time', () => {
    expect(nickColor('bob')).toBe(nickColor('BOB'));
    const colours = new Set(['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map(nickColor));
    expect(colours.size).toBeGreaterThan(1);
  });
});

describe('the day in the pane', () => {
  it('puts a "Day changed" line between two lines of different days, and only there (issue 16 item 11)', () => {
    const state = new ChatState(snap);
    say(state, 'late', { ts: new Date(2026, 11, 1, 23, 58).getTime() });
    say(state, 'later', { ts: new Date(2026, 11, 1, 23, 59).getTime() });
    say(state, 'early', { ts: new Date(2026, 11, 2, 0, 1).getTime() });
    const rows = paneRows(state.current, 80, 6).rows.map(text).filter((r) => r !== '');
    expect(rows).toEqual(['23:58 <bob> late', '23:59 <bob> later', '00:01 -!- Day changed to Wed 2 Dec 2026', '00:01 <bob> early']);
  });
});

describe('painting with Ink', () => {
  it('paints one terminal row per screen row, text as laid out', () => {
    const state = new ChatState(snap);
    say(state, 'hello 世界 🎉');
    const screen = layoutScreen(state, { text: 'half', cursor: 4 }, 40, 8, at);
    const lines = new Painter().paint(screen);
    expect(lines).toHaveLength(8);
    const plain = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
    expect(plain[6]!.trimEnd()).toBe(`[${clock(at)}] [alice] [1:#lobby 2:#dev]`);
    expect(plain[7]).toBe('[#lobby] half');
    expect(plain[5]).toBe('09:05 <bob> hello 世界 🎉');
    for (const l of plain) expect(displayWidth(l)).toBeLessThanOrEqual(40);
  });

  it('paints no colour with NO_COLOR, the same text, bold and inverse kept (issue 16 item 11)', () => {
    const state = new ChatState(snap);
    say(state, 'hello from bob');
    const screen = layoutScreen(state, { text: '', cursor: 0 }, 40, 8, at);
    const colour = /\x1b\[(?:[0-9;]*;)?(?:3[0-79]|9[0-7]|38;[0-9;]+)m/;
    // Ink's chalk paints nothing but plain text off a terminal: as on one, for this test.
    const level = chalk.level;
    chalk.level = 1;
    let coloured: string[];
    let plain: string[];
    try {
      coloured = new Painter().paint(screen);
      plain = new Painter({ color: false }).paint(screen);
    } finally {
      chalk.level = level;
    }
    expect(coloured.some((l) => colour.test(l))).toBe(true);
    expect(plain.some((l) => colour.test(l))).toBe(false);
    const strip = (l: string): string => l.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain.map(strip)).toEqual(coloured.map(strip));
    expect(plain[0]).toContain('\x1b[7m'); // the title bar is still drawn inverse
  });

  it('paints a row again only when it is new', () => {
    const state = new ChatState(snap);
    say(state, 'first');
    const painter = new Painter();
    const a = painter.paint(layoutScreen(state, { text: '', cursor: 0 }, 40, 8, at));
    say(state, 'second');
    const b = painter.paint(layoutScreen(state, { text: '', cursor: 0 }, 40, 8, at));
    expect(b[4]).toBe(a[5]); // "first" moved up a row, same painted string
    expect(b[5]).toContain('second');
  });
});
