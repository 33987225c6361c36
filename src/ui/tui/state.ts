import { type Typers, typingDone, typingIn, typingSeen } from '../../chat/typing.js';
import type { MessageView, RelayInfo } from '../../chat/views.js';
import type { Role } from '../../session/chat-session.js';
import type { UiEvent } from '../events.js';
import { formatEvent } from '../line-format.js';
import { queryText, retryWords } from '../words.js';
import { shownNick } from '../shown-nick.js';
import { sanitize } from './text.js';
import { DEFAULT_LIMITS } from '../../wire/limits.js';
import { type Entry, entryOf, markDelivered } from './entries.js';
import { conversationOf, countsAsUnread, findConversation, newestTime, unreadAfter } from './private-windows.js';

/** What the screen shows of the session at a moment: read from the session, never kept in two places. */
export interface SessionSnapshot {
  nick: string;
  network: string;
  /** The network has a room secret. */
  secret: boolean;
  rooms: readonly string[];
  currentRoom: string | undefined;
  /** Nicks of everyone online, this user included. */
  people: readonly string[];
  role: Role;
  relay: RelayInfo | undefined;
  // --- conversation (issue 17) ---
  /** This user is away. */
  away?: boolean;
  /** Nicks of those online who are away. */
  awayPeople?: readonly string[];
  /** Open private conversations (nicks), each a window after the rooms. */
  conversations: readonly string[];
}

export type { Entry, EntryKind } from './entries.js';
export { mentions } from './entries.js';

export interface Window {
  /** A room, or NO_ROOM. */
  name: string;
  entries: Entry[];
  ids: Set<string>;
  unread: number;
  mentioned: boolean;
  /** Screen rows hidden below the pane (0: following the newest line). */
  scroll: number;
  /** The store has nothing older than the oldest entry. */
  exhausted: boolean;
  loading: boolean;
  /** How far its user had read it when they last left it (the "new since you last looked" line). */
  marker?: number;
  /** A private conversation's window (its name is the other person's nick). */
  private?: boolean;
}

/** The window used while the user is in no room at all. */
export const NO_ROOM = '(no room)';
export const SCROLLBACK_LIMIT = DEFAULT_LIMITS.scrollbackLines;
/** "relay changed to …" stands in the title this long, then it says "connected" again. */
export const RELAY_CHANGE_SHOWN_MS = 10_000;

export interface ApplyResult {
  /** Ring the terminal bell: a live mention or private message. */
  bell: boolean;
}

/**
 * The screen's model: windows (one per room, with scrollback, unread counts and scroll position) and the
 * status facts, changed by UiEvents and by session snapshots. No I/O and no timers, so it is tested with
 * plain values; `rowsOf` (from the layout) says how many screen rows an entry takes at the current width.
 */
export class ChatState {
  readonly windows = new Map<string, Window>();
  snapshot: SessionSnapshot;
  /** Connection state for the status line: "looking for peers…", "relay changed to …". */
  connection = 'starting…';
  readonly #limit: number;
  readonly #rowsOf: (entry: Entry) => number;
  #lastRelayId: string | undefined;
  #relayChangedAt = 0;
  /** A catch-up notice just shown: the history lines it announces go below it, not above by their time. */
  #announcing: { w: Window; entry: Entry } | undefined;
  // --- conversation (issue 17) ---
  /** Each room's topic as last told (the title bar shows the current room's). */
  readonly topics = new Map<string, string>();
  /** Who is typing where, until when. */
  typers: Typers = new Map();

  /** The private window shown, instead of the current room's. */
  #focus: string | undefined;
  readonly #lastRead: (window: string) => number | undefined;

  constructor(
    snapshot: SessionSnapshot,
    options: { scrollback?: number; rowsOf?: (entry: Entry) => number; lastRead?: (window: string) => number | undefined } = {},
  ) {
    this.#limit = options.scrollback ?? SCROLLBACK_LIMIT;
    this.#lastRead = options.lastRead ?? (() => undefined);
    this.#rowsOf = options.rowsOf ?? (() => 1);
    this.snapshot = snapshot;
    this.sync(snapshot);
  }

  get currentName(): string {
    return this.#focus ?? this.snapshot.currentRoom ?? NO_ROOM;
  }

  /** The nick of the private window shown, if one is. */
  get currentPrivate(): string | undefined {
    return this.#focus;
  }

  /** Shows the private window of `nick` (an open conversation), or the current room's with undefined. */
  focus(nick: string | undefined): void {
    this.#focus = nick === undefined ? undefined : findConversation(nick, this.snapshot.conversations);
    this.sync(this.snapshot);
  }

  /**
   * Its user leaves the current window (switching, quitting): its marker moves to its newest line.
   * Returns what to tell the session (markRead), if the window has lines.
   */
  leave(): { window: string; ts: number } | undefined {
    const w = this.current;
    const ts = newestTime(w.entries);
    if (ts === undefined || w.name === NO_ROOM) return undefined;
    w.marker = ts;
    return { window: w.name, ts };
  }

  /** Stored lines of a window not shown (another room at start, a private window as it opens); unread counted from its marker (one never read keeps the live count). */
  restore(name: string, views: readonly MessageView[]): void {
    this.addOlder(name, views);
    const w = this.windows.get(name);
    if (w !== undefined && w !== this.current && (w.private !== true || w.marker !== undefined)) w.unread = unreadAfter(w.entries, w.marker);
  }

  get current(): Window {
    return this.#window(this.currentName);
  }

  /** The windows in the order the room indicator numbers them (Alt+1 is the first). */
  get order(): Window[] {
    const names = [...this.snapshot.rooms];
    if (this.snapshot.currentRoom === undefined) names.unshift(NO_ROOM);
    names.push(...this.snapshot.conversations);
    return names.map((n) => this.#window(n));
  }

  /** Takes in the session's current facts: rooms joined or left, the current room (whose unread count is reset). */
  sync(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    if (this.#focus !== undefined) this.#focus = findConversation(this.#focus, snapshot.conversations);
    const keep = new Set([...snapshot.rooms, ...snapshot.conversations, this.currentName]);
    for (const name of this.windows.keys()) {
      // A parted room's scrollback goes with it; the no-room window keeps what was said there.
      if (!keep.has(name) && name !== NO_ROOM) this.windows.delete(name);
    }
    for (const name of keep) this.#window(name);
    const current = this.current;
    current.unread = 0;
    current.mentioned = false;
  }

  apply(event: UiEvent): ApplyResult {
    const announcing = this.#announcing;
    this.#announcing = undefined;
    switch (event.event) {
      case 'message':
        this.#announcing = event.history ? announcing : undefined;
        // The UI knows a typer by nick (the --json typing event carries no node id).
        if (!event.history) this.typers = typingDone(this.typers, sanitize(event.from), event.to !== null ? null : event.room);
        return this.#message(event);
      // --- conversation (issue 17) ---
      case 'typing':
        this.typers = typingSeen(this.typers, { nick: sanitize(event.nick), fromId: sanitize(event.nick), room: event.room }, Date.now());
        return { bell: false };
      case 'topic':
        this.topics.set(event.room, sanitize(event.topic));
        this.#info(event, this.windows.get(event.room) ?? this.current);
        return { bell: false };
      case 'notice':
        if (event.code === 'LOOKING') this.connection = 'looking for peers…';
        else if (event.code === 'RELAY_LOST') this.connection = 'relay lost; electing another…';
        else if (event.code === 'HANDING_OVER') this.connection = 'handing the relay over…';
        if (event.code === 'CAUGHT_UP') {
          const w = this.current;
          this.#info(event, w);
          const entry = w.entries.at(-1);
          if (entry !== undefined) this.#announcing = { w, entry };
          return { bell: false };
        }
        break;
      case 'connection':
        this.connection = event.state === 'connected' ? 'connected' : `disconnected; ${retryWords(event.retryInMs)}`;
        break;
      case 'role': {
        const shown = this.#lastRelayId !== undefined;
        const changed = shown && this.#lastRelayId !== event.relay.id;
        this.#lastRelayId = event.relay.id;
        if (changed) {
          this.connection = `relay changed to ${event.relay.nick}`;
          this.#relayChangedAt = Date.now();
        }
        // A later relay is told by its RELAY_CHANGED notice, in one line, and in the title.
        if (shown) return { bell: false };
        break;
      }
      case 'presence':
        if (event.room !== null && this.windows.has(event.room)) {
          this.#info(event, this.#window(event.room));
          return { bell: false };
        }
        break;
      case 'delivered':
        markDelivered(this.windows.values(), event.id);
        return { bell: false };
      case 'query': // the full screen's own words: the conversation is a window here
        this.note(queryText(event.nick, true));
        return { bell: false };
      case 'quit':
        return { bell: false };
      default:
        break;
    }
    this.#info(event, this.current);
    return { bell: false };
  }

  /** The connection state as the title shows it at `now`: a relay change is news for a while, then "connected". */
  connectionText(now: number): string {
    if (this.connection.startsWith('relay changed to ') && now - this.#relayChangedAt >= RELAY_CHANGE_SHOWN_MS) return 'connected';
    return this.connection;
  }

  /** A line of the user interface's own (an answer to a key, a hint) in the current window. */
  note(text: string, kind: 'info' | 'error' = 'info', ts = Date.now()): void {
    this.#push(this.current, { kind, ts, text: sanitize(text), mention: false });
  }

  /**
   * The answer to /history: the stored lines again, under a line that says what they are, in the room's
   * window (they may be there already: these are a copy to read, not the window's own lines).
   */
  showHistory(room: string, views: readonly MessageView[]): void {
    const w = this.windows.get(room) ?? this.current;
    const head = views.length === 0 ? `no stored messages in ${room}` : `the last ${views.length} stored message${views.length === 1 ? '' : 's'} of ${room}:`;
    this.#push(w, { kind: 'info', ts: Date.now(), text: sanitize(head), mention: false });
    for (const view of views) {
      const { id: _id, fromId: _fromId, ...copy } = entryOf(view, this.snapshot.nick);
      this.#push(w, { ...copy, mention: false });
    }
  }

  /** Scrolls the current window by `rows` (positive: back in time), within what is held. */
  scrollBy(rows: number, maxScroll: number): void {
    const w = this.current;
    w.scroll = Math.max(0, Math.min(maxScroll, w.scroll + rows));
  }

  /**
   * The current window wants older messages from the store: it is scrolled to its top, holds less than
   * the scrollback limit, and the store may have more. Marks it loading; `addOlder` finishes the load.
   */
  wantOlder(): { room: string; before: { id: string; fromId: string } | undefined } | undefined {
    const w = this.current;
    if (w.name === NO_ROOM || w.loading || w.exhausted || w.entries.length >= this.#limit) return undefined;
    const oldest = w.entries.find((e) => e.id !== undefined);
    w.loading = true;
    return { room: w.name, before: oldest === undefined ? undefined : { id: oldest.id!, fromId: oldest.fromId! } };
  }

  /** Loading older messages of `room` failed: scrolling up tries again (nothing says the store is done). */
  olderFailed(room: string): void {
    const w = this.windows.get(room);
    if (w !== undefined) w.loading = false;
  }

  /** Older messages of `room` from the store, oldest first: they go above what the window holds. */
  addOlder(room: string, views: readonly MessageView[]): void {
    const w = this.windows.get(room);
    if (w === undefined) return;
    w.loading = false;
    const fresh = views.filter((v) => !w.ids.has(v.id)).map((v) => entryOf(v, this.snapshot.nick));
    if (fresh.length === 0) {
      w.exhausted = true;
      return;
    }
    const space = this.#limit - w.entries.length;
    const kept = fresh.slice(Math.max(0, fresh.length - space));
    for (const e of kept) w.ids.add(e.id!);
    w.entries.unshift(...kept);
  }

  #message(view: MessageView): ApplyResult {
    const entry = entryOf(view, this.snapshot.nick);
    const conversation = conversationOf(view, this.snapshot.conversations);
    const target =
      conversation !== undefined ? this.#window(conversation) : view.room !== null && this.windows.has(view.room) ? this.#window(view.room) : this.current;
    if (target.ids.has(view.id)) return { bell: false };
    if (view.history) {
      this.#insertByTime(target, entry);
      // Lines that came while its user was away (a catch-up): unread, from the window's marker on.
      if (target !== this.current && (target.marker === undefined || entry.ts > target.marker) && countsAsUnread(entry)) {
        target.unread++;
        if (entry.mention) target.mentioned = true;
      }
      return { bell: false };
    }
    this.#push(target, entry);
    if (target !== this.current && !view.own) {
      target.unread++;
      if (entry.mention) target.mentioned = true;
    }
    return { bell: entry.mention };
  }

  #info(event: UiEvent, w: Window): void {
    const text = formatEvent(event, { rooms: this.snapshot.rooms });
    if (text === undefined) return;
    const kind = event.event === 'error' ? 'error' : 'info';
    // Line mode's "* " and "! " markers: the TUI marks these lines by style instead.
    for (const line of text.split('\n')) this.#push(w, { kind, ts: Date.now(), text: sanitize(line.replace(/^[*!] /, '')), mention: false });
  }

  #push(w: Window, entry: Entry): void {
    w.entries.push(entry);
    if (entry.id !== undefined) w.ids.add(entry.id);
    // Scrolled back, the user keeps reading the same lines while new ones arrive below.
    if (w.scroll > 0) w.scroll += this.#rowsOf(entry);
    this.#trim(w);
  }

  #insertByTime(w: Window, entry: Entry): void {
    let at = w.entries.length;
    while (at > 0 && w.entries[at - 1]!.ts > entry.ts) at--;
    w.entries.splice(at, 0, entry);
    const notice = this.#announcing;
    if (notice !== undefined && notice.w === w) {
      // The notice stands above the lines it announces.
      const from = w.entries.indexOf(notice.entry);
      if (from > at) {
        w.entries.splice(from, 1);
        w.entries.splice(at, 0, notice.entry);
      }
    }
    w.ids.add(entry.id!);
    this.#trim(w);
  }

  #trim(w: Window): void {
    if (w.entries.length <= this.#limit) return;
    for (const dropped of w.entries.splice(0, w.entries.length - this.#limit)) {
      if (dropped.id !== undefined) w.ids.delete(dropped.id);
    }
    w.exhausted = false; // what was dropped is still in the store
  }

  #window(name: string): Window {
    let w = this.windows.get(name);
    if (w === undefined) {
      const isPrivate = findConversation(name, this.snapshot.conversations) !== undefined && !name.startsWith('#');
      const marker = name === NO_ROOM ? undefined : this.#lastRead(name);
      w = { name, entries: [], ids: new Set(), unread: 0, mentioned: false, scroll: 0, exhausted: name === NO_ROOM || isPrivate, loading: false };
      if (marker !== undefined) w.marker = marker;
      if (isPrivate) w.private = true;
      this.windows.set(name, w);
    }
    return w;
  }
}

/** Who is typing in the current window at `now` (in a room window: that room; in none: private lines). */
export function typingNow(state: ChatState, now: number): string[] {
  const room = state.snapshot.currentRoom ?? null;
  return [...new Set([...typingIn(state.typers, room, now), ...typingIn(state.typers, null, now)])];
}

