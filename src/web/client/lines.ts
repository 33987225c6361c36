import type { MessageView } from '../../chat/views.js';
import type { WhoisEvent } from '../../ui/events.js';

/** One line of a conversation as the page holds it: a chat message, something the node said (a notice, an error), or a whois answer. */
export type Line =
  | { kind: 'message'; key: string; ts: number; message: MessageView; mention: boolean }
  | { kind: 'info'; key: string; ts: number; text: string; error: boolean }
  | { kind: 'whois'; key: string; ts: number; whois: WhoisEvent };

/** Lines in order (time, then key), each once: what a reconnect or a snapshot brings again is not shown twice. */
export interface LineList {
  lines: Line[];
  keys: Set<string>;
}

export function emptyList(): LineList {
  return { lines: [], keys: new Set() };
}

function before(a: Line, b: Line): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.key < b.key);
}

/** Where `line` goes: after every line that comes before it (binary search). */
export function placeOf(lines: readonly Line[], line: Line): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(lines[mid]!, line)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Adds `line` unless a line of its key is there; returns its index, or -1 when it was there already. */
export function insertLine(list: LineList, line: Line): number {
  if (list.keys.has(line.key)) return -1;
  list.keys.add(line.key);
  const at = placeOf(list.lines, line);
  if (at === list.lines.length) list.lines.push(line);
  else list.lines.splice(at, 0, line);
  return at;
}

/** Drops the oldest lines past `max`; returns how many went. */
export function trimOldest(list: LineList, max: number): number {
  const extra = list.lines.length - max;
  if (extra <= 0) return 0;
  for (const line of list.lines.splice(0, extra)) list.keys.delete(line.key);
  return extra;
}

/** Whether `text` names `nick` as a word (case-insensitively): a mention. */
export function mentions(text: string, nick: string): boolean {
  if (nick === '') return false;
  const lower = text.toLowerCase();
  const name = nick.toLowerCase();
  for (let at = lower.indexOf(name); at >= 0; at = lower.indexOf(name, at + 1)) {
    const pre = at === 0 ? '' : lower[at - 1]!;
    const post = lower[at + name.length] ?? '';
    if (!/[\p{L}\p{N}_-]/u.test(pre) && !/[\p{L}\p{N}_-]/u.test(post)) return true;
  }
  return false;
}

/** A colour class for a nick, the same on every page: one of `count`. */
export function nickColour(nick: string, count = 12): number {
  let h = 2166136261;
  for (let i = 0; i < nick.length; i++) h = Math.imul(h ^ nick.charCodeAt(i), 16777619);
  return (h >>> 0) % count;
}

/** A piece of a line's text: plain, or a link (http and https only). */
export type Piece = { text: string; href?: string };

const LINK = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** Splits `text` into plain pieces and links; a link's trailing punctuation stays plain. */
export function linkPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    let url = match[0];
    const trail = /[.,;:!?)\]}]+$/.exec(url);
    if (trail !== null) url = url.slice(0, -trail[0].length);
    const at = match.index;
    if (at > last) pieces.push({ text: text.slice(last, at) });
    pieces.push({ text: url, href: url });
    last = at + url.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

/** The day of a time, local: lines of another day get a date line above them. */
export function dayOf(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A line someone else wrote: what counts as unread. */
function othersLine(line: Line): boolean {
  return line.kind === 'message' && !line.message.own;
}

/** How many lines others wrote after `read` (ms); none without a marker (the whole window is then counted live). */
export function unreadAfter(lines: readonly Line[], read: number | undefined): number {
  if (read === undefined) return 0;
  let n = 0;
  for (let i = lines.length - 1; i >= 0 && lines[i]!.ts > read; i--) if (othersLine(lines[i]!)) n++;
  return n;
}

/** The time of the newest chat line of `lines` (what its reader has seen once it is shown), if any. */
export function newestMessage(lines: readonly Line[]): number | undefined {
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.kind === 'message') return lines[i]!.ts;
  return undefined;
}

/**
 * Where the "new since you last looked" line goes among `lines`: before the first chat line newer than
 * `marker` when a chat line at or before it is held too (so the line marks a place, not the top of what
 * was loaded); -1 for none.
 */
export function markerIndex(lines: readonly Line[], marker: number | undefined): number {
  if (marker === undefined) return -1;
  let seenOlder = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.kind !== 'message') continue;
    if (line.ts <= marker) seenOlder = true;
    else return seenOlder ? i : -1;
  }
  return -1;
}
