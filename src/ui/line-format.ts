import { safeText } from '../chat/safe-text.js';
import type { MessageView } from '../chat/views.js';
import type { HelpLine, UiEvent } from './events.js';
import { shownNick } from './shown-nick.js';
import { PENDING_MARK, queryText, retryWords, topicSetText } from './words.js';

export interface LineContext {
  /** Rooms this user is in: presence in other rooms is not shown in line mode. */
  rooms: readonly string[];
  /**
   * A relay was shown already: a later role event is not printed, its RELAY_CHANGED notice says it in one
   * line ("relay bob lost; alice took over").
   */
  relayShown?: boolean;
}

/**
 * The line (or lines) line mode prints for an event, or undefined for events it does not show. Made safe
 * as a whole (see chat/safe-text.ts): nicks, lines, room names, reasons and the relay's sentences are
 * written by peers, and only the help's own line breaks are kept.
 */
export function formatEvent(event: UiEvent, context: LineContext): string | undefined {
  if (event.event === 'help') {
    const width = Math.max(...event.commands.map((c) => c.usage.length));
    const table = (lines: readonly HelpLine[]): string[] => lines.map((c) => safeText(`  ${c.usage.padEnd(width)}  ${c.summary}`));
    const section = (title: string, lines: readonly HelpLine[]): string[] => (lines.length === 0 ? [] : [`${title}:`, ...table(lines)]);
    return [...table(event.commands), ...section('aliases', event.aliases), ...section('keys', event.keys ?? [])].join('\n');
  }
  // Each line made safe alone: the line breaks between them are the face's own.
  if (event.event === 'search') return searchLines(event).map((line) => safeText(line)).join('\n');
  const line = describe(event, context);
  return line === undefined ? undefined : safeText(line);
}

function describe(event: Exclude<UiEvent, { event: 'help' | 'search' }>, context: LineContext): string | undefined {
  switch (event.event) {
    case 'ready':
      return `* lanchat on network "${event.network}": you are ${event.nick} (node ${event.node.slice(0, 8)}); /help lists the commands`;
    case 'role':
      if (context.relayShown === true) return undefined;
      return event.role === 'relay'
        ? `* you are the relay; others on the LAN find you (where multicast is blocked: lanchat --connect ${hostPort(event.relay.host, event.relay.port)})`
        : `* the relay is ${event.relay.nick} at ${hostPort(event.relay.host, event.relay.port)}`;
    case 'connection':
      return event.state === 'connected'
        ? undefined
        : `* lost the relay (${event.reason}); ${retryWords(event.retryInMs)}, your lines are kept`;
    case 'message': {
      const time = clock(event.ts);
      const mark = event.pending ? ` ${PENDING_MARK}` : '';
      if (event.action === true || event.topic === true) return `${talkLine(event, time)}${mark}`;
      if (event.to !== null) {
        return event.own ? `${time} -> *${event.to}* ${event.text}${mark}` : `${time} *${shownNick(event)}* ${event.text}`;
      }
      return `${time} ${event.room} <${shownNick(event)}> ${event.text}${mark}`;
    }
    case 'delivered':
      return undefined; // line mode's own note, once all are delivered (line-mode.ts)
    case 'presence':
      return formatPresence(event, context);
    case 'error':
      return `! ${event.message}${event.suggestion && !event.message.includes(event.suggestion) ? ` (try ${event.suggestion})` : ''}`;
    case 'notice':
      return `* ${event.text}`;
    case 'who':
      return `* in ${event.room}: ${event.nicks.length === 0 ? 'nobody' : event.nicks.map((n) => (event.away?.includes(n) ? `${n} (away)` : n)).join(', ')}`;
    case 'rooms':
      return event.rooms.length === 0
        ? '* no rooms yet; /join #room creates one'
        : `* rooms: ${event.rooms.map((r) => `${r.room} (${r.people})${r.joined ? '*' : ''}`).join(', ')}`;
    case 'quit':
      return undefined;
    // --- conversation (issue 17) ---
    case 'topic':
      return `* topic of ${event.room}: ${event.topic} (set by ${event.by}, ${dayText(event.ts)} ${clock(event.ts)})`;
    case 'typing':
      return undefined; // a line a keystroke would flood line mode: the full screen and --json show it
    case 'whois':
      return whoisLine(event);
    case 'ignored':
      return event.people.length === 0
        ? '* you ignore nobody'
        : `* you ignore: ${event.people.map((p) => `${p.nick} (node ${p.node.slice(0, 8)})`).join(', ')}`;
    case 'query':
      return `* ${queryText(event.nick, false)}`;
    case 'closed':
      return `* closed the private conversation with ${event.nick}`;
  }
}

/** An action ("* alice waves") or a topic set, as a line of its room (or private). */
function talkLine(event: Extract<UiEvent, { event: 'message' }>, time: string): string {
  const where = event.to !== null ? (event.own ? `-> *${event.to}*` : '(private)') : event.room;
  if (event.topic === true) return `${time} ${where} * ${topicSetText(shownNick(event), event.text)}`;
  return `${time} ${where} * ${shownNick(event)} ${event.text}`;
}

function whoisLine(w: Extract<UiEvent, { event: 'whois' }>): string {
  const parts = [
    `node ${w.node.slice(0, 16)}`,
    `key ${w.fingerprint ?? 'unproven'}`,
    w.address === null ? 'address unknown' : `at ${hostPort(w.address, w.port)}`,
    `online since ${dayText(w.onlineSince)} ${clock(w.onlineSince)}`,
    w.idleMs === null ? 'idle time unknown' : `idle ${formatDuration(w.idleMs)}`,
    w.away ? `away${w.reason ? ` (${w.reason})` : ''}` : 'here',
    w.rooms.length === 0 ? 'in no room' : `in ${w.rooms.join(', ')}`,
  ];
  return `* ${w.nick}: ${parts.join(', ')}`;
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The answer to /search: a line saying what was looked for, then each match with its day, newest first. */
function searchLines(event: Extract<UiEvent, { event: 'search' }>): string[] {
  const where = event.room === null ? '' : ` in ${event.room}`;
  const count = event.results.length;
  const head = `* search "${event.query}"${where}: ${count === 0 ? 'nothing found' : `${count} message${count === 1 ? '' : 's'}, newest first`}`;
  return [head, ...event.results.map((r) => `  ${dateTime(r.ts)} ${r.to !== null ? (r.own ? `-> *${r.to}*` : `*${shownNick(r)}*`) : r.room} ${foundText(r)}`)];
}

/** A match as its kind reads: a topic set and an action are not someone saying the words. */
function foundText(r: MessageView): string {
  if (r.topic === true) return `* ${topicSetText(shownNick(r), r.text)}`;
  if (r.action === true) return `* ${shownNick(r)} ${r.text}`;
  return r.to !== null ? r.text : `<${shownNick(r)}> ${r.text}`;
}

/** "2026-12-02 10:31", in local time as the clock of the lines. */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function formatPresence(event: Extract<UiEvent, { event: 'presence' }>, context: LineContext): string | undefined {
  const who = event.self ? 'you' : event.nick;
  switch (event.state) {
    case 'joined':
      if (event.room === null) {
        const rooms = event.rooms ?? [];
        return `* ${who} joined${rooms.length > 0 ? ` (${rooms.join(', ')})` : ''}`;
      }
      if (!event.self && !context.rooms.includes(event.room)) return undefined;
      return `* ${who} joined ${event.room}`;
    case 'left':
      if (event.room === null) return `* ${who} left (${event.reason ?? 'quit'})`;
      if (!event.self && !context.rooms.includes(event.room)) return undefined;
      return `* ${who} left ${event.room}`;
    case 'renamed':
      return event.self ? `* you are now ${event.nick}` : `* ${event.from ?? '?'} is now ${event.nick}`;
    case 'away':
      return `* ${who} ${event.self ? 'are' : 'is'} away${event.reason ? ` (${event.reason})` : ''}`;
    case 'back':
      return `* ${who} ${event.self ? 'are' : 'is'} back`;
  }
}

function clock(ms: number): string {
  const d = new Date(ms);
  return `[${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}]`;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}


/** A day as the day-change lines name it: "Wed 2 Dec 2026", in English as every other word here. */
export function dayText(ms: number): string {
  return new Date(ms).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).replace(/,/g, '');
}

export function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

/**
 * The line above a message of `ts` when the day changed since the message before it (`previous`; none
 * before the first: its day is said too), as irssi says it; undefined on the same day.
 */
export function dayHeader(previous: number | undefined, ts: number): string | undefined {
  if (previous === undefined) return `--- ${dayText(ts)}`;
  return sameDay(previous, ts) ? undefined : `--- Day changed to ${dayText(ts)}`;
}
