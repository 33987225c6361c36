import type { WebSocket } from 'ws';
import type { ChatSession, SessionEvent } from '../session/chat-session.js';
import { ChatController } from '../ui/controller.js';
import { errorEvent, type UiEvent } from '../ui/events.js';
import { formatEvent } from '../ui/line-format.js';
import { ALIASES, COMMANDS } from '../ui/input.js';
import { webLimitText } from '../ui/words.js';
import type { Limits } from '../wire/limits.js';
import { Bucket } from './bucket.js';
import { parseClientMessage } from './parse-client.js';
import type { TopicView } from '../chat/views.js';
import { type ClientMessage, type Cursor, type NotifySettings, type RoomHistory, type ServerMessage, type StateView, privateKey } from './protocol.js';

export type TabLimits = Pick<Limits, 'webMessageBytes' | 'webRatePerSec' | 'webRateBurst' | 'webOlderPending' | 'webPageMessages' | 'webSendBytes'>;

/** Events held while a tab's snapshot is read: past this many, the tab is closed and reconnects. */
const MAX_HELD_EVENTS = 10_000;

/** The command names offered for completion: the terminal's, aliases included. */
const COMMAND_NAMES = [...COMMANDS, ...ALIASES].map((c) => c.usage.split(/[\s]/)[0]!).filter((c) => /^\/[a-z?]+$/.test(c));

/** An event for a tab, with line mode's words for it (the page shows chat lines itself). */
export function eventMessage(event: UiEvent, rooms: readonly string[]): ServerMessage {
  if (event.event === 'message') return { t: 'event', event };
  const line = formatEvent(event, { rooms });
  return line === undefined ? { t: 'event', event } : { t: 'event', event, line };
}

/** What a tab reads of the session. */
export function stateView(session: ChatSession): StateView {
  return {
    nodeId: session.nodeId,
    nick: session.nick,
    network: session.network,
    secret: session.secret,
    role: session.role,
    relay: session.relay ?? null,
    connected: session.connected,
    rooms: [...session.rooms],
    current: session.currentRoom ?? null,
    people: session.people(),
    away: session.away ?? null,
    conversations: [...session.conversations],
  };
}


/** The session's window (read markers: a room, or a conversation's nick as the session keeps it) of a page's key. */
export function windowOf(session: ChatSession, key: string): string {
  if (!key.startsWith('@')) return key;
  const nick = key.slice(1);
  return session.conversations.find((n) => n.toLowerCase() === nick) ?? nick;
}

/**
 * One browser tab on its WebSocket: a face of its own on the session, as a terminal is (a ChatController
 * whose `show` sends JSON), with a snapshot first. What the page sends is checked (parse-client.ts), rate
 * limited, and bounded in what it can make the node hold: outstanding scroll-back reads, and the bytes
 * queued for a page that does not read.
 */
export class Tab {
  readonly #session: ChatSession;
  readonly #socket: WebSocket;
  readonly #limits: TabLimits;
  readonly #controller: ChatController;
  readonly #unsubscribe: () => void;
  readonly #bucket: Bucket;
  /** Events that came while the snapshot was read; undefined once it is sent. */
  #held: ServerMessage[] | undefined = [];
  #stateQueued = false;
  #older = 0;
  /** When the tab was last told of each limit it went over: at most once a second each. */
  readonly #toldAt = new Map<'rate' | 'older' | 'bad', number>();
  #closed = false;

  /**
   * `onRead`: this tab read a conversation, for the server to tell the others. `onCommand`: this tab ran a
   * command, which may have changed what no session event tells (/query, /close open and close private
   * conversations), for the server to have the others refresh their side lists.
   */
  constructor(
    session: ChatSession,
    socket: WebSocket,
    limits: TabLimits,
    readonly notify: NotifySettings,
    readonly onRead: (key: string, ts: number) => void = () => undefined,
    readonly onCommand: () => void = () => undefined,
  ) {
    this.#session = session;
    this.#socket = socket;
    this.#limits = limits;
    this.#bucket = new Bucket(limits.webRatePerSec, limits.webRateBurst, Date.now());
    this.#controller = new ChatController(session, (event) => this.#send(eventMessage(event, session.rooms)));
    // Anything but a chat line may change what the side list and the header show.
    this.#unsubscribe = session.subscribe((event: SessionEvent) => {
      if (event.type !== 'message') this.#queueState();
    });
    socket.on('message', (data, isBinary) => this.#onMessage(isBinary ? '' : data.toString()));
    socket.on('close', () => this.close());
    socket.on('error', () => this.close());
    void this.#snapshot();
  }

  async #snapshot(): Promise<void> {
    const session = this.#session;
    const rooms = [...session.rooms];
    const history: RoomHistory[] = [];
    const topics: TopicView[] = [];
    const read: Record<string, number> = Object.create(null) as Record<string, number>;
    const count = this.#limits.webPageMessages;
    try {
      for (const room of rooms) {
        history.push({ room, messages: await session.history(room, count) });
        const topic = await session.topic(room);
        if (topic !== undefined) topics.push(topic);
      }
      for (const nick of session.conversations) {
        const page = await session.privateHistory(nick, count);
        history.push({ room: privateKey(nick), messages: page.messages, ...(page.resume === undefined ? {} : { resume: page.resume }) });
      }
    } catch {
      // The store could not be read: the page starts without history and asks for it by scrolling.
    }
    for (const window of [...rooms, ...session.conversations]) {
      const ts = session.lastRead(window);
      if (ts !== undefined) read[window.startsWith('#') ? window : privateKey(window)] = ts;
    }
    if (this.#closed) return;
    const held = this.#held ?? [];
    this.#held = undefined;
    this.#send({ t: 'snapshot', state: stateView(session), history, commands: COMMAND_NAMES, topics, read, notify: this.notify });
    for (const message of held) this.#send(message);
  }

  /** Sends the tab the session's state (at most once a turn): another tab's command may have changed it. */
  refresh(): void {
    this.#queueState();
  }

  #queueState(): void {
    if (this.#stateQueued) return;
    this.#stateQueued = true;
    setImmediate(() => {
      this.#stateQueued = false;
      if (!this.#closed) this.#send({ t: 'state', state: stateView(this.#session) });
    });
  }

  #send(message: ServerMessage): void {
    if (this.#closed) return;
    if (this.#held !== undefined) {
      if (this.#held.length >= MAX_HELD_EVENTS) this.#socket.close(1013);
      else this.#held.push(message);
      return;
    }
    if (this.#socket.bufferedAmount > this.#limits.webSendBytes) {
      // A page that does not read is not given the node's memory: it reconnects and catches up.
      this.#socket.close(1013);
      this.close();
      return;
    }
    this.#socket.send(JSON.stringify(message));
  }

  #tell(detail: 'rate' | 'older' | 'bad'): void {
    const now = Date.now();
    if (now - (this.#toldAt.get(detail) ?? 0) < 1_000) return;
    this.#toldAt.set(detail, now);
    this.#send(eventMessage(errorEvent({ problem: { code: 'USAGE', detail: webLimitText(detail) } }), this.#session.rooms));
  }

  #onMessage(raw: string): void {
    if (this.#closed) return;
    if (!this.#bucket.take(Date.now())) return this.#tell('rate');
    const message = parseClientMessage(raw, this.#limits.webMessageBytes);
    if (message === undefined) return this.#tell('bad');
    this.#act(message);
  }

  #act(message: ClientMessage): void {
    const controller = this.#controller;
    switch (message.t) {
      case 'say':
        if (this.#toRoom(message.room)) controller.run({ kind: 'say', text: message.text });
        return;
      case 'whisper':
        controller.run({ kind: 'msg', nick: message.nick, text: message.text });
        return;
      case 'join':
        controller.run({ kind: 'join', room: message.room });
        return;
      case 'part':
        controller.run(message.room === undefined ? { kind: 'part' } : { kind: 'part', room: message.room });
        return;
      case 'command':
        // A page's /quit closes nothing: the node goes on for its terminal and its other tabs.
        if (this.#toRoom(message.room)) controller.handleLine(message.line, message.nick);
        // What a command changed that is no session event (/query, /close) reaches the side lists too.
        this.#queueState();
        this.onCommand();
        return;
      case 'older':
        this.#olderPage(message.id, message.room, message.before);
        return;
      case 'read':
        this.#session.markRead(windowOf(this.#session, message.key), message.ts);
        this.onRead(message.key, message.ts);
        return;
      case 'typing':
        this.#session.typing(message.nick !== undefined ? { nick: message.nick } : { room: message.room ?? '' });
        return;
    }
  }

  /** Makes the tab's room the session's current one, as a terminal's window switch does. */
  #toRoom(room: string | undefined): boolean {
    if (room === undefined || room === this.#session.currentRoom || !this.#session.rooms.includes(room)) return true;
    return this.#controller.run({ kind: 'join', room }) && this.#session.currentRoom === room;
  }

  #olderPage(id: number, room: string, before: Cursor | undefined): void {
    if (this.#older >= this.#limits.webOlderPending) return this.#tell('older');
    this.#older++;
    const count = this.#limits.webPageMessages;
    const page: Promise<ServerMessage> = room.startsWith('@')
      ? this.#session.privateHistory(windowOf(this.#session, room), count, before).then(({ messages, resume }) => ({
          t: 'older',
          id,
          room,
          messages,
          end: resume === undefined,
          ...(resume === undefined ? {} : { resume }),
        }))
      : this.#session.older(room, count, before).then((messages) => ({ t: 'older', id, room, messages, end: messages.length < count }));
    page
      .then(
        (answer) => this.#send(answer),
        () => this.#send({ t: 'older', id, room, messages: [], end: false }),
      )
      .finally(() => this.#older--);
  }

  /** Another tab read `key` up to `ts`. */
  read(key: string, ts: number): void {
    this.#send({ t: 'read', key, ts });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#controller.close();
    this.#unsubscribe();
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.close(1001);
  }
}
