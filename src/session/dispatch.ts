import { normalizeRoom } from '../chat/names.js';
import type { MessageView, TopicView } from '../chat/views.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import type { ChatSession, Refusal, RoomEntry, WhoAnswer } from './chat-session.js';

/**
 * What a user can ask of a session, whatever the face: ui/input.ts parses the terminal's slash commands
 * into these; a browser or an IRC gateway builds them from its own input. Rooms and nicks are as typed.
 */
export type Command =
  | { kind: 'say'; text: string }
  | { kind: 'msg'; nick: string; text: string }
  | { kind: 'join'; room: string }
  | { kind: 'part'; room?: string }
  | { kind: 'nick'; nick: string }
  | { kind: 'who'; room?: string }
  | { kind: 'rooms' }
  | { kind: 'history'; room?: string; count: number }
  | { kind: 'help' }
  | { kind: 'quit' }
  // --- conversation (issue 17) ---
  /** With a nick: a private action to that person (a private window's /me). */
  | { kind: 'me'; text: string; nick?: string }
  /** Without a reason: back. */
  | { kind: 'away'; reason?: string }
  | { kind: 'back' }
  /** Without text: show the topic; without a room: the current one. */
  | { kind: 'topic'; room?: string; text?: string }
  | { kind: 'whois'; nick: string }
  /** Without a nick: the list. */
  | { kind: 'ignore'; nick?: string }
  | { kind: 'unignore'; nick: string }
  /** The user is typing (a face sends it by itself; scripts and gateways by this). */
  | { kind: 'typing'; room?: string; nick?: string }
  // issue 17: search, private conversations
  | { kind: 'search'; text: string; room?: string }
  /** Opens a private conversation with `nick`, and says `text` in it if given. */
  | { kind: 'query'; nick: string; text?: string }
  /** Closes a private conversation (a nick) or leaves a room (a room's name; the current room when none). */
  | { kind: 'close'; name?: string };

export type CommandName = Command['kind'];

/** What a command comes to, for the face that gave it: data, worded by that face. */
export type Answer =
  /** The session acts; what follows comes as events. */
  | { kind: 'done' }
  /** The user leaves: the face ends, and whoever started the session stops it. */
  | { kind: 'quit' }
  /** The face lists its commands (their words and syntax are the face's own). */
  | { kind: 'help' }
  | ({ kind: 'who' } & WhoAnswer)
  | { kind: 'rooms'; rooms: RoomEntry[] }
  /** Stored messages, oldest first, for this face alone. */
  | { kind: 'history'; room: string; messages: Promise<MessageView[]> }
  /** A room's topic as this node holds it (undefined: none), for this face alone. */
  | { kind: 'topic'; room: string; topic: Promise<TopicView | undefined> }
  | { kind: 'ignored'; people: { nick: string; nodeId: string }[] }
  /** Stored messages that hold `query`, newest first, for this face alone. */
  | { kind: 'search'; query: string; room: string | null; results: Promise<MessageView[]> }
  /** A private conversation opened: a face with windows shows it. */
  | { kind: 'query'; nick: string }
  /** A private conversation closed. */
  | { kind: 'closed'; name: string }
  /** Refused at once. `command` lets the face word the problem for what its user did. */
  | ({ kind: 'refused'; command: CommandName } & Refusal);

/** One command to the session, or answered from its state: the same for every face. */
export function dispatch(session: ChatSession, command: Command): Answer {
  switch (command.kind) {
    case 'say':
      return done(command.kind, session.say(command.text));
    case 'msg':
      return done(command.kind, session.whisper(command.nick, command.text));
    case 'join':
      return done(command.kind, session.join(command.room));
    case 'part':
      return done(command.kind, session.part(command.room));
    case 'nick':
      return done(command.kind, session.setNick(command.nick));
    case 'who': {
      const room = command.room === undefined ? session.currentRoom : normalizeRoom(command.room);
      if (room !== undefined) return { kind: 'who', ...session.who(room) };
      const problem = command.room === undefined ? { code: 'NOT_IN_ROOM' as const, room: null } : { code: 'ROOM_INVALID' as const, room: command.room };
      return { kind: 'refused', command: command.kind, problem };
    }
    case 'rooms':
      return { kind: 'rooms', rooms: session.roomList() };
    case 'history': {
      const room = command.room === undefined ? session.currentRoom : normalizeRoom(command.room);
      if (room !== undefined) return { kind: 'history', room, messages: session.history(room, command.count) };
      // In no room, the --json output has always said ROOM_INVALID for the room "" (README: stable).
      return { kind: 'refused', command: command.kind, problem: { code: 'ROOM_INVALID', room: command.room ?? '' } };
    }
    case 'help':
    case 'quit':
      return { kind: command.kind };
    case 'search':
      return search(session, command);
    case 'query': {
      const refusal = session.openConversation(command.nick);
      if (refusal !== undefined) return { kind: 'refused', command: 'query', ...refusal };
      const said = command.text === undefined ? undefined : session.whisper(command.nick, command.text);
      return said === undefined ? { kind: 'query', nick: command.nick } : { kind: 'refused', command: 'msg', ...said };
    }
    case 'close': {
      const name = command.name;
      if (name === undefined || name.startsWith('#')) return done('part', session.part(name));
      if (session.closeConversation(name)) return { kind: 'closed', name };
      return { kind: 'refused', command: 'close', problem: { code: 'NOT_IN_ROOM', room: name } };
    }
    default:
      return talk(session, command);
  }
}

/** The conversation's commands (issue 17). */
function talk(session: ChatSession, command: Extract<Command, { kind: 'me' | 'away' | 'back' | 'topic' | 'whois' | 'ignore' | 'unignore' | 'typing' }>): Answer {
  switch (command.kind) {
    case 'me':
      return done(command.kind, session.act(command.text, command.nick));
    case 'away':
      return done(command.kind, session.setAway(command.reason));
    case 'back':
      return done(command.kind, session.setAway());
    case 'topic': {
      if (command.text !== undefined) return done(command.kind, session.setTopic(command.room, command.text));
      const room = command.room === undefined ? session.currentRoom : normalizeRoom(command.room);
      if (room !== undefined) return { kind: 'topic', room, topic: session.topic(room) };
      const problem = command.room === undefined ? { code: 'NOT_IN_ROOM' as const, room: null } : { code: 'ROOM_INVALID' as const, room: command.room };
      return { kind: 'refused', command: command.kind, problem };
    }
    case 'whois':
      return done(command.kind, session.whois(command.nick));
    case 'ignore':
      return command.nick === undefined ? { kind: 'ignored', people: session.ignored() } : done(command.kind, session.ignore(command.nick));
    case 'unignore':
      return done(command.kind, session.unignore(command.nick));
    case 'typing': {
      const room = command.room === undefined ? undefined : normalizeRoom(command.room);
      session.typing(room !== undefined ? { room } : command.nick !== undefined ? { nick: command.nick } : undefined);
      return { kind: 'done' };
    }
  }
}

function search(session: ChatSession, command: Extract<Command, { kind: 'search' }>): Answer {
  const maxChars = DEFAULT_LIMITS.searchChars;
  const query = command.text.trim();
  if (query === '' || [...query].length > maxChars) return { kind: 'refused', command: 'search', problem: { code: 'SEARCH_INVALID', maxChars } };
  if (command.room === undefined) return { kind: 'search', query, room: null, results: session.search(query) };
  const room = normalizeRoom(command.room);
  if (room === undefined) return { kind: 'refused', command: 'search', problem: { code: 'ROOM_INVALID', room: command.room } };
  return { kind: 'search', query, room, results: session.search(query, room) };
}

function done(command: CommandName, refusal: Refusal | undefined): Answer {
  return refusal === undefined ? { kind: 'done' } : { kind: 'refused', command, ...refusal };
}
