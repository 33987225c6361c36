import { EventEmitter } from 'node:events';
import { observe, tick, type HlcTimestamp } from '../chat/clock.js';
import { messageId } from '../chat/message-id.js';
import { nickProblem, normalizeRoom, roomProblem } from '../chat/names.js';
import type { Identity } from '../identity/identity.js';
import type { Connection } from '../net/connection.js';
import { dial } from '../net/dial.js';
import { encodeFrame, type Frame } from '../wire/codec.js';
import { type ErrorCode } from '../wire/errors.js';
import { HELLO_TIMEOUT_MS, MAX_TEXT_BYTES, PROTOCOL_VERSION } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';
import { backoffDelay } from './backoff.js';
import { type MessageView, messageView } from './message-view.js';
import { Roster } from './roster.js';

export type { MessageView };

export interface RelayAddress {
  host: string;
  port: number;
}

export interface RelayInfo extends RelayAddress {
  /** The relay's node id, hex. */
  id: string;
  nick: string;
  /** How many relays the network has had, as that relay counts. */
  epoch: number;
}

export interface PresenceView {
  nick: string;
  state: 'joined' | 'left' | 'renamed';
  /** The room joined or left; null for the network as a whole. */
  room: string | null;
  /** For a rename: the nick before. */
  from?: string;
  /** Why a node left the network. */
  reason?: string;
  /** For a node joining the network: the rooms it is in. */
  rooms?: string[];
  /** It is about this node's own user. */
  self: boolean;
}

export interface Problem {
  code: ErrorCode | string;
  message: string;
  suggestion?: string;
}

export interface MemberOptions {
  identity: Identity;
  network: string;
  nick: string;
  rooms: string[];
  listenPort: number;
  addresses: string[];
  rank: lanchat.Rank.$Properties;
  relay: RelayAddress;
  /** The last seq this node's messages used (from its store): numbering goes on from there. */
  lastSeq?: number;
  helloTimeoutMs?: number;
  heartbeatMs?: number;
}

/** Why the member is without a relay, for whoever decides where it dials next. */
export interface LostInfo {
  reason: string;
  /** The relay it was connected to, if it was (else a dial or handshake failed). */
  relay: RelayInfo | undefined;
  /** The address it was dialing or connected to. */
  target: RelayAddress;
  /** The node answered but refused the hello with this code (e.g. NOT_RELAY: it is alive, not yet relay). */
  refusal: string | undefined;
  /** The relay sent it elsewhere; it is already on its way. */
  redirected: boolean;
  /** With `redirected`: the node id of the relay it was sent to, when the redirect named it. */
  redirectedTo: string | undefined;
}

interface MemberEvents {
  connected: [relay: RelayInfo];
  /** Fired before the member picks its next dial: a listener may retarget() it. */
  lost: [info: LostInfo];
  disconnected: [info: { reason: string; retryInMs: number }];
  /** A chat message, live: `bytes` is its encoded ChatMessage, as stored and replicated. */
  message: [message: MessageView, bytes: Uint8Array];
  presence: [presence: PresenceView];
  problem: [problem: Problem];
}

type Outgoing = { room: string; text: string } | { to: { nodeId: Buffer; nick: string }; text: string };

/** Lines typed while no relay is reachable are kept up to this many, then refused. */
export const MAX_OUTBOX = 10_000;
/** Lines sent this recently are sent again after a reconnect (the old relay may have died holding them). */
export const RESEND_WINDOW_MS = 10_000;
const MAX_RESEND = 1_000;
const MAX_SEEN = 50_000;
/** On a clean stop, lines not yet delivered wait this long for a relay. */
export const FLUSH_ON_STOP_MS = 3_000;
const MAX_REDIRECTS = 3;

/**
 * The member role: this node's chat client. It dials the relay, says hello, keeps the roster, and
 * redials with backoff when the relay goes away, rejoining its rooms. What the user writes while
 * disconnected waits in the outbox and goes out on the next welcome.
 */
export class Member extends EventEmitter<MemberEvents> {
  readonly #options: MemberOptions;
  /** Encoded message frames written while no relay was reachable, oldest first. */
  readonly #outbox: Buffer[] = [];
  /**
   * Message frames handed to a connection lately. TCP may have accepted them while the relay was already
   * dying, so after every welcome they are sent again; receivers drop what they already have by id.
   */
  readonly #recent: { frame: Buffer; at: number }[] = [];
  /** Ids of messages shown lately, so a message that arrives twice is shown once. */
  readonly #seen = new Set<string>();
  #target: RelayAddress;
  #conn: Connection | undefined;
  #relay: RelayInfo | undefined;
  #state: 'idle' | 'dialing' | 'handshaking' | 'connected' | 'stopped' = 'idle';
  #attempt = 0;
  #redirects = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #relayLeaveReason: string | undefined;
  #redialNow = false;
  /** For the next dial only: a shorter timeout when the target is probably gone. */
  #nextDialTimeoutMs: number | undefined;
  #redirected = false;
  #inLost = false;
  #redirectedTo: string | undefined;
  #refusal: string | undefined;
  #lastRefusal: string | undefined;
  #nick: string;
  #rooms: Set<string>;
  #currentRoom: string | undefined;
  #roster = new Roster();
  #seq = 0;
  #clock: HlcTimestamp = { time: 0, counter: 0 };

  constructor(options: MemberOptions) {
    super();
    this.#options = options;
    this.#target = options.relay;
    this.#nick = options.nick;
    this.#rooms = new Set(options.rooms);
    this.#currentRoom = options.rooms[0];
    this.#seq = options.lastSeq ?? 0;
  }

  get nick(): string {
    return this.#nick;
  }

  get rooms(): string[] {
    return [...this.#rooms];
  }

  get currentRoom(): string | undefined {
    return this.#currentRoom;
  }

  get roster(): Roster {
    return this.#roster;
  }

  get relay(): RelayInfo | undefined {
    return this.#relay;
  }

  get isConnected(): boolean {
    return this.#state === 'connected';
  }

  get outboxSize(): number {
    return this.#outbox.length;
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#dial();
  }

  get target(): RelayAddress {
    return this.#target;
  }

  /**
   * Dials `target` from now on, at once: a wait for a retry is cut short, a dial or handshake under way
   * is abandoned. A live connection is left alone unless `force` (the caller knows that relay is gone).
   * With `backoff`, the next dial waits the usual backoff instead (only from a 'lost' listener).
   */
  retarget(
    target: RelayAddress,
    { force = false, backoff = false, dialTimeoutMs }: { force?: boolean; backoff?: boolean; dialTimeoutMs?: number } = {},
  ): void {
    const changed = target.host !== this.#target.host || target.port !== this.#target.port;
    this.#target = target;
    this.#nextDialTimeoutMs = dialTimeoutMs;
    if (this.#state === 'stopped') return;
    if (this.#inLost) {
      // From a 'lost' listener: #lost schedules the next dial right after.
      this.#redialNow = !backoff;
      return;
    }
    if (this.#state === 'idle') {
      clearTimeout(this.#retryTimer);
      this.#dial();
    } else if (this.#state === 'connected' ? force : changed) {
      this.#redialNow = true;
      this.#conn?.close();
    }
  }

  /**
   * Sends a leave to the relay and closes; resolves once the connection is gone. Lines still waiting in
   * the outbox get up to `flushTimeoutMs` for a relay to take them first. Safe to call twice.
   */
  async stop(reason = 'quit', flushTimeoutMs = FLUSH_ON_STOP_MS): Promise<void> {
    if (this.#state === 'stopped') return;
    if (this.#outbox.length > 0 && this.#state !== 'connected') {
      await this.#connectedWithin(flushTimeoutMs);
      if (this.#outbox.length > 0) {
        this.#problem({
          code: 'CONNECT_FAILED',
          message: `${this.#outbox.length} line(s) not delivered: no relay reachable`,
        });
      }
    }
    if (this.#isStopped()) return; // a concurrent stop() finished while this one waited
    const conn = this.#state === 'connected' ? this.#conn : undefined;
    this.#state = 'stopped';
    clearTimeout(this.#retryTimer);
    if (conn === undefined) {
      this.#conn?.close();
      return;
    }
    const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()));
    conn.sendFrame({ leave: { reason } });
    conn.close();
    await closed;
  }

  #isStopped(): boolean {
    return this.#state === 'stopped';
  }

  #connectedWithin(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('connected', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.on('connected', done);
    });
  }

  /** Sends a line to the current room. */
  say(text: string): boolean {
    const room = this.#currentRoom;
    if (room === undefined) {
      this.#problem({ code: 'NOT_IN_ROOM', message: 'you are in no room; /join #room first' });
      return false;
    }
    return this.#write({ room, text });
  }

  /** Sends a private line to the person called `nick`. */
  whisper(nick: string, text: string): boolean {
    const peer = this.#roster.findByNick(nick);
    if (peer === undefined) {
      this.#problem({ code: 'NO_SUCH_NICK', message: `no one called ${nick} is online` });
      return false;
    }
    if (peer.nodeId === this.#options.identity.nodeIdHex) {
      this.#problem({ code: 'NO_SUCH_NICK', message: 'that is you' });
      return false;
    }
    return this.#write({ to: { nodeId: Buffer.from(peer.nodeId, 'hex'), nick: peer.nick }, text });
  }

  join(input: string): boolean {
    const room = normalizeRoom(input);
    if (room === undefined) {
      this.#problem({ code: 'ROOM_INVALID', message: roomProblem(input) });
      return false;
    }
    this.#currentRoom = room;
    if (this.#rooms.has(room)) return true;
    this.#rooms.add(room);
    if (this.#state === 'connected') this.#conn!.sendFrame({ join: { room } });
    return true;
  }

  /** Leaves `input`, or the current room. The next room joined, if any, becomes current. */
  part(input?: string): boolean {
    const room = input === undefined ? this.#currentRoom : normalizeRoom(input);
    if (room === undefined || !this.#rooms.has(room)) {
      this.#problem({ code: 'NOT_IN_ROOM', message: `you are not in ${input ?? 'any room'}` });
      return false;
    }
    this.#rooms.delete(room);
    if (this.#currentRoom === room) this.#currentRoom = [...this.#rooms].at(-1);
    if (this.#state === 'connected') this.#conn!.sendFrame({ part: { room } });
    return true;
  }

  /** Asks for a new nick. Connected, the relay confirms it (a presence) or refuses it (a problem). */
  setNick(nick: string): boolean {
    const problem = nickProblem(nick);
    if (problem !== undefined) {
      this.#problem({ code: 'NICK_INVALID', message: problem });
      return false;
    }
    if (this.#state === 'connected') {
      this.#conn!.sendFrame({ nick: { nick } });
    } else {
      const from = this.#nick;
      this.#nick = nick;
      this.emit('presence', { nick, state: 'renamed', room: null, from, self: true });
    }
    return true;
  }

  #write(outgoing: Outgoing): boolean {
    const text = outgoing.text;
    if (text.length === 0 || Buffer.byteLength(text) > MAX_TEXT_BYTES) {
      this.#problem({ code: 'TEXT_INVALID', message: `a message is 1 to ${MAX_TEXT_BYTES} bytes of text` });
      return false;
    }
    const connected = this.#state === 'connected';
    if (!connected && this.#outbox.length >= MAX_OUTBOX) {
      this.#problem({ code: 'SLOW_CONSUMER', message: `${MAX_OUTBOX} lines are already waiting for the relay` });
      return false;
    }
    // The message gets its identity and time when written, not when it finally leaves.
    this.#clock = tick(this.#clock, Date.now());
    const origin = this.#options.identity.nodeId;
    const seq = ++this.#seq;
    const message: lanchat.ChatMessage.$Shape = {
      origin,
      seq,
      time: this.#clock.time,
      counter: this.#clock.counter,
      nick: this.#nick,
      text,
      ...('room' in outgoing ? { room: outgoing.room } : { to: outgoing.to }),
    };
    const frame = encodeFrame({ message });
    if (connected) this.#sendMessage(this.#conn!, frame);
    else this.#outbox.push(frame);
    this.emit('message', { ...messageView(message, this.#options.identity.nodeIdHex), to: 'to' in outgoing ? outgoing.to.nick : null }, lanchat.ChatMessage.encode(message).finish());
    return true;
  }

  #dial(): void {
    this.#state = 'dialing';
    const { host, port } = this.#target;
    const timeoutMs = this.#nextDialTimeoutMs;
    this.#nextDialTimeoutMs = undefined;
    dial(host, port, { heartbeatMs: this.#options.heartbeatMs, ...(timeoutMs === undefined ? {} : { timeoutMs }) }).then(
      (conn) => this.#handshake(conn),
      (err: Error) => this.#lost(err.message),
    );
  }

  #handshake(conn: Connection): void {
    if (this.#state === 'stopped') {
      conn.close();
      return;
    }
    this.#state = 'handshaking';
    this.#conn = conn;
    this.#relayLeaveReason = undefined;
    const timer = setTimeout(
      () => conn.close('HELLO_TIMEOUT', 'no welcome within the time limit', false),
      this.#options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
    );
    conn.on('frame', (frame) => {
      if (this.#conn !== conn) return;
      if (this.#state === 'handshaking') {
        clearTimeout(timer);
        this.#onHandshakeFrame(conn, frame);
      } else {
        this.#dispatch(frame);
      }
    });
    conn.once('close', (info) => {
      clearTimeout(timer);
      if (this.#conn !== conn) return;
      this.#lost(this.#relayLeaveReason ?? (info.byPeer ? 'the relay closed the connection' : info.message));
    });
    const { identity, network, listenPort, addresses, rank } = this.#options;
    conn.sendFrame({
      hello: {
        protocolVersion: PROTOCOL_VERSION,
        nodeId: identity.nodeId,
        nick: this.#nick,
        listenPort,
        addresses,
        rooms: [...this.#rooms],
        rank,
        network,
      },
    });
  }

  #onHandshakeFrame(conn: Connection, frame: Frame): void {
    switch (frame.kind) {
      case 'welcome':
        this.#onWelcome(conn, frame.welcome);
        return;
      case 'redirect': {
        const { host, port } = frame.redirect;
        if (host && port && this.#redirects < MAX_REDIRECTS) {
          this.#redirects++;
          this.#follow({ host, port }, frame.redirect.relayId);
        }
        conn.close();
        return;
      }
      case 'error': {
        // The relay closes after refusing a hello; while it keeps refusing, say so once, not every retry.
        const problem = { code: frame.error.code ?? '', message: frame.error.message ?? '' };
        this.#refusal = problem.code;
        // NOT_RELAY is the normal answer of a node that is about to become the relay: not worth a word.
        if (problem.message !== this.#lastRefusal && problem.code !== 'NOT_RELAY') this.#problem(problem);
        this.#lastRefusal = problem.message;
        return;
      }
      default:
        conn.close('UNEXPECTED_FRAME', `expected a welcome, got ${frame.kind ?? 'an unknown frame'}`);
    }
  }

  #onWelcome(conn: Connection, welcome: lanchat.Welcome.$Shape): void {
    this.#state = 'connected';
    this.#attempt = 0;
    this.#lastRefusal = undefined;
    this.#redirects = 0;
    const asked = this.#nick;
    this.#nick = welcome.nick || asked;
    this.#rooms = new Set(welcome.rooms ?? []);
    if (this.#currentRoom !== undefined && !this.#rooms.has(this.#currentRoom)) {
      this.#currentRoom = [...this.#rooms][0];
    }
    this.#roster = Roster.fromWire(welcome.roster);
    this.#relay = {
      id: Buffer.from(welcome.relayId ?? []).toString('hex'),
      nick: welcome.relayNick ?? '',
      epoch: welcome.epoch ?? 0,
      host: this.#target.host,
      port: this.#target.port,
    };
    this.emit('connected', this.#relay);
    if (this.#nick !== asked) {
      this.emit('presence', { nick: this.#nick, state: 'renamed', room: null, from: asked, self: true });
    }
    const cutoff = Date.now() - RESEND_WINDOW_MS;
    while (this.#recent.length > 0 && this.#recent[0]!.at < cutoff) this.#recent.shift();
    for (const { frame } of this.#recent) conn.send(frame);
    // Only dropped from the outbox once handed to the socket.
    while (this.#outbox.length > 0 && this.#conn === conn && conn.isOpen) {
      this.#sendMessage(conn, this.#outbox.shift()!);
    }
  }

  #sendMessage(conn: Connection, frame: Buffer): void {
    conn.send(frame);
    this.#recent.push({ frame, at: Date.now() });
    if (this.#recent.length > MAX_RESEND) this.#recent.shift();
  }

  #dispatch(frame: Frame): void {
    switch (frame.kind) {
      case 'message':
        return this.#onMessage(frame.message);
      case 'presence':
        return this.#onPresence(frame.presence);
      case 'roster':
        this.#roster = Roster.fromWire(frame.roster);
        return;
      case 'error':
        return this.#problem({
          code: frame.error.code ?? '',
          message: frame.error.message ?? '',
          ...(frame.error.suggestion ? { suggestion: frame.error.suggestion } : {}),
        });
      case 'leave':
        this.#relayLeaveReason = `the relay left (${frame.leave.reason || 'no reason given'})`;
        return;
      case 'redirect': {
        // The relay stepped down in favour of another: go there.
        const { host, port } = frame.redirect;
        if (host && port) {
          this.#follow({ host, port }, frame.redirect.relayId);
          this.#relayLeaveReason = `the relay handed over to ${host}:${port}`;
          this.#conn?.close();
        }
        return;
      }
      default:
        return; // heartbeats, and kinds from a newer protocol
    }
  }

  #onMessage(message: lanchat.ChatMessage.$Shape): void {
    const origin = message.origin;
    if (!origin || !message.seq) return;
    const id = messageId(origin, message.seq);
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    if (this.#seen.size > MAX_SEEN) this.#seen.delete(this.#seen.values().next().value!);
    this.#clock = observe(this.#clock, { time: message.time ?? 0, counter: message.counter ?? 0 }, Date.now());
    this.emit('message', { ...messageView(message, this.#options.identity.nodeIdHex), id }, lanchat.ChatMessage.encode(message).finish());
  }

  #onPresence(presence: lanchat.Presence.$Shape): void {
    this.#roster.apply(presence);
    const peer = presence.peer;
    if (!peer?.nodeId) return;
    const self = Buffer.from(peer.nodeId).equals(this.#options.identity.nodeId);
    const room = presence.room || null;
    const nick = peer.nick ?? '';
    const State = lanchat.Presence.State;
    let view: PresenceView;
    switch (presence.state) {
      case State.JOINED:
        view = { nick, state: 'joined', room, self, ...(room === null ? { rooms: peer.rooms ?? [] } : {}) };
        break;
      case State.LEFT:
        view = { nick, state: 'left', room, self, ...(room === null ? { reason: presence.reason || 'quit' } : {}) };
        break;
      case State.RENAMED:
        view = { nick, state: 'renamed', room: null, from: presence.oldNick ?? '', self };
        if (self) this.#nick = nick;
        break;
      default:
        return;
    }
    this.emit('presence', view);
  }

  #follow(target: RelayAddress, relayId: Uint8Array | null | undefined): void {
    this.#target = target;
    this.#redialNow = true;
    this.#redirected = true;
    this.#redirectedTo = relayId && relayId.length > 0 ? Buffer.from(relayId).toString('hex') : undefined;
  }

  #lost(reason: string): void {
    const wasConnected = this.#state === 'connected';
    this.#conn = undefined;
    if (this.#state === 'stopped') return;
    this.#state = 'idle';
    const info: LostInfo = {
      reason,
      relay: wasConnected ? this.#relay : undefined,
      target: this.#target,
      refusal: this.#refusal,
      redirected: this.#redirected,
      redirectedTo: this.#redirectedTo,
    };
    this.#redirectedTo = undefined;
    this.#refusal = undefined;
    this.#redirected = false;
    this.#inLost = true;
    try {
      this.emit('lost', info);
    } finally {
      this.#inLost = false;
    }
    if (this.#state !== 'idle') return; // stopped meanwhile
    const retryInMs = this.#redialNow ? 0 : backoffDelay(this.#attempt++);
    this.#redialNow = false;
    if (wasConnected || this.#attempt === 1) this.emit('disconnected', { reason, retryInMs });
    this.#retryTimer = setTimeout(() => this.#dial(), retryInMs);
  }

  #problem(problem: Problem): void {
    this.emit('problem', problem);
  }
}

