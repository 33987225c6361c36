import { EventEmitter } from 'node:events';
import { observe, tick, type HlcTimestamp } from '../chat/clock.js';
import { messageId, storedMessageId } from '../chat/message-id.js';
import { nickProblem, normalizeRoom, roomProblem } from '../chat/names.js';
import type { Identity } from '../identity/identity.js';
import { nodeKeysOf } from '../identity/node-keys.js';
import { identityProven, proveIdentity } from '../identity/proof.js';
import { seal } from '../identity/seal.js';
import type { Connection } from '../net/connection.js';
import { dial } from '../net/dial.js';
import type { NetworkSecret } from '../net/secret.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Replica } from '../sync/replica.js';
import { messageHash, signMessage } from '../sync/signature.js';
import { SyncLink } from '../sync/sync-link.js';
import { encodeMessageFrame, type Frame, messageBytesOfFrame } from '../wire/codec.js';
import { type ErrorCode, isLanchatError } from '../wire/errors.js';
import { HELLO_TIMEOUT_MS, MAX_TEXT_BYTES, PROTOCOL_VERSION } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';
import { backoffDelay } from './backoff.js';
import { Pacer } from './pacer.js';
import { type MessageView, messageView } from './message-view.js';
import { Roster } from './roster.js';
import type { PresenceView, RelayAddress, RelayInfo } from '../chat/views.js';

export type { MessageView, PresenceView, RelayAddress, RelayInfo };
/** What the member reports today: a code and a sentence. Moving to chat/views.ts `Problem` (data only). */
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
  /** The room secret: links are TLS with its PSK, and both ends prove their node ids. */
  secret?: NetworkSecret;
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
  /** A chat message for this user, stored, shown once. */
  message: [message: MessageView];
  /** A sync brought messages for this user written while it was away: how many, and the last of them. */
  /**
   * Messages brought by sync. `away`: the first round after joining a relay, what happened while this
   * node was not connected; otherwise lines that took the sync path while it was (a member pasting, a
   * member back from offline).
   */
  caughtUp: [info: { count: number; recent: MessageView[]; away: boolean }];
  presence: [presence: PresenceView];
  problem: [problem: Problem];
}

type Outgoing = { room: string; text: string } | { to: { nodeId: Buffer; nick: string; sealKey: Buffer }; text: string };

const MAX_SEEN = 50_000;
/** On a clean stop, lines no relay has taken yet wait this long for one (they are stored either way). */
export const FLUSH_ON_STOP_MS = 3_000;
const MAX_REDIRECTS = 3;
/** Besides on every connect, a member and its relay compare histories this often. */
export const SYNC_INTERVAL_MS = 10_000;
/** Of a catch-up after being away, this many of the latest messages are shown. */
export const CAUGHT_UP_SHOWN = 50;
/**
 * Messages a sync brings while this user is here (a paste that a sync round overtook, a member back from
 * offline) are news like live ones: all are shown, up to this many.
 */
export const LIVE_ROUND_SHOWN = 1_000;

/**
 * The member role: this node's chat client. It dials the relay, says hello, keeps the roster, and
 * redials with backoff when the relay goes away, rejoining its rooms. Every line is signed and stored
 * before it is sent; what is written while no relay is reachable (or what a dying relay swallowed) is
 * delivered by the sync that follows every welcome. Messages are shown once stored, and once only.
 */
export class Member extends EventEmitter<MemberEvents> {
  readonly #options: MemberOptions;
  readonly #replica: Replica;
  /** Ids of messages shown, so a message that arrives twice (live and by sync) is shown once. */
  readonly #seen = new Set<string>();
  /** Lines this node wrote and has not stored yet; stored and sent together at the end of the turn. */
  #unstored: Uint8Array[] = [];
  /** Live messages received and not stored yet; verified and stored together at the end of the turn. */
  #incoming: Uint8Array[] = [];
  #storing: Promise<void> = Promise.resolve();
  /** Lines written while no relay had the session: delivered once a relay's sync request is answered. */
  #unsent = 0;
  /** Own lines on their way to a remote relay, at the pace its rate limit allows. */
  readonly #pacer = new Pacer<Buffer>((frame) => {
    if (this.#conn === undefined) return;
    this.#conn.send(frame);
    this.#unsent = Math.max(0, this.#unsent - 1);
  });
  /** stop() waiting for those lines to be delivered. */
  #onDelivered: (() => void)[] = [];
  #sync: SyncLink | undefined;
  #syncTimer: NodeJS.Timeout | undefined;
  /** What the current sync round brought for this user: the latest of it, shown when the round settles. */
  #caughtUp: StoredMessage[] = [];
  #caughtUpCount = 0;
  /** The link's first sync round has not settled yet: what it brings happened while this node was away. */
  #firstRound = false;
  #lastHash: Buffer | undefined;
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
  #savingHead: Promise<void> = Promise.resolve();
  #clock: HlcTimestamp = { time: 0, counter: 0 };

  constructor(options: MemberOptions) {
    super();
    this.#options = options;
    this.#target = options.relay;
    this.#nick = options.nick;
    this.#rooms = new Set(options.rooms);
    this.#currentRoom = options.rooms[0];
    this.#seq = options.lastSeq ?? 0;
    this.#lastHash = options.lastHash;
    this.#replica = options.replica;
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

  /** Lines written while no relay was reachable, not yet delivered (they are stored). */
  get undelivered(): number {
    return this.#unsent;
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
   * Sends a leave to the relay and closes; resolves once the connection is gone. Lines no relay has taken
   * yet get up to `flushTimeoutMs` for one to take them (they stay stored, and go out on the next run
   * otherwise). Safe to call twice.
   */
  async stop(reason = 'quit', flushTimeoutMs = FLUSH_ON_STOP_MS): Promise<void> {
    if (this.#state === 'stopped') return;
    await this.#settledWrites();
    if (this.#pacer.waiting > 0 && this.#state === 'connected') {
      // No time to pace what is left: offer it, and the relay pulls it all in sync batches.
      this.#pacer.clear();
      this.#sync?.offer();
    }
    if (this.#unsent > 0) {
      await this.#deliveredWithin(flushTimeoutMs);
      if (this.#unsent > 0) {
        this.#problem({
          code: 'CONNECT_FAILED',
          message: `${this.#unsent} line(s) not delivered yet: no relay reachable. They are kept and go out when lanchat next meets a relay.`,
        });
      }
    }
    if (this.#isStopped()) return; // a concurrent stop() finished while this one waited
    const conn = this.#state === 'connected' ? this.#conn : undefined;
    this.#state = 'stopped';
    clearTimeout(this.#retryTimer);
    clearInterval(this.#syncTimer);
    if (conn === undefined) {
      this.#conn?.close();
      return;
    }
    const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()));
    conn.sendFrame({ leave: { reason } });
    conn.close();
    await closed;
  }

  /** Resolves once the lines written and messages received so far are stored (and shown). */
  async #settledWrites(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.#storing;
    await this.#savingHead;
  }

  /** Resolves when a relay has taken the undelivered lines, or after `timeoutMs`. */
  #deliveredWithin(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#onDelivered.push(done);
    });
  }

  #isStopped(): boolean {
    return this.#state === 'stopped';
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
    if (peer.sealKey === undefined) {
      this.#problem({ code: 'NO_SUCH_NICK', message: `${peer.nick} has no proven seal key; a private message to them cannot be sealed` });
      return false;
    }
    return this.#write({ to: { nodeId: Buffer.from(peer.nodeId, 'hex'), nick: peer.nick, sealKey: peer.sealKey }, text });
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
    // The message gets its identity, time and place in its author's chain when written, not when it leaves.
    this.#clock = tick(this.#clock, Date.now());
    const { identity, network } = this.#options;
    const seq = ++this.#seq;
    const message: lanchat.ChatMessage.$Shape = {
      origin: identity.nodeId,
      seq,
      time: this.#clock.time,
      counter: this.#clock.counter,
      nick: this.#nick,
      prev: this.#lastHash,
      ...('room' in outgoing
        ? { room: outgoing.room, text }
        : {
            to: { nodeId: outgoing.to.nodeId, nick: outgoing.to.nick },
            sealed: seal(text, outgoing.to.sealKey, identity.sealKeyRaw),
          }),
    };
    const bytes = signMessage(message, identity, network);
    this.#lastHash = messageHash(bytes);
    this.#remember(messageId(identity.nodeId, seq));
    this.#unstored.push(bytes);
    if (this.#unstored.length === 1) setImmediate(() => this.#storeOwn());
    return true;
  }

  /**
   * Stores the lines written this turn in one batch, then shows and sends them: a line is on disk before
   * it leaves, so a crash can never send two lines under one seq.
   */
  #storeOwn(): void {
    const batch = this.#unstored;
    this.#unstored = [];
    this.#storing = this.#storing.then(async () => {
      let stored: StoredMessage[];
      try {
        stored = await this.#replica.appendOwn(batch);
      } catch (err) {
        this.#problem({ code: 'STORE_FAILED', message: `${batch.length} line(s) could not be stored and were not sent: ${(err as Error).message}` });
        return;
      }
      for (const m of stored) {
        const view = messageView(m.message, this.#options.identity);
        if (view !== undefined) this.emit('message', view);
      }

      const conn = this.#conn;
      if (this.#state === 'connected' && conn !== undefined && this.#relay?.id === this.#options.identity.nodeIdHex) {
        // Its own relay, over loopback: not rate limited, nothing to pace.
        for (const bytes of batch) conn.send(encodeMessageFrame(bytes));
      } else if (this.#state === 'connected' && conn !== undefined) {
        this.#unsent += batch.length;
        for (const bytes of batch) this.#pacer.push(encodeMessageFrame(bytes));
      } else {
        this.#unsent += batch.length;
      }
      const last = stored.at(-1);
      const save = this.#options.saveHead;
      // One save at a time, in order; one that fails costs nothing now (the store holds the chain; the
      // copy is for the store's loss).
      if (last !== undefined && save !== undefined) {
        const head = { lastSeq: last.seq, lastHash: messageHash(last.bytes) };
        this.#savingHead = this.#savingHead.then(() => save(head)).catch(() => undefined);
      }
    });
  }

  #dial(): void {
    this.#state = 'dialing';
    const { host, port } = this.#target;
    const timeoutMs = this.#nextDialTimeoutMs;
    this.#nextDialTimeoutMs = undefined;
    const secret = this.#options.secret;
    dial(host, port, {
      heartbeatMs: this.#options.heartbeatMs,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(secret === undefined ? {} : { secret }),
    }).then(
      (conn) => this.#handshake(conn),
      (err: Error) => {
        if (isLanchatError(err, 'WRONG_SECRET')) {
          this.#refused({ code: 'WRONG_SECRET', message: `wrong secret for network "${this.#options.network}": ${err.message}` });
        }
        this.#lost(err.message);
      },
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
    let answered = false;
    conn.on('frame', (frame, raw) => {
      if (this.#conn !== conn) return;
      answered = true;
      if (this.#state === 'handshaking') {
        clearTimeout(timer);
        this.#onHandshakeFrame(conn, frame);
      } else {
        this.#dispatch(frame, raw);
      }
    });
    conn.once('close', (info) => {
      clearTimeout(timer);
      if (this.#conn !== conn) return;
      // Only a hang-up without a single frame: a refusal (NOT_RELAY, BANNED...) comes as an error frame first.
      if (info.byPeer && !answered && this.#state === 'handshaking' && this.#options.secret === undefined) this.#maybeSecretNeeded();
      this.#lost(this.#relayLeaveReason ?? (info.byPeer ? 'the relay closed the connection' : info.message));
    });
    const { identity, network, listenPort, addresses, rank } = this.#options;
    const material = conn.proofMaterial();
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
        keys: nodeKeysOf(identity),
        ...(material === undefined ? {} : { proof: proveIdentity(identity, material) }),
      },
    });
  }

  /**
   * A node that hangs up on a hello without a word is a node with a room secret: its TLS listener drops
   * plain TCP. Said once, as for any refusal.
   */
  #maybeSecretNeeded(): void {
    const { host, port } = this.#target;
    const message = `the node at ${host}:${port} hung up without answering: it may need a room secret (LANCHAT_SECRET or --secret-file)`;
    this.#refused({ code: 'WRONG_SECRET', message });
  }

  /**
   * The node being dialed refused this one. Told to the user once, not at every retry while it keeps
   * refusing, except NOT_RELAY: the normal answer of a node about to become the relay, not worth a word.
   */
  #refused(problem: Problem): void {
    this.#refusal = problem.code;
    if (problem.message !== this.#lastRefusal && problem.code !== 'NOT_RELAY') this.#problem(problem);
    this.#lastRefusal = problem.message;
  }

  #onHandshakeFrame(conn: Connection, frame: Frame): void {
    switch (frame.kind) {
      case 'welcome': {
        const material = conn.proofMaterial();
        const relayId = frame.welcome.relayId ?? new Uint8Array(0);
        if (material !== undefined && !identityProven(relayId, frame.welcome.relayKeys, frame.welcome.proof, material)) {
          this.#problem({ code: 'BAD_IDENTITY', message: `the relay at ${this.#target.host}:${this.#target.port} does not prove its node id` });
          conn.close('BAD_IDENTITY', 'the welcome does not prove the relay id');
          return;
        }
        this.#onWelcome(conn, frame.welcome);
        return;
      }
      case 'redirect': {
        const { host, port } = frame.redirect;
        if (host && port && this.#redirects < MAX_REDIRECTS) {
          this.#redirects++;
          this.#follow({ host, port }, frame.redirect.relayId);
        }
        conn.close();
        return;
      }
      case 'error':
        // The relay closes after refusing a hello.
        this.#refused({ code: frame.error.code ?? '', message: frame.error.message ?? '' });
        return;
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
    this.#startSync(conn);
  }

  /**
   * Both ends compare histories on every connect: the relay asks for what this node wrote while away
   * (or what a dying relay swallowed), this node for what it missed. Then again every SYNC_INTERVAL_MS.
   */
  #startSync(conn: Connection): void {
    this.#firstRound = true;
    const link = new SyncLink(conn, this.#replica);
    this.#sync = link;
    // The relay was sent all it lacked, lines written offline included (lines written since went live).
    link.on('served', () => {
      if (this.#sync !== link) return;
      this.#unsent = 0;
      for (const done of this.#onDelivered.splice(0)) done();
    });
    link.on('learned', (fresh) => this.collectCaughtUp(fresh));
    link.on('settled', () => this.#flushCaughtUp(this.#firstRound));
    link.on('refused', (refusals) => {
      this.#problem({ code: 'BAD_SIGNATURE', message: `refused a sync batch from the relay: ${refusals[0]?.reason ?? 'invalid'}; nothing of it was stored` });
    });
    link.on('storeFailed', (err) => {
      this.#problem({ code: 'STORE_FAILED', message: `messages from the relay could not be stored: ${err.message}` });
    });
    link.request();
    clearInterval(this.#syncTimer);
    this.#syncTimer = setInterval(() => link.request(), SYNC_INTERVAL_MS);
    this.#syncTimer.unref();
  }

  /**
   * Messages a sync brought: those for this user, not shown yet, are shown together when it settles.
   * A catch-up may bring a week of chat: only the latest are kept, and only those are read in full.
   */
  collectCaughtUp(fresh: readonly StoredMessage[]): void {
    const kept = 2 * this.#shownOfRound();
    for (const m of fresh) {
      this.#clock = observe(this.#clock, { time: m.time, counter: m.counter }, Date.now());
      const id = storedMessageId(m);
      if (this.#seen.has(id) || !this.#isForUser(m)) continue;
      this.#remember(id);
      this.#caughtUpCount++;
      this.#caughtUp.push(m);
      // Batches come author by author, not in time order: keep the latest by display order.
      if (this.#caughtUp.length > kept) this.#caughtUp = this.#latestCaughtUp();
    }
  }

  #shownOfRound(): number {
    return this.#firstRound ? CAUGHT_UP_SHOWN : LIVE_ROUND_SHOWN;
  }

  #latestCaughtUp(): StoredMessage[] {
    return this.#caughtUp.sort(displayOrder).slice(-this.#shownOfRound());
  }

  /** Shows what collectCaughtUp took since the last time, as news that came while this user was here. */
  showCaughtUp(): void {
    this.#flushCaughtUp(false);
  }

  #flushCaughtUp(away: boolean): void {
    const latest = this.#latestCaughtUp();
    let count = this.#caughtUpCount;
    this.#firstRound = false;
    this.#caughtUp = [];
    this.#caughtUpCount = 0;
    const recent: MessageView[] = [];
    for (const m of latest) {
      const view = messageView(m.message, this.#options.identity);
      if (view === undefined) count--; // a private message whose seal does not open
      else recent.push({ ...view, history: true });
    }
    if (count > 0) this.emit('caughtUp', { count, recent, away });
  }

  #isForUser(m: StoredMessage): boolean {
    if (m.room !== null) return this.#rooms.has(m.room);
    if (!m.isPrivate) return false;
    // Private messages are few: finding their recipient reads them in full.
    return m.origin === this.#options.identity.nodeIdHex || Buffer.from(m.message.to?.nodeId ?? []).equals(this.#options.identity.nodeId);
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > MAX_SEEN) this.#seen.delete(this.#seen.values().next().value!);
  }

  #dispatch(frame: Frame, raw: Buffer): void {
    if (this.#sync?.handle(frame)) return;
    switch (frame.kind) {
      case 'message':
        return this.#onMessage(raw);
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

  /** A live message: verified and stored with the others of this turn, then shown if new to this user. */
  #onMessage(raw: Buffer): void {
    let bytes: Uint8Array;
    try {
      // A copy: the frame is a view of a network chunk, and waits here until the end of the turn.
      bytes = Uint8Array.prototype.slice.call(messageBytesOfFrame(raw));
    } catch (err) {
      this.#problem({ code: 'BAD_FRAME', message: (err as Error).message });
      return;
    }
    this.#incoming.push(bytes);
    if (this.#incoming.length === 1) setImmediate(() => this.#storeIncoming());
  }

  #storeIncoming(): void {
    const batch = this.#incoming;
    this.#incoming = [];
    this.#storing = this.#storing.then(async () => {
      let result;
      try {
        result = await this.#replica.ingest(batch);
      } catch (err) {
        this.#problem({ code: 'STORE_FAILED', message: `${batch.length} message(s) could not be stored: ${(err as Error).message}` });
        return;
      }
      for (const refusal of result.refused) {
        const from = refusal.origin === undefined ? 'a member' : `node ${refusal.origin.slice(0, 16)}`;
        this.#problem({ code: 'BAD_SIGNATURE', message: `refused a message from ${from} (seq ${refusal.seq ?? '?'}): ${refusal.reason}` });
      }
      // Known ones too: on a relay's node the relay may have stored a message before its user saw it.
      const accepted = [...result.fresh, ...result.known].sort(displayOrder);
      let gap = false;
      for (const m of accepted) {
        this.#clock = observe(this.#clock, { time: m.time, counter: m.counter }, Date.now());
        if ((this.#replica.vector.get(m.origin) ?? 0) < m.seq) gap = true;
        const id = storedMessageId(m);
        if (this.#seen.has(id)) continue;
        this.#remember(id);
        const view = messageView(m.message, this.#options.identity);
        if (view !== undefined) this.emit('message', view);
      }
      // A live message ahead of what is held of its author: ask for the missing ones now.
      if (gap) this.#sync?.request();
    });
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
    // Lines still waiting for their turn are stored: the relay's sync after the next welcome takes them.
    this.#pacer.clear();
    const wasConnected = this.#state === 'connected';
    this.#conn = undefined;
    this.#sync = undefined;
    clearInterval(this.#syncTimer);
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


function displayOrder(a: StoredMessage, b: StoredMessage): number {
  return a.time - b.time || a.counter - b.counter || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq);
}
