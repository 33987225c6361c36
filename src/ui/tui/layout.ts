import type { EditLine } from './editor.js';
import { visibleSlice } from './editor.js';
import type { ChatState, Entry, Window } from './state.js';
import { NO_ROOM, typingNow } from './state.js';
import { MARKER_TEXT, markerBefore } from './private-windows.js';
import { dayText, sameDay } from '../line-format.js';
import { PENDING_MARK } from '../words.js';
import { displayWidth, linkSpans, padToWidth, type Row, rowWidth, sanitize, type Span, wrapSpans } from './text.js';

/**
 * Pure layout: the model and the input line become exactly `rows` screen rows of styled spans, each at
 * most `columns` wide. Ink only paints them.
 *
 *   row 0            title bar: network, relay, role, people online, connection state
 *   rows 1..rows-3   the current window's messages, newest at the bottom
 *   row rows-2       status bar: clock, nick, current room, the rooms with their unread counts
 *   row rows-1       the input line
 */
export interface Screen {
  columns: number;
  title: Row;
  pane: Row[];
  status: Row;
  input: Row;
  /** Where the terminal cursor goes: on the input line. */
  cursor: { row: number; column: number };
  /** The pane shows the oldest entry held (time to ask the store for older ones). */
  atTop: boolean;
  /** Rows of the current window beyond the pane (the furthest PgUp may scroll). */
  maxScroll: number;
}

/** Fixed rows around the message pane: title, status and input. */
export const CHROME_ROWS = 3;

const NICK_COLORS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red', 'cyanBright', 'greenBright', 'yellowBright', 'magentaBright', 'blueBright', 'redBright'];

/** The same nick gets the same colour on every screen and every run (FNV-1a of the lower-cased nick). */
export function nickColor(nick: string): string {
  let hash = 0x811c9dc5;
  for (const ch of nick.toLowerCase()) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return NICK_COLORS[hash % NICK_COLORS.length]!;
}

export function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** An entry's spans: the prefix (time, nick) and the text; `indent` is where continuation rows start. */
export function entrySpans(entry: Entry): { spans: Span[]; indent: number } {
  const time: Span = { text: `${clock(entry.ts)} `, style: { dim: true } };
  let prefix: Span[];
  let body: Span;
  switch (entry.kind) {
    case 'chat':
      prefix = [{ text: `<${entry.nick}>`, style: entry.mention ? { color: 'yellow', bold: true, inverse: true } : { color: nickColor(entry.nick ?? '') } }];
      body = entry.mention ? { text: ` ${entry.text}`, style: { color: 'yellow', bold: true } } : { text: ` ${entry.text}` };
      break;
    case 'own':
      prefix = [{ text: `<${entry.nick}>`, style: { bold: true } }];
      body = { text: ` ${entry.text}`, style: { bold: true } };
      break;
    case 'private-in':
      prefix = [{ text: `*${entry.nick}*`, style: { color: 'magentaBright', bold: true } }];
      body = { text: ` ${entry.text}`, style: { color: 'magentaBright' } };
      break;
    case 'private-out':
      prefix = [{ text: `-> *${entry.nick}*`, style: { color: 'magenta' } }];
      body = { text: ` ${entry.text}`, style: { color: 'magenta' } };
      break;
    case 'info':
      prefix = [{ text: '-!-', style: { color: 'cyan' } }];
      body = { text: ` ${entry.text}`, style: { dim: true } };
      break;
    case 'error':
      prefix = [{ text: '-!-', style: { color: 'red', bold: true } }];
      body = { text: ` ${entry.text}`, style: { color: 'red' } };
      break;
  }
  // "/me waves": `* alice waves`, in the colours of the line it would have been.
  if (entry.action === true && prefix[0] !== undefined) {
    prefix = [{ ...prefix[0], text: entry.kind === 'private-out' ? `${prefix[0].text} *` : `* ${entry.nick ?? ''}` }];
  }
  // An own line no relay holds yet: a dim mark after it, until it is delivered.
  const mark: Span[] = entry.pending ? [{ text: ` ${PENDING_MARK}`, style: { dim: true } }] : [];
  const spans = [time, ...prefix, ...linkSpans(body), ...mark];
  const indent = displayWidth(time.text) + prefix.reduce((n, s) => n + displayWidth(s.text), 0) + 1;
  return { spans, indent };
}

const wrapped = new WeakMap<Entry, { width: number; rows: Row[] }>();

/** An entry wrapped to `width`; remembered per entry, so a flood wraps each line once, and a resize re-wraps. */
export function entryRows(entry: Entry, width: number): Row[] {
  const cached = wrapped.get(entry);
  if (cached?.width === width) return cached.rows;
  const { spans, indent } = entrySpans(entry);
  // A long nick must not leave a sliver of a column for the text.
  const rows = wrapSpans(spans, width, indent <= width / 2 ? indent : 2);
  wrapped.set(entry, { width, rows });
  return rows;
}

const dayChanges = new WeakMap<Entry, Entry>();

/** The line above the first entry of a new day, as irssi's: one object per entry, so it is painted once. */
function dayChange(entry: Entry): Entry {
  let line = dayChanges.get(entry);
  if (line === undefined) {
    line = { kind: 'info', ts: entry.ts, text: `Day changed to ${dayText(entry.ts)}`, mention: false };
    dayChanges.set(entry, line);
  }
  return line;
}

const markerLines = new WeakMap<Entry, Entry>();

/** The read marker's line above `entry` (the first line newer than it): one object per entry, painted once. */
function markerLine(entry: Entry): Entry {
  let line = markerLines.get(entry);
  if (line === undefined) {
    line = { kind: 'info', ts: entry.ts, text: MARKER_TEXT, mention: false };
    markerLines.set(entry, line);
  }
  return line;
}

/** The pane's rows: the newest at the bottom, `scroll` rows hidden below; blank rows above when short. */
export function paneRows(window: Window, width: number, height: number): { rows: Row[]; atTop: boolean; maxScroll: number } {
  if (height <= 0) return { rows: [], atTop: false, maxScroll: 0 };
  const want = height + window.scroll;
  const collected: Row[] = [];
  let i = window.entries.length - 1;
  for (; i >= 0 && collected.length < want; i--) {
    const entry = window.entries[i]!;
    const rows = entryRows(entry, width);
    for (let r = rows.length - 1; r >= 0; r--) collected.push(rows[r]!);
    if (markerBefore(window.entries, i, window.marker)) {
      const marker = entryRows(markerLine(entry), width);
      for (let r = marker.length - 1; r >= 0; r--) collected.push(marker[r]!);
    }
    const before = window.entries[i - 1];
    if (before !== undefined && !sameDay(before.ts, entry.ts)) {
      const day = entryRows(dayChange(entry), width);
      for (let r = day.length - 1; r >= 0; r--) collected.push(day[r]!);
    }
  }
  const atTop = i < 0 && collected.length <= want;
  const scroll = Math.max(0, Math.min(window.scroll, collected.length - height));
  const visible = collected.slice(scroll, scroll + height).reverse();
  while (visible.length < height) visible.unshift([]);
  // Only known exactly at the top: elsewhere "at least one more page" is enough for PgUp.
  const maxScroll = atTop ? Math.max(0, collected.length - height) : window.scroll + height;
  return { rows: visible, atTop, maxScroll };
}

export function relayText(state: ChatState): string {
  const { relay, role } = state.snapshot;
  if (relay === undefined) return 'no relay yet';
  if (role === 'relay') return `relay: you (${hostPort(relay.host, relay.port)})`;
  return `relay: ${relay.nick} (${hostPort(relay.host, relay.port)})`;
}

/** Nicks and network names in a short title are cut to this many columns. */
const SHORT_NAME = 12;

/**
 * The title bar's text for `columns`: the longest of its forms that fits, each dropping what matters least
 * (open or secret, the relay's address, the role, the words), so the connection state is never the part cut off.
 */
export function titleText(state: ChatState, columns: number, now: number): string {
  const snap = state.snapshot;
  // The relay's nick (in the title and the connection state) is a peer's text.
  const connection = sanitize(state.connectionText(now));
  const network = sanitize(snap.network);
  const mode = snap.secret ? 'secret' : 'open';
  const relayNick = snap.relay === undefined ? undefined : snap.role === 'relay' ? 'you' : sanitize(snap.relay.nick);
  const short = (name: string): string => (displayWidth(name) <= SHORT_NAME ? name : padToWidth(name, SHORT_NAME));
  const relayShort = relayNick === undefined ? 'no relay yet' : `relay: ${short(relayNick)}`;
  const awayCount = snap.awayPeople?.length ?? 0;
  const online = `${snap.people.length} online${awayCount > 0 ? `, ${awayCount} away` : ''}`;
  const forms = [
    ` ${network} (${mode}) │ ${sanitize(relayText(state))} │ ${snap.role} │ ${online} │ ${connection}`,
    // Open or secret was said on start (the OPEN or SECRET notice); the relay's address is for --connect.
    ` ${network} │ ${sanitize(relayText(state))} │ ${snap.role} │ ${online} │ ${connection}`,
    ` ${network} (${mode}) │ ${relayShort} │ ${snap.role} │ ${online} │ ${connection}`,
    ` ${short(network)} (${mode}) │ ${relayShort} │ ${online} │ ${connection}`,
    ` ${short(network)} │ ${relayShort} │ ${snap.people.length} │ ${connection}`,
    ` ${relayShort} │ ${connection}`,
  ];
  // With a topic, the longest form that leaves it room whole; else the longest that fits, the topic cut.
  const topic = currentTopic(state);
  const whole = topic === undefined ? undefined : forms.find((f) => displayWidth(f) + 3 + displayWidth(topic) <= columns);
  const form = whole ?? forms.find((f) => displayWidth(f) <= columns) ?? forms.at(-1)!;
  return withTopic(form, topic, columns);
}

function currentTopic(state: ChatState): string | undefined {
  const room = state.snapshot.currentRoom;
  const topic = room === undefined ? undefined : state.topics.get(room);
  return topic === '' ? undefined : topic;
}

/** The current room's topic after the title, in what room is left (a peer's text: made safe when told). */
function withTopic(form: string, topic: string | undefined, columns: number): string {
  const roomLeft = columns - displayWidth(form) - 3;
  if (topic === undefined || roomLeft < 8) return form;
  return `${form} │ ${displayWidth(topic) <= roomLeft ? topic : padToWidth(topic, roomLeft)}`;
}

/** `question`: asked on the input row instead of the input line (a paste of several lines, paste.ts). */
export function layoutScreen(state: ChatState, line: EditLine, columns: number, rows: number, now = Date.now(), question?: string): Screen {
  const snap = state.snapshot;
  const bar = { color: 'white', inverse: true } as const;
  const title = titleText(state, columns, now);
  const window = state.current;
  const pane = paneRows(window, columns, Math.max(0, rows - CHROME_ROWS));

  // This user's nick and rooms are the ones the relay's welcome gave.
  const status: Span[] = [{ text: `[${clock(now)}] [${sanitize(snap.nick)}${snap.away === true ? ' (away)' : ''}] [` }];
  state.order.forEach((w, i) => {
    const label = `${i + 1}:${sanitize(w.name)}${w.unread > 0 ? `(${w.unread}${w.mentioned ? '!' : ''})` : ''}`;
    if (i > 0) status.push({ text: ' ' });
    if (w === window) status.push({ text: label, style: { bold: true } });
    else if (w.mentioned) status.push({ text: label, style: { color: 'yellow', bold: true } });
    else if (w.unread > 0) status.push({ text: label, style: { color: 'cyan', bold: true } });
    else status.push({ text: label });
  });
  status.push({ text: ']' });
  if (window.scroll > 0) status.push({ text: ' -- more --', style: { bold: true } });
  if (window.loading) status.push({ text: ' (loading older…)' });
  const typing = typingNow(state, now);
  if (typing.length > 0) status.push({ text: ` ${typing.join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…` });

  const prompt = `[${window.name === NO_ROOM ? 'no room' : sanitize(window.name)}] `;
  const promptWidth = Math.min(displayWidth(prompt), Math.max(0, columns - 2));
  const slice = visibleSlice(line, columns - promptWidth);
  const asked = question === undefined ? undefined : padToWidth(question, Math.max(1, columns - 1)).trimEnd();
  return {
    columns,
    // The relay's nick (in the title and the connection state) is a peer's text.
    title: [{ text: padToWidth(title, columns), style: bar }],
    pane: pane.rows,
    status: barRow(status, columns),
    input: asked !== undefined ? [{ text: asked, style: { bold: true } }] : [{ text: padToWidth(prompt, promptWidth), style: { bold: true } }, { text: slice.text }],
    cursor: { row: rows - 1, column: Math.min(columns - 1, asked !== undefined ? displayWidth(asked) : promptWidth + slice.cursorColumn) },
    atTop: pane.atTop,
    maxScroll: pane.maxScroll,
  };
}

/** A bar: its spans cut to the width and the rest filled, all on the bar's background. */
function barRow(spans: Span[], columns: number): Row {
  const row = wrapSpans(spans, Math.max(1, columns))[0] ?? [];
  const styled = row.map((s) => ({ text: s.text, style: { ...s.style, color: s.style?.color ?? 'white', inverse: true } }));
  const rest = columns - rowWidth(row);
  if (rest > 0) styled.push({ text: ' '.repeat(rest), style: { color: 'white', inverse: true } });
  return styled;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
