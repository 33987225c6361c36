import { describe, expect, it } from 'vitest';
import type { UiEvent } from '../../../src/ui/events.js';
import { formatEvent } from '../../../src/ui/line-format.js';
import { entryRows, layoutScreen } from '../../../src/ui/tui/layout.js';
import { ChatState, type SessionSnapshot } from '../../../src/ui/tui/state.js';
import { linkSpans } from '../../../src/ui/tui/text.js';
import { Painter } from '../../../src/ui/tui/view.js';
import { pasteQuestion } from '../../../src/ui/words.js';

const snap: SessionSnapshot = {
  nick: 'alice',
  network: 'lanchat',
  secret: false,
  rooms: ['#lobby'],
  currentRoom: '#lobby',
  people: ['alice', 'bob'],
  role: 'member',
  relay: { id: 'r1', nick: 'bob', host: '10.0.0.2', port: 4000, epoch: 1 },
  conversations: [],
};
const at = new Date(2026, 0, 2, 9, 5).getTime();
type MessageEvent = Extract<UiEvent, { event: 'message' }>;
const own = (over: Partial<MessageEvent> = {}): MessageEvent => ({
  event: 'message', id: 'a-1', from: 'alice', fromId: 'a', room: '#lobby', to: null, text: 'written offline', ts: at, own: true, ...over,
});
const text = (row: { text: string }[]): string => row.map((s) => s.text).join('');
const paneText = (state: ChatState): string[] => layoutScreen(state, { text: '', cursor: 0 }, 60, 8, at).pane.map(text).filter((r) => r !== '');

describe('a pending line on the screen (issue 16 item 9)', () => {
  it('draws a dim mark after an own pending line, and the line without it once delivered', () => {
    const state = new ChatState(snap);
    state.apply(own({ pending: true }));
    state.apply(own({ id: 'a-2', text: 'written later', pending: true }));
    expect(paneText(state)).toEqual(['09:05 <alice> written offline (pending)', '09:05 <alice> written later (pending)']);
    const entry = state.current.entries[0]!;
    const mark = entryRows(entry, 60)[0]!.at(-1)!;
    expect(mark).toEqual({ text: ' (pending)', style: { dim: true } });

    state.apply({ event: 'delivered', id: 'a-1' });
    expect(paneText(state)).toEqual(['09:05 <alice> written offline', '09:05 <alice> written later (pending)']);
    state.apply({ event: 'delivered', id: 'a-9' }); // not shown here: nothing changes, nothing is added
    state.apply({ event: 'delivered', id: 'a-2' });
    expect(paneText(state)).toEqual(['09:05 <alice> written offline', '09:05 <alice> written later']);
  });

  it('marks a pending private line too; line mode prints the mark and nothing for a delivery', () => {
    const state = new ChatState(snap);
    state.apply(own({ room: null, to: 'bob', pending: true }));
    expect(paneText(state)).toEqual(['09:05 -> *bob* written offline (pending)']);
    expect(formatEvent(own({ pending: true }), { rooms: ['#lobby'] })).toBe('[09:05] #lobby <alice> written offline (pending)');
    expect(formatEvent(own({ room: null, to: 'bob', pending: true }), { rooms: ['#lobby'] })).toBe('[09:05] -> *bob* written offline (pending)');
    expect(formatEvent(own(), { rooms: ['#lobby'] })).toBe('[09:05] #lobby <alice> written offline');
    expect(formatEvent({ event: 'delivered', id: 'a-1' }, { rooms: ['#lobby'] })).toBeUndefined();
  });

  it("shows a member's lines from before its join after its join, where they arrive", () => {
    const state = new ChatState(snap);
    state.apply({ event: 'presence', nick: 'bob', state: 'joined', room: '#lobby', self: false });
    // bob's line, written before he joined (an earlier time), comes by sync as news: not history.
    state.apply({ event: 'message', id: 'b-1', from: 'bob', fromId: 'b', room: '#lobby', to: null, text: 'typed offline', ts: at - 60_000, own: false });
    const rows = paneText(state);
    const joined = rows.findIndex((r) => r.endsWith('-!- bob joined #lobby'));
    expect(joined).toBeGreaterThanOrEqual(0);
    expect(rows.findIndex((r) => r.endsWith('<bob> typed offline'))).toBe(rows.length - 1);
  });
});

describe('URLs as hyperlinks on the screen (issue 16 item 11)', () => {
  it('gives a URL a span of its own with its link, the text around it as it was', () => {
    const style = { bold: true };
    expect(linkSpans({ text: ' see https://x.org/a. ok', style })).toEqual([
      { text: ' see ', style },
      { text: 'https://x.org/a', style: { bold: true, link: 'https://x.org/a' } },
      { text: '. ok', style },
    ]);
    expect(linkSpans({ text: ' no link' })).toEqual([{ text: ' no link' }]);
  });

  it('paints OSC 8 around the URL (on every row of a wrapped one) only when asked, the text the same', () => {
    const state = new ChatState(snap);
    const url = `https://example.org/${'p'.repeat(70)}`;
    state.apply({ event: 'message', id: 'b-1', from: 'bob', fromId: 'b', room: '#lobby', to: null, text: `look ${url} here`, ts: at, own: false });
    const screen = layoutScreen(state, { text: '', cursor: 0 }, 40, 10, at);
    const linked = new Painter({ links: true, color: false }).paint(screen);
    const plain = new Painter({ color: false }).paint(screen);
    const open = `\x1b]8;;${url}\x1b\\`;
    const withLink = linked.filter((l) => l.includes(open));
    expect(withLink.length).toBeGreaterThanOrEqual(2); // the URL takes rows of its own, each linked
    for (const l of withLink) expect(l).toContain('\x1b]8;;\x1b\\');
    expect(plain.some((l) => l.includes('\x1b]8'))).toBe(false);
    const strip = (l: string): string => l.replace(/\x1b\]8;;[^\x1b]*\x1b\\/g, '');
    expect(linked.map(strip)).toEqual(plain);
  });
});

describe('the paste question (issue 16 item 11)', () => {
  it('stands on the input row instead of the input line, which comes back after', () => {
    const state = new ChatState(snap);
    const question = pasteQuestion(3, '#lobby');
    expect(question).toBe('Paste 3 lines to #lobby? (Ctrl-K to paste, Ctrl-C to abort)');
    const asking = layoutScreen(state, { text: 'half', cursor: 4 }, 80, 8, at, question);
    expect(text(asking.input)).toBe(question);
    expect(asking.cursor).toEqual({ row: 7, column: question.length });
    const narrow = layoutScreen(state, { text: 'half', cursor: 4 }, 30, 8, at, question);
    expect(text(narrow.input).length).toBeLessThan(30);
    expect(text(layoutScreen(state, { text: 'half', cursor: 4 }, 80, 8, at).input)).toBe('[#lobby] half');
  });
});
