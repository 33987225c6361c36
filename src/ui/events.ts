import type { MessageView, NoticeCode, PresenceView, RelayInfo, TopicView, WhoisView } from '../chat/views.js';
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
  | { event: 'who'; room: string; nicks: string[]; away?: string[] }
  | { event: 'rooms'; rooms: RoomEntry[] }
  | { event: 'help'; commands: HelpLine[]; aliases: HelpLine[]; keys?: HelpLine[] }
  | { event: 'quit' }
  // --- conversation (issue 17) ---
  | { event: 'topic'; room: string; topic: string; by: string; ts: number }
  | { event: 'typing'; nick: string; room: string | null }
  | WhoisEvent
  | { event: 'ignored'; people: { nick: string; node: string }[] }
  /** The answer to /search: the matches, newest first, each with a `message` event's fields. */
  | { event: 'search'; query: string; room: string | null; results: MessageView[] }
  /** The answers to /query and /close of a private conversation. */
  | { event: 'query'; nick: string }
  | { event: 'closed'; nick: string };

/** The --json shape of a whois answer. */
export interface WhoisEvent {
  event: 'whois';
  nick: string;
  node: string;
  fingerprint: string | null;
  address: string | null;
  addresses: string[];
  port: number;
  onlineSince: number;
  idleMs: number | null;
  away: boolean;
  reason?: string;
  awaySince?: number;
  rooms: string[];
}

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
    case 'topic':
      return topicEvent(event.topic);
    case 'typing':
      return { event: 'typing', nick: event.typing.nick, room: event.typing.room };
    case 'whois':
      return whoisEvent(event.whois);
  }
}

export function topicEvent(topic: TopicView): UiEvent {
  return { event: 'topic', room: topic.room, topic: topic.topic, by: topic.by, ts: topic.ts };
}

function whoisEvent(w: WhoisView): WhoisEvent {
  return {
    event: 'whois',
    nick: w.nick,
    node: w.nodeId,
    fingerprint: w.fingerprint,
    address: w.addresses[0] ?? null,
    addresses: w.addresses,
    port: w.port,
    onlineSince: w.onlineSince,
    idleMs: w.idleMs,
    away: w.away !== null,
    ...(w.away === null ? {} : { reason: w.away.reason, awaySince: w.away.since }),
    rooms: w.rooms,
  };
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
