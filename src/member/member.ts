import { EventEmitter } from 'node:events';
import { observe, tick, type HlcTimestamp } from '../chat/clock.js';
import { nickRule, normalizeRoom } from '../chat/names.js';
import type { MessageView, Notice, PresenceView, Problem, RelayAddress, RelayInfo, TopicView, TypingView, WhoisView } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import type { KnownKey } from '../identity/seal-keys.js';
import type { Connection } from '../net/connection.js';
import type { NetworkSecret } from '../net/secret.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Replica } from '../sync/replica.js';
import { type Frame, messageBytesOfFrame } from '../wire/codec.js';
import { DEFAULT_LIMITS, type Limits, resolveLimits } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';
import { type CaughtUp, Inbox, Seen } from './inbox.js';
import { type Dial, Link } from './link.js';
import { Outbox } from './outbox.js';
import { presenceView } from './presence-view.js';
import type { LostInfo, Reconnect } from '../net/link-policy.js';
import { Roster } from './roster.js';
import { StoreQueue } from './store-queue.js';
import { SyncRounds } from './sync-rounds.js';
import { Talk } from './talk.js';
import { whisperTarget } from './whisper-target.js';

export type { Dial, MessageView, PresenceView, Problem, RelayAddress, RelayInfo };
export type { LostInfo, NextDial, Reconnect } from '../net/link-policy.js';
export { CAUGHT_UP_SHOWN, LIVE_ROUND_SHOWN } from './inbox.js';
export { SYNC_INTERVAL_MS } from './sync-rounds.js';

export interface MemberOptions {
  identity: Identity;
  network: string;
  nick: string;
  rooms: string[];
  listenPort: number;
  addresses: string[];
  rank: lanchat.Rank.$Properties;
  relay: RelayAddress;
  /** This node's history: every message it writes or receives is stored there first. */
  replica: Replica;
  /** The last seq this node's messages used (from its store): numbering goes on from there. */
  lastSeq?: number;
  /** The hash of that message, which the next one chains to. */
  lastHash?: Buffer;
  /** Keeps a copy of the chain head once own lines are stored (outside the store; see store/chain-head.ts). */
  saveHead?: (head: { lastSeq: number; lastHash?: Buffer }) => Promise<void>;
  helloTimeoutMs?: number;
  heartbeatMs?: number;
  /** Over DEFAULT_LIMITS (wire/limits.ts): the link's hello timeout, redirects and connection limits. */
  limits?: Partial<Limits>;
  /** The room secret: links are TLS with its PSK, and both ends prove their node ids. */
  secret?: NetworkSecret;
  /** How to reach a node (default: TCP, src/net/dial.ts); tests hand in an in-memory pair. */
  dial?: Dial;
  /**
   * Where to dial next when the link is lost, asked at once (after the 'lost' listeners); undefined, or
   * no policy, keeps the default: the same target after backoff (at once where a redirect sent it).
   */
  reconnect?: Reconnect;
  /** The node id a nick is pinned to (identity/nick-pins.ts): lines under a nick pinned to another are marked. */
  nickOwner?: (nick: string) => string | undefined;
  /** A welcome must prove the relay's node id on an open network too (see link.ts). */
  requireRelayProof?: boolean;
  /** The node and seal key of someone offline called `nick`, if known (identity/seal-keys.ts): /msg still reaches them. */
  knownKey?: (nick: string) => KnownKey | 'ambiguous' | undefined;
}

interface MemberEvents {
  connected: [relay: RelayInfo];
  /** Fired before the member picks its next dial: a listener may retarget() it. */
  lost: [info: LostInfo];
  disconnected: [info: { reason: string; retryInMs: number }];
  /** A chat message for this user, stored, shown once. */
  message: [message: MessageView];
  /** An own line shown `pending` is held by a relay now. */
  delivered: [id: string];
  /**
   * Messages brought by sync. `away`: the first round after joining a relay, what happened while this
   * node was not connected; otherwise lines that took the sync path while it was (a member pasting, a
   * member back from offline).
   */
  caughtUp: [info: CaughtUp];
  presence: [presence: PresenceView];
  /** Data only (chat/views.ts); the faces word it (src/ui/words.ts). */
  problem: [problem: Problem];
  // ---- conversation (issue 17) ----
  topic: [topic: TopicView];
  typing: [typing: TypingView];
  whois: [whois: WhoisView];
  /** Data only, as problems: a private line kept for someone offline (OFFLINE_DELIVERY). */
  notice: [notice: Notice];
}

/** On a clean stop, lines no relay has taken yet wait this long for one (they are stored either way). */
export const FLUSH_ON_STOP_MS = DEFAULT_LIMITS.flushOnStopMs;

/**
 * The member role: this node's chat client. Its link dials the relay and redials when it goes; its outbox
 * signs and stores every line before sending it; its inbox stores what comes and shows it once. What is
 * written while no relay is reachable (or what a dying relay swallowed) is delivered by the sync that
 * follows every welcome.
 */
export class Member extends EventEmitter<MemberEvents> {
  readonly #options: MemberOptions;
  readonly #link: Link;
  readonly #outbox: Outbox;
  readonly #inbox: Inbox;
  readonly #queue = new StoreQueue();
  readonly #sync: SyncRounds;
  #clock: HlcTimestamp = { time: 0, counter: 0 };
  #nick: string;
  #rooms: Set<string>;
  #currentRoom: string | undefined;
  #roster = new Roster();
  readonly #talk: Talk;

  constructor(options: MemberOptions) {
    super();
    this.#options = options;
    this.#nick = options.nick;
    this.#rooms = new Set(options.rooms);
    this.#currentRoom = options.rooms[0];
    const { identity, replica } = options;
    const seen = new Seen();
    const problem = (p: Problem): void => this.#problem(p);
    // A topic is not a line: the newest of the room's is shown (talk.ts), whatever brought this one.
    const show = (view: MessageView): void => void (view.topic && view.room !== null ? this.#talk.stored(view.room) : this.emit('message', view));
    this.#talk = new Talk({
      identity,
      store: replica.store,
      rooms: () => this.#rooms,
      roster: () => this.#roster,
      send: (frame) => this.#link.session?.sendFrame(frame) ?? false,
      currentRoom: () => this.#currentRoom,
      write: (outgoing) => this.#outbox.write(outgoing, this.#nick),
      topic: (topic) => this.emit('topic', topic),
      typing: (typing) => this.emit('typing', typing),
      whois: (whois) => this.emit('whois', whois),
      problem: (p) => this.#problem(p),
    });
    this.#link = new Link({ ...options, limits: resolveLimits(options.limits), hello: () => ({ nick: this.#nick, rooms: [...this.#rooms] }) });
    this.#outbox = new Outbox({
      ...options,
      queue: this.#queue,
      tick: () => (this.#clock = tick(this.#clock, Date.now())),
      route: () => {
        const conn = this.#link.session;
        return conn === undefined ? undefined : { conn, direct: this.#link.relay?.id === identity.nodeIdHex };
      },
      connection: () => this.#link.connection,
      written: (id) => seen.add(id),
      show,
      delivered: (id) => this.emit('delivered', id),
      problem,
    });
    this.#inbox = new Inbox({
      identity,
      replica,
      queue: this.#queue,
      seen,
      rooms: () => this.#rooms,
      observe: (m) => void (this.#clock = observe(this.#clock, { time: m.time, counter: m.counter }, Date.now())),
      gap: () => this.#sync.request(),
      show,
      caughtUp: (info) => this.emit('caughtUp', info),
      topic: (room) => this.#talk.stored(room),
      problem,
      ...(options.nickOwner === undefined ? {} : { nickOwner: options.nickOwner }),
    });
    this.#sync = new SyncRounds(replica, {
      served: () => this.#outbox.delivered(),
      learned: (fresh) => this.#inbox.collect(fresh),
      settled: () => this.#inbox.settled(),
      refused: (refusals) => this.#problem({ code: 'BAD_SIGNATURE', what: 'sync', reason: refusals[0]?.reason ?? 'invalid' }),
      storeFailed: (err, count) => this.#problem({ code: 'STORE_FAILED', what: 'received', count, cause: err.message }),
      // An older relay sends no `stored`: what it says it holds of this node's origin tells the same.
      relayHolds: (held) => this.#outbox.relayHolds(held.get(identity.nodeIdHex) ?? []),
    });
    this.#link.on('welcome', (conn, welcome, relay) => this.#onWelcome(conn, welcome, relay));
    this.#link.on('frame', (frame, raw) => this.#dispatch(frame, raw));
    this.#link.on('message', (bytes) => this.#inbox.receive(bytes));
    this.#link.on('down', () => this.#onDown());
    this.#link.on('lost', (info) => this.emit('lost', info));
    this.#link.on('disconnected', (info) => this.emit('disconnected', info));
    this.#link.on('problem', problem);
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
    return this.#link.relay;
  }

  get isConnected(): boolean {
    return this.#link.isConnected;
  }

  nextDialInMs(): number {
    return this.#link.nextDialInMs();
  }

  /** Lines written while no relay was reachable, not yet delivered (they are stored). */
  get undelivered(): number {
    return this.#outbox.undelivered;
  }

  start(): void {
    this.#link.start();
  }

  /**
   * Dials `target` from now on, at once: a wait for a retry is cut short, a dial or handshake under way
   * is abandoned. A live connection is left alone unless `force` (the caller knows that relay is gone).
   * With `backoff`, the next dial waits the usual backoff instead (only from a 'lost' listener).
   */
  retarget(target: RelayAddress, options: { force?: boolean; backoff?: boolean; dialTimeoutMs?: number } = {}): void {
    this.#link.retarget(target, options);
  }

  /**
   * Sends a leave to the relay and closes; resolves once the connection is gone. Lines no relay has taken
   * yet get up to `flushTimeoutMs` for one to take them (they stay stored, and go out on the next run
   * otherwise). Safe to call twice.
   */
  async stop(reason = 'quit', flushTimeoutMs = FLUSH_ON_STOP_MS): Promise<void> {
    if (this.#link.isStopped) return;
    // Resolves once the lines written and messages received so far are stored (and shown).
    await new Promise((resolve) => setImmediate(resolve));
    await this.#queue.idle();
    await this.#outbox.headSaved();
    if (this.#outbox.pacing > 0 && this.#link.isConnected) {
      // No time to pace what is left: offer it, and the relay pulls it all in sync batches.
      this.#outbox.dropPaced();
      this.#sync.offer();
    }
    if (this.#outbox.undelivered > 0) {
      await this.#outbox.deliveredWithin(flushTimeoutMs);
      const undelivered = this.#outbox.undelivered;
      if (undelivered > 0) this.#problem({ code: 'CONNECT_FAILED', undelivered });
    }
    if (this.#link.isStopped) return; // a concurrent stop() finished while this one waited
    this.#sync.end();
    await this.#link.stop(reason);
  }

  /** Sends a line to the current room. */
  say(text: string): boolean {
    const room = this.#currentRoom;
    if (room === undefined) return this.#refuse({ code: 'NOT_IN_ROOM', room: null, asked: 'say' });
    return this.#outbox.write({ room, text }, this.#nick);
  }

  /**
   * Sends a private line to the person called `nick`; to someone not online, sealed to the key they were
   * last seen with, stored, and delivered by their node's next sync (member/whisper-target.ts); `action`: a /me.
   */
  whisper(nick: string, text: string, options: { action?: true } = {}): boolean {
    const target = whisperTarget(nick, this.#roster.findByNick(nick), () => this.#options.knownKey?.(nick), this.#options.identity.nodeIdHex);
    if ('code' in target) return this.#refuse(target);
    const written = this.#outbox.write({ to: target.to, text, ...options }, this.#nick);
    if (written && target.offline) this.emit('notice', { code: 'OFFLINE_DELIVERY', nick: target.to.nick });
    return written;
  }

  /** The conversation beyond chat lines (issue 17): actions, topics, away, typing, whois (member/talk.ts). */
  get talk(): Talk {
    return this.#talk;
  }

  join(input: string): boolean {
    const room = normalizeRoom(input);
    if (room === undefined) return this.#refuse({ code: 'ROOM_INVALID', room: input });
    this.#currentRoom = room;
    if (this.#rooms.has(room)) return true;
    this.#rooms.add(room);
    this.#link.session?.sendFrame({ join: { room } });
    return true;
  }

  /** Leaves `input`, or the current room. The next room joined, if any, becomes current. */
  part(input?: string): boolean {
    const room = input === undefined ? this.#currentRoom : normalizeRoom(input);
    if (room === undefined || !this.#rooms.has(room)) return this.#refuse({ code: 'NOT_IN_ROOM', room: input ?? null, asked: 'part' });
    this.#rooms.delete(room);
    if (this.#currentRoom === room) this.#currentRoom = [...this.#rooms].at(-1);
    this.#link.session?.sendFrame({ part: { room } });
    return true;
  }

  /** Asks for a new nick. Connected, the relay confirms it (a presence) or refuses it (a problem). */
  setNick(nick: string): boolean {
    const rule = nickRule(nick);
    if (rule !== undefined) return this.#refuse({ code: 'NICK_INVALID', nick, rule });
    const session = this.#link.session;
    if (session !== undefined) {
      session.sendFrame({ nick: { nick } });
    } else {
      const from = this.#nick;
      this.#nick = nick;
      this.emit('presence', { nick, state: 'renamed', room: null, from, self: true });
    }
    return true;
  }

  /** Messages a sync brought (here or, on a relay's node, to its relay): shown together when it settles. */
  collectCaughtUp(fresh: readonly StoredMessage[]): void {
    this.#inbox.collect(fresh);
  }

  /** Shows what collectCaughtUp took since the last time, as news that came while this user was here. */
  showCaughtUp(): void {
    this.#inbox.show(false);
  }

  #onWelcome(conn: Connection, welcome: lanchat.Welcome.$Shape, relay: RelayInfo): void {
    const asked = this.#nick;
    this.#nick = welcome.nick || asked;
    this.#rooms = new Set(welcome.rooms ?? []);
    if (this.#currentRoom !== undefined && !this.#rooms.has(this.#currentRoom)) {
      this.#currentRoom = [...this.#rooms][0];
    }
    this.#roster = Roster.fromWire(welcome.roster);
    this.emit('connected', relay);
    if (this.#nick !== asked) {
      this.emit('presence', { nick: this.#nick, state: 'renamed', room: null, from: asked, self: true });
    }
    this.#inbox.linked();
    this.#sync.start(conn);
    this.#talk.welcomed();
  }

  /** The link is gone: lines waiting for their turn are stored, and the next relay's sync takes them. */
  #onDown(): void {
    this.#outbox.dropPaced();
    this.#sync.end();
  }

  /** A frame of the session; leave and redirect are the link's. */
  #dispatch(frame: Frame, raw: Buffer): void {
    if (this.#sync.handle(frame) || this.#talk.receive(frame)) return;
    switch (frame.kind) {
      case 'message':
        // The link's connection hands a chat message over as its bytes; only an odd frame (a message field
        // and more, or one held by a rate limit) comes here decoded.
        try {
          this.#inbox.receive(messageBytesOfFrame(raw));
        } catch (err) {
          this.#problem({ code: 'BAD_FRAME', detail: (err as Error).message });
        }
        return;
      case 'presence': {
        this.#roster.apply(frame.presence);
        const view = presenceView(frame.presence, this.#options.identity.nodeId);
        if (view?.state === 'renamed' && view.self) this.#nick = view.nick;
        const id = Buffer.from(frame.presence.peer?.nodeId ?? []).toString('hex');
        if (view !== undefined && this.#talk.presenceNews(view, id)) this.emit('presence', view);
        if (view?.self && view.state === 'joined' && view.room !== null) this.#talk.announce(view.room);
        return;
      }
      case 'roster':
        this.#roster = Roster.fromWire(frame.roster);
        return;
      case 'stored': {
        const seq = frame.stored.seq ?? 0;
        if (Number.isSafeInteger(seq) && seq > 0) this.#outbox.relayHolds([{ first: 1, last: seq }]);
        return;
      }
      case 'error': {
        const { code, message, suggestion } = frame.error;
        return this.#problem({ code: code ?? '', remote: { message: message ?? '', ...(suggestion ? { suggestion } : {}) } });
      }
      default:
        return; // heartbeats, and kinds from a newer protocol
    }
  }

  /** Tells the user why what they asked for was not done; false, for the caller to return. */
  #refuse(problem: Problem): false {
    this.#problem(problem);
    return false;
  }

  #problem(problem: Problem): void {
    this.emit('problem', problem);
  }
}
