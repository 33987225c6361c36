import type { MessageView, RelayInfo } from '../chat/views.js';
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
}

export interface RoomHistory {
  room: string;
  messages: MessageView[];
}

export type ServerMessage =
  /** First, on every (re)connect: the state, each room's recent history, the command names for completion. */
  | { t: 'snapshot'; state: StateView; history: RoomHistory[]; commands: string[] }
  | { t: 'state'; state: StateView }
  /** `line`: the event as line mode words it (ui/line-format.ts), for the page to show; absent for chat lines and events line mode does not show. */
  | { t: 'event'; event: UiEvent; line?: string }
  /** The answer to an `older` request (same id), oldest first; fewer than asked: the room's start. */
  | { t: 'older'; id: number; room: string; messages: MessageView[]; end: boolean }
  /** Another tab of this node read conversation `key` (a room, or `@nick`): its unread count goes here too. */
  | { t: 'read'; key: string };

export type ClientMessage =
  /** A line to `room` (the tab's room: made the session's current room first), or to the current room. */
  | { t: 'say'; room?: string; text: string }
  | { t: 'whisper'; nick: string; text: string }
  | { t: 'join'; room: string }
  | { t: 'part'; room?: string }
  /** A line as typed (`/who`, `/nick bob`…): parsed and run as the terminal runs it (ui/input.ts, session/dispatch.ts). */
  | { t: 'command'; room?: string; line: string }
  /** A page of `room`'s history before `before` (the newest when absent). */
  | { t: 'older'; id: number; room: string; before?: { id: string; fromId: string } }
  /** This tab showed conversation `key` to its reader: the node's other tabs are told. */
  | { t: 'read'; key: string };

/** The WebSocket's path on the node's web server. */
export const SOCKET_PATH = '/ws';
