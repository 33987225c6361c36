import type { MessageView, RelayInfo, TopicView } from '../chat/views.js';
import type { PersonView, Role } from '../session/chat-session.js';
import type { UiEvent } from '../ui/events.js';

/**
 * What the node and a browser tab say to each other over the tab's one WebSocket, as JSON: types only, shared
 * by the server (src/web/) and the page (src/web/client/). The node sends a snapshot, then deltas: every
 * session event as the UiEvent the terminal faces show and --json prints (ui/events.ts), so a new event
 * kind reaches the page with no change here; the page shows an event it does not know by its text.
 */

/** What a tab reads of the session, sent whole whenever something other than a message changed. */
export interface StateView {
  nodeId: string;
  nick: string;
  network: string;
  secret: boolean;
  role: Role;
  relay: RelayInfo | null;
  connected: boolean;
  rooms: readonly string[];
  current: string | null;
  people: PersonView[];
  /** This user is away (manually, or after --away-after minutes without input). */
  away: { reason: string; auto: boolean } | null;
  /** The open private conversations, as the session keeps them (nicks, in the order opened). */
  conversations: readonly string[];
}

/** Whether lines notify (false: --no-notify), and the words that count as mentions besides the nick (--highlight). */
export interface NotifySettings {
  enabled: boolean;
  highlights: readonly string[];
}

/** What the page calls a conversation: a room (`#dev`), or `@` and a nick in lower case (`@bob`). */
export type ConvoKey = string;

/** A private conversation's key: `@` and the nick in lower case (nicks compare so); the node and the page alike. */
export function privateKey(nick: string): ConvoKey {
  return `@${nick.toLowerCase()}`;
}

/** A cursor into the store: the message a page of older history ends before. */
export type Cursor = Pick<MessageView, 'id' | 'fromId'>;

/** The recent history of a conversation (`room`: a ConvoKey); a private one's `resume` goes on reading it. */
export interface RoomHistory {
  room: string;
  messages: MessageView[];
  resume?: Cursor;
}

export type ServerMessage =
  /** First, on every (re)connect: the state, each room's recent history, the command names for completion. */
  | {
      t: 'snapshot';
      state: StateView;
      history: RoomHistory[];
      commands: string[];
      /** Each joined room's topic, where one is stored. */
      topics: TopicView[];
      /** How far each conversation was read (the session's read markers: ms, the newest line seen). */
      read: Record<ConvoKey, number>;
      /** Notifications as the node runs them (--no-notify, --highlight WORD,…). */
      notify: NotifySettings;
    }
  | { t: 'state'; state: StateView }
  /** `line`: the event as line mode words it (ui/line-format.ts), for the page to show; absent for chat lines and events line mode does not show. */
  | { t: 'event'; event: UiEvent; line?: string }
  /**
   * The answer to an `older` request (same id), oldest first; `end`: the conversation's start. A private
   * conversation's page may hold fewer than asked and not be the end: `resume` is where the next goes on.
   */
  | { t: 'older'; id: number; room: string; messages: MessageView[]; end: boolean; resume?: Cursor }
  /** A tab of this node read conversation `key` (a room, or `@nick`) up to `ts`: its unread count goes here too. */
  | { t: 'read'; key: ConvoKey; ts: number };

export type ClientMessage =
  /** A line to `room` (the tab's room: made the session's current room first), or to the current room. */
  | { t: 'say'; room?: string; text: string }
  | { t: 'whisper'; nick: string; text: string }
  | { t: 'join'; room: string }
  | { t: 'part'; room?: string }
  /** A line as typed (`/who`, `/nick bob`…): parsed and run as the terminal runs it (ui/input.ts, session/dispatch.ts). */
  /** `nick`: typed in the private conversation with them (plain lines and /me go to them, /close closes it). */
  | { t: 'command'; room?: string; nick?: string; line: string }
  /** A page of conversation `room`'s history (a room, or `@nick`) before `before` (the newest when absent). */
  | { t: 'older'; id: number; room: string; before?: Cursor }
  /** This tab showed conversation `key` to its reader, up to the line of time `ts`: kept, and the node's other tabs are told. */
  | { t: 'read'; key: ConvoKey; ts: number }
  /** The reader is typing a line to `room`, or privately to `nick` (the page sends it at most every 3 s). */
  | { t: 'typing'; room?: string; nick?: string };

/** The WebSocket's path on the node's web server. */
export const SOCKET_PATH = '/ws';
