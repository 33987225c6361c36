import type { MessageView, NoticeCode, PresenceView, RelayInfo } from '../chat/views.js';
import type { ProblemReport, RoomEntry, SessionEvent } from '../session/chat-session.js';
import type { CommandName } from '../session/dispatch.js';
import { noticeSentence, problemSentence } from './words.js';

/**
 * Everything the terminal faces show, worded: session events and the answers to the user's own commands.
 * Each is also one line of --json output, exactly as written (README's table): build them here only, so
 * that their fields keep their order.
 */
export type UiEvent =
  | { event: 'ready'; node: string; nick: string; port: number; secret: boolean; network: string }
  | { event: 'role'; role: 'relay' | 'member'; relay: RelayInfo }
  | { event: 'connection'; state: 'connected' }
  | { event: 'connection'; state: 'disconnected'; reason: string; retryInMs: number }
  | ({ event: 'message' } & MessageView)
  | { event: 'delivered'; id: string }
  | ({ event: 'presence' } & PresenceView)
  | { event: 'error'; code: string; message: string; suggestion?: string }
  | { event: 'notice'; code: NoticeCode; text: string }
  | { event: 'who'; room: string; nicks: string[] }
  | { event: 'rooms'; rooms: RoomEntry[] }
  | { event: 'help'; commands: HelpLine[]; aliases: HelpLine[]; keys?: HelpLine[] }
  | { event: 'quit' }
  /** The answer to /search: the matches, newest first, each with a `message` event's fields. */
  | { event: 'search'; query: string; room: string | null; results: MessageView[] }
  /** The answers to /query and /close of a private conversation. */
  | { event: 'query'; nick: string }
  | { event: 'closed'; nick: string };

/** One line of /help: a command, an alias or a key, and what it does. */
export interface HelpLine {
  usage: string;
  summary: string;
}

export function uiEvent(event: SessionEvent): UiEvent {
  switch (event.type) {
    case 'ready':
      return { event: 'ready', node: event.node, nick: event.nick, port: event.port, secret: event.secret, network: event.network };
    case 'role':
      return { event: 'role', role: event.role, relay: event.relay };
    case 'connection':
      return event.state === 'connected'
        ? { event: 'connection', state: 'connected' }
        : { event: 'connection', state: 'disconnected', reason: event.reason, retryInMs: event.retryInMs };
    case 'message':
      return messageEvent(event.message);
    case 'delivered':
      return { event: 'delivered', id: event.id };
    case 'presence':
      return { event: 'presence', ...event.presence };
    case 'notice':
      return { event: 'notice', code: event.notice.code, text: noticeSentence(event) };
    case 'problem':
      return errorEvent(event);
  }
}

export function messageEvent(message: MessageView): UiEvent {
  return { event: 'message', ...message };
}

/** A problem as an `error` event; `command`: the command it refuses, if any. */
export function errorEvent(report: ProblemReport, command?: CommandName): UiEvent {
  const { problem } = report;
  const suggestion = 'remote' in problem ? problem.remote.suggestion : undefined;
  return { event: 'error', code: problem.code, message: problemSentence(report, command), ...(suggestion === undefined ? {} : { suggestion }) };
}
