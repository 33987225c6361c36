import type { MessageView, RelayInfo, TopicView } from '../chat/views.js';
import { LanchatNode, type NodeOptions } from '../node/node.js';
import type { ChatSession, InputMemory, PersonView, PrivatePage, Refusal, Role, RoomEntry, SessionEvent, WhoAnswer } from './chat-session.js';
import { Remembered } from './remembered.js';
import { Conversation } from './conversation.js';
import { IgnoreList } from './ignore-list.js';
import { WindowMemory } from './window-memory.js';
import { nickKey, nickRule } from '../chat/names.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/** What starting a session takes: the command line's choices, checked (cli/options.ts); the node's tuning stays its own. */
export type SessionOptions = Pick<NodeOptions, 'nick' | 'network' | 'dataDir' | 'host' | 'connect' | 'port' | 'discovery' | 'secret'> & TalkOptions;

/** Conversation options (issue 17): --away-after MINUTES (0: never; default 10) and --no-typing. */
export interface TalkOptions {
  awayAfterMinutes?: number;
  typing?: boolean;
}

/** Minutes without input before a user is away by itself, unless --away-after says otherwise. */
export const DEFAULT_AWAY_AFTER_MINUTES = 10;

/** Opens the data folder, the store and the listener; the session chats once a face calls `run()`. */
export async function startSession(options: SessionOptions): Promise<ChatSession> {
  // The rooms of the last run, and its current room: a restart puts the user back where they were.
  const remembered = await Remembered.load(options.dataDir);
  const { rooms, current } = remembered.state;
  const ignoreList = await IgnoreList.load(options.dataDir);
  const windows = await WindowMemory.load(options.dataDir);
  const { awayAfterMinutes, typing, ...nodeOptions } = options;
  const node = await LanchatNode.start({ ...nodeOptions, ...(rooms.length === 0 ? {} : { rooms }) });
  if (current !== undefined) node.join(current);
  return new NodeSession(node, { remembered, windows, ignoreList, talk: { awayAfterMinutes, typing } });
}

interface Subscription {
  listener: (event: SessionEvent) => void;
}

export interface NodeSessionOptions {
  /**
   * Called with what a face's listener threw, after the other faces had the event. By default it is
   * thrown again on its own turn, as an uncaught error: a face's bug is not swallowed.
   */
  listenerError?: (err: unknown) => void;
  /** Where the rooms and the input history are kept across restarts. */
  remembered?: Remembered;
  /** Who this user ignores, kept in the data folder (issue 17). */
  ignoreList?: IgnoreList;
  talk?: TalkOptions;
  /** Where the private conversations and read markers are kept (default: in memory only). */
  windows?: WindowMemory;
}

function rethrow(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}

/**
 * The session over one LanchatNode: the only module above the node that knows it. Node events become
 * SessionEvents for every subscriber; a problem the node raises while carrying out a command of a face
 * is that command's refusal, returned to that face alone.
 */
export class NodeSession implements ChatSession {
  readonly #node: LanchatNode;
  readonly #listenerError: (err: unknown) => void;
  readonly #subscriptions = new Set<Subscription>();
  #running = false;
  /** Set while a command runs: the first problem the node raises meanwhile is its refusal. */
  #command: { refusal: Refusal | undefined } | undefined;
  readonly #remembered: Remembered | undefined;
  readonly inputHistory: InputMemory | undefined;
  readonly #talk: Conversation;
  readonly #windows: WindowMemory;

  constructor(node: LanchatNode, options: NodeSessionOptions = {}) {
    this.#node = node;
    this.#talk = new Conversation(node, {
      awayAfterMinutes: options.talk?.awayAfterMinutes ?? DEFAULT_AWAY_AFTER_MINUTES,
      sendTyping: options.talk?.typing ?? true,
      ignoreList: options.ignoreList,
      notice: (notice) => this.#emit({ type: 'notice', notice }),
    });
    this.#windows = options.windows ?? WindowMemory.inMemory();
    const remembered = options.remembered;
    this.#remembered = remembered;
    this.inputHistory =
      remembered === undefined ? undefined : { get lines() { return remembered.state.input; }, add: (line) => void remembered.addInput(line) };
    this.#listenerError = options.listenerError ?? rethrow;
    node.on('ready', (info) =>
      this.#emit({ type: 'ready', node: info.node, nick: info.nick, port: info.port, secret: info.secret, network: node.network }),
    );
    node.on('role', (info) => this.#emit({ type: 'role', role: info.role, relay: info.relay }));
    node.on('connection', (info) => this.#emit({ type: 'connection', ...info }));
    node.on('topic', (topic) => this.#emit({ type: 'topic', topic }));
    // Typing of those this user ignores reaches no face either.
    node.on('typing', (typing) => {
      if (!this.#talk.hides(typing.fromId)) this.#emit({ type: 'typing', typing });
    });
    node.on('whois', (whois) => this.#emit({ type: 'whois', whois }));
    node.on('message', (message) => {
      // Lines of those this user ignores (by node id) reach no face, and open no window.
      if (!message.own && this.#talk.hides(message.fromId)) return;
      // A private line to this user opens a conversation with its sender (the faces read it with the
      // event): live, or brought by a catch-up (sent while this user was away). The history shown on
      // start is of a room, never private.
      if (message.to !== null && !message.own) this.#windows.open(message.from);
      this.#emit({ type: 'message', message });
    });
    node.on('delivered', (id) => this.#emit({ type: 'delivered', id }));
    node.on('presence', (presence) => this.#emit({ type: 'presence', presence }));
    node.on('notice', (notice) => {
      // An empty store is not always a first start: a user who came, read nothing and left has one too.
      const first = notice.code === 'CAUGHT_UP' && notice.first && options.remembered?.existed === true;
      this.#emit({ type: 'notice', notice: first ? { ...notice, first: false } : notice });
    });
    node.on('problem', (data) => {
      const problem = { problem: data };
      // The member checks a command's input synchronously, inside the call (member.ts say, join...).
      if (this.#command !== undefined && this.#command.refusal === undefined) this.#command.refusal = problem;
      else this.#emit({ type: 'problem', ...problem });
    });
  }

  get nodeId(): string {
    return this.#node.identity.nodeIdHex;
  }

  get nick(): string {
    return this.#node.nick;
  }

  get network(): string {
    return this.#node.network;
  }

  get secret(): boolean {
    return this.#node.secret;
  }

  get role(): Role {
    return this.#node.role;
  }

  get relay(): RelayInfo | undefined {
    return this.#node.relay;
  }

  get rooms(): readonly string[] {
    return this.#node.rooms;
  }

  get currentRoom(): string | undefined {
    return this.#node.currentRoom;
  }

  get connected(): boolean {
    return this.#node.isConnected;
  }

  people(): PersonView[] {
    return this.#node.roster.peers().map((p) => ({ nodeId: p.nodeId, nick: p.nick, rooms: p.rooms, ...(p.away === undefined ? {} : { away: p.away }) }));
  }

  offerWeb(url: string): void {
    this.#node.webUrl = url;
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    const subscription = { listener };
    this.#subscriptions.add(subscription);
    return () => void this.#subscriptions.delete(subscription);
  }

  run(): void {
    if (this.#running) return;
    this.#running = true;
    this.#node.run();
    this.#talk.start();
  }

  async stop(): Promise<void> {
    this.#talk.stop();
    await this.#talk.saved();
    await this.#remember();
    await this.#windows.saved();
    await this.#node.stop();
  }

  say(text: string): Refusal | undefined {
    return this.#refusalOf(() => this.#node.say(text));
  }

  whisper(nick: string, text: string): Refusal | undefined {
    return this.#refusalOf(() => this.#node.whisper(nick, text));
  }

  join(room: string): Refusal | undefined {
    return this.#remembering(this.#refusalOf(() => this.#node.join(room)));
  }

  part(room?: string): Refusal | undefined {
    return this.#remembering(this.#refusalOf(() => this.#node.part(room)));
  }

  /** After a join or a part: the rooms as they are now, for the next start. */
  #remembering(refusal: Refusal | undefined): Refusal | undefined {
    if (refusal === undefined) void this.#remember();
    return refusal;
  }

  #remember(): Promise<void> {
    return this.#remembered?.update({ rooms: [...this.#node.rooms], current: this.#node.currentRoom }) ?? Promise.resolve();
  }

  setNick(nick: string): Refusal | undefined {
    return this.#refusalOf(() => this.#node.setNick(nick));
  }

  who(room: string): WhoAnswer {
    const nicks = this.#node.roster.inRoom(room);
    const away = this.people().filter((p) => p.away !== undefined && p.rooms.includes(room)).map((p) => p.nick);
    return { room, nicks, ...(away.length === 0 ? {} : { away: nicks.filter((n) => away.includes(n)) }) };
  }

  roomList(): RoomEntry[] {
    const joined = new Set(this.#node.rooms);
    return this.#node.roster.rooms().map((r) => ({ ...r, joined: joined.has(r.room) }));
  }

  history(room: string, count: number): Promise<MessageView[]> {
    return this.#node.olderMessages(room, count).then((views) => this.#talk.visible(views));
  }

  older(room: string, count: number, before?: Pick<MessageView, 'id' | 'fromId'>): Promise<MessageView[]> {
    return this.#node.olderMessages(room, count, before).then((views) => this.#talk.visible(views));
  }

  privateHistory(nick: string, count: number, before?: Pick<MessageView, 'id' | 'fromId'>): Promise<PrivatePage> {
    return this.#node.privateMessages(nick, count, before).then(({ messages, resume }) => ({ messages: this.#talk.visible(messages), resume }));
  }

  // --- conversation (issue 17): session/conversation.ts ---

  act(text: string, nick?: string): Refusal | undefined {
    return this.#refusalOf(() => (nick === undefined ? this.#node.talk.act(text) : this.#node.whisper(nick, text, { action: true })));
  }

  setTopic(room: string | undefined, text: string): Refusal | undefined {
    return this.#refusalOf(() => this.#node.talk.setTopic(room, text));
  }

  topic(room: string): Promise<TopicView | undefined> {
    return this.#node.talk.current(room);
  }

  setAway(reason?: string): Refusal | undefined {
    return this.#refusalOf(() => this.#talk.setAway(reason));
  }

  get away(): { reason: string; auto: boolean } | undefined {
    return this.#talk.away;
  }

  typing(target?: { room: string } | { nick: string }): void {
    this.#talk.typing(target);
  }

  whois(nick: string): Refusal | undefined {
    return this.#refusalOf(() => this.#node.talk.whois(nick));
  }

  ignore(nick: string): Refusal | undefined {
    const problem = this.#talk.ignore(nick);
    return problem === undefined ? undefined : { problem };
  }

  unignore(nick: string): Refusal | undefined {
    const problem = this.#talk.unignore(nick);
    return problem === undefined ? undefined : { problem };
  }

  ignored(): { nick: string; nodeId: string }[] {
    return this.#talk.ignored();
  }

  search(text: string, room?: string): Promise<MessageView[]> {
    return this.#node.searchMessages(text, room, DEFAULT_LIMITS.searchResults);
  }

  get conversations(): readonly string[] {
    return this.#windows.conversations;
  }

  openConversation(nick: string): Refusal | undefined {
    const rule = nickRule(nick);
    if (rule !== undefined) return { problem: { code: 'NICK_INVALID', nick, rule } };
    if (nickKey(nick) === nickKey(this.nick)) return { problem: { code: 'NO_SUCH_NICK', nick, reason: 'self' } };
    this.#windows.open(nick);
    return undefined;
  }

  closeConversation(nick: string): boolean {
    return this.#windows.close(nick);
  }

  lastRead(window: string): number | undefined {
    return this.#windows.lastRead(window);
  }

  markRead(window: string, ts: number): void {
    this.#windows.markRead(window, ts);
  }

  #refusalOf(act: () => void): Refusal | undefined {
    const command: { refusal: Refusal | undefined } = { refusal: undefined };
    this.#talk.input(); // every command is input: an automatic away ends
    this.#talk.sent();
    // A face may give a command while handling an event the outer command caused (a rename offline).
    const outer = this.#command;
    this.#command = command;
    try {
      act();
    } finally {
      this.#command = outer;
    }
    return command.refusal;
  }

  /** Hands `event` to those subscribed when it happened; a face that throws does not rob the others of it. */
  #emit(event: SessionEvent): void {
    for (const subscription of [...this.#subscriptions]) {
      if (!this.#subscriptions.has(subscription)) continue; // unsubscribed by an earlier face meanwhile
      try {
        subscription.listener(event);
      } catch (err) {
        this.#listenerError(err);
      }
    }
  }
}
