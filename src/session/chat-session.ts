import type { AwayView, MessageView, Notice, PresenceView, Problem, RelayInfo, TopicView, TypingView, WhoisView } from '../chat/views.js';

/**
 * The one interface every face (full-screen UI, line mode, --json, and next the browser and the IRC
 * gateway) uses to chat: a stream of events that are data only (codes and fields, never sentences: each
 * face words them, see ui/words.ts), the commands a user can give, and the state a face reads. A face
 * never sees the node, the member or the relay behind it.
 */
export interface ChatSession {
  // --- what a face reads: as it is at the moment read (read again after an event) ---
  /** This node's id, hex. */
  readonly nodeId: string;
  readonly nick: string;
  readonly network: string;
  /** The network has a room secret (every link TLS); false: it is open. */
  readonly secret: boolean;
  readonly role: Role;
  /** The relay this node is attached to (itself when it relays), once known. */
  readonly relay: RelayInfo | undefined;
  /** The rooms this user is in, in the order joined. */
  readonly rooms: readonly string[];
  /** Where a plain line goes; undefined when the user is in no room. */
  readonly currentRoom: string | undefined;
  readonly connected: boolean;
  /** Everyone online as the relay's roster has it, this user included. */
  people(): PersonView[];
  /**
   * Tells the session where its browser UI is served (lanchat --web), for `lanchat open` to ask the running
   * node over its data folder's control socket. Absent where the session has no data folder to answer on.
   */
  offerWeb?(url: string): void;
  /** The lines typed, kept across restarts (the data folder's); absent where nothing is kept. */
  readonly inputHistory?: InputMemory;

  // --- events ---
  /**
   * Calls `listener` with every event from now on, until the returned function is called (safe to call
   * twice). Several faces may listen at once; each subscription is its own, even for the same function.
   * While an event is handed out, a face that unsubscribes gets nothing more, not even that event, and one
   * that subscribes gets the events after it. A face that throws does not keep the event from the others.
   */
  subscribe(listener: (event: SessionEvent) => void): () => void;

  // --- the session's life ---
  /**
   * Starts chatting: a `ready` event, the recent history of the current room, then finding a relay.
   * Faces subscribe before; a second call does nothing, so every face may call it.
   */
  run(): void;
  /** Leaves cleanly (the others are told); safe to call twice. Problems met on the way still come as events. */
  stop(): Promise<void>;

  // --- commands: a refusal is returned to the face that gave the command, and to no other ---
  /** A line to the current room. */
  say(text: string): Refusal | undefined;
  /** A private line to the person called `nick`. */
  whisper(nick: string, text: string): Refusal | undefined;
  /** Joins `room` (created on first join) and makes it current; also switches to a room already joined. */
  join(room: string): Refusal | undefined;
  /** Leaves `room`, or the current room. */
  part(room?: string): Refusal | undefined;
  /** Asks for a new nick: the relay confirms it (a `presence` event) or refuses it (a `problem` event). */
  setNick(nick: string): Refusal | undefined;
  /** Who is in `room` (a room's name as the session gives it: `#dev`, not `Dev`; session/dispatch.ts normalizes typed names). */
  who(room: string): WhoAnswer;
  /** Every room with people in it, and whether this user is in it, sorted by name. */
  roomList(): RoomEntry[];
  /** The last `count` stored messages of `room`, oldest first, marked `history`. */
  history(room: string, count: number): Promise<MessageView[]>;
  /** Stored messages of `room` shown before `before` (the newest when undefined), at most `count`, oldest first: scroll-back. */
  older(room: string, count: number, before?: Pick<MessageView, 'id' | 'fromId'>): Promise<MessageView[]>;
  /**
   * The stored private lines between this user and `nick` that this node can read, before `before` (the
   * newest when undefined), at most `count`, oldest first, marked `history`: a private conversation's
   * scroll-back. Each call reads a bounded share of the private lines held (DEFAULT_LIMITS.privateScanMessages),
   * so it may answer fewer than `count` with a `resume` to go on from; `resume` undefined: the start was reached.
   */
  privateHistory(nick: string, count: number, before?: Pick<MessageView, 'id' | 'fromId'>): Promise<PrivatePage>;

  // --- conversation (issue 17): actions, topics, away, typing, whois, ignore ---
  /**
   * "/me TEXT" to the current room, or privately to the person called `nick`: a line shown `* nick TEXT`
   * (MessageView.action; a private one sealed with its text, see chat/private-action.ts).
   */
  act(text: string, nick?: string): Refusal | undefined;
  /** Sets the topic of `room` (the current one when undefined); a `topic` event follows on every node. */
  setTopic(room: string | undefined, text: string): Refusal | undefined;
  /** The topic of `room` (a room's name as the session gives it) as this node holds it. */
  topic(room: string): Promise<TopicView | undefined>;
  /** Away with `reason`, or back (undefined or blank): a `presence` event (away/back) follows. */
  setAway(reason?: string): Refusal | undefined;
  /** This user is away: manually (`auto` false) or after --away-after minutes without input. */
  readonly away: { reason: string; auto: boolean } | undefined;
  /**
   * The user typed a key in the input line (for the current room, or for a private line to `nick`): tells
   * the others at most every 3 s (unless --no-typing), and counts as input against automatic away.
   */
  typing(target?: { room: string } | { nick: string }): void;
  /** Asks who `nick` is: a `whois` event follows, for every face. */
  whois(nick: string): Refusal | undefined;
  /** Ignores `nick` by node id (online, or seen before): their lines and typing are not shown. Kept in the data folder. */
  ignore(nick: string): Refusal | undefined;
  unignore(nick: string): Refusal | undefined;
  /** Who is ignored, oldest first. */
  ignored(): { nick: string; nodeId: string }[];
  // --- search, private conversations, read markers (issue 17: 6, 8, 10, 11) ---
  /**
   * Stored messages whose text holds `text`, case-insensitively (of `room`, or of everything, the private
   * messages this user can read included), newest first, marked `history`; at most DEFAULT_LIMITS.searchResults.
   */
  search(text: string, room?: string): Promise<MessageView[]>;
  /**
   * The open private conversations (nicks as typed or as their lines came), in the order opened, kept across
   * restarts; a face shows each as a window. A private line from someone (live, or caught up) opens one with them.
   */
  readonly conversations: readonly string[];
  /** Opens a private conversation with `nick` (refused for an invalid nick, or this user's own). */
  openConversation(nick: string): Refusal | undefined;
  /** Closes the private conversation with `nick`; false when none was open. */
  closeConversation(nick: string): boolean;
  /** The time of the newest line of `window` (a room, or a conversation's nick) its user has seen; kept across restarts. */
  lastRead(window: string): number | undefined;
  /** Its user has seen the lines of `window` up to `ts` (a marker never moves back). */
  markRead(window: string, ts: number): void;
}

export type Role = 'relay' | 'member' | 'electing';

/** A page of a private conversation's history (ChatSession.privateHistory). */
export interface PrivatePage {
  messages: MessageView[];
  resume: Pick<MessageView, 'id' | 'fromId'> | undefined;
}

/** The input history a face offers with Up, as the session keeps it. */
export interface InputMemory {
  /** Oldest first. */
  readonly lines: readonly string[];
  /** A line the user typed (blank lines and a repeat of the last one are not kept). */
  add(line: string): void;
}

/** One person online. */
export interface PersonView {
  nodeId: string;
  nick: string;
  rooms: readonly string[];
  /** Set while they are away (issue 17). */
  away?: AwayView;
}

export interface RoomEntry {
  room: string;
  people: number;
  /** This user is in it. */
  joined: boolean;
}

export interface WhoAnswer {
  room: string;
  /** Sorted case-insensitively. */
  nicks: string[];
  /** Those of `nicks` who are away (issue 17); absent when nobody is. */
  away?: string[];
}

/** A notice as the session hands it to the faces. */
export interface NoticeReport {
  notice: Notice;
}

/** A problem as the session hands it to the faces: an event, or a command's refusal. */
export interface ProblemReport {
  problem: Problem;
}

/** A command refused at once (bad input, nobody of that nick, no room), for the face that gave it. */
export type Refusal = ProblemReport;

export type SessionEvent =
  /** Once, when the node listens: who this node is. */
  | { type: 'ready'; node: string; nick: string; port: number; secret: boolean; network: string }
  /** Whenever this node's role or its relay changes. */
  | { type: 'role'; role: 'relay' | 'member'; relay: RelayInfo }
  | { type: 'connection'; state: 'connected' }
  /** `reason`: what the connection's end was (a lower layer's words, shown after the face's own). */
  | { type: 'connection'; state: 'disconnected'; reason: string; retryInMs: number }
  | { type: 'message'; message: MessageView }
  /** An own line shown `pending` (its message's `pending`) is held by a relay now: `id` is that message's id. */
  | { type: 'delivered'; id: string }
  | { type: 'presence'; presence: PresenceView }
  | ({ type: 'notice' } & NoticeReport)
  /** Something that went wrong that no command of a face asked for at that moment (those are returned). */
  | ({ type: 'problem' } & ProblemReport)
  // --- conversation (issue 17) ---
  /** A room's topic: when it changes, and after each join of a room that has one. */
  | { type: 'topic'; topic: TopicView }
  /** Someone is typing (shown until 6 s later, or until their line comes). */
  | { type: 'typing'; typing: TypingView }
  /** The answer to a whois. */
  | { type: 'whois'; whois: WhoisView };

export type SessionEventType = SessionEvent['type'];
