import { EventEmitter } from 'node:events';
import type { Problem, RelayAddress, RelayInfo } from '../chat/views.js';
import { challengeNonce } from '../identity/proof.js';
import { connectionLimits, type Connection } from '../net/connection.js';
import { dial as dialTcp, type DialOptions } from '../net/dial.js';
import type { NetworkSecret } from '../net/secret.js';
import type { Frame } from '../wire/codec.js';
import { isLanchatError } from '../wire/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';
import { backoffDelay } from './backoff.js';
import { monotonicNow } from '../util/monotonic.js';
import { answerChallenge, type HelloSelf, helloOf, relayOf, welcomeProven } from './hello.js';
import type { LostInfo, Reconnect } from '../net/link-policy.js';

/** Opens a connection to a node: src/net/dial.ts, or an in-memory pair in tests. */
export type Dial = (host: string, port: number, options?: DialOptions) => Promise<Connection>;

export interface LinkOptions extends HelloSelf {
  relay: RelayAddress;
  helloTimeoutMs?: number;
  heartbeatMs?: number;
  /** Resolved (wire/limits.ts resolveLimits); DEFAULT_LIMITS unless given. */
  limits?: Readonly<Limits>;
  secret?: NetworkSecret;
  dial?: Dial;
  reconnect?: Reconnect;
  /** The nick and rooms a hello asks for, as they stand at each dial. */
  hello: () => { nick: string; rooms: string[] };
  /**
   * A welcome must prove the relay's node id even on an open network (the relay challenges the hello,
   * src/node/hello-challenge.ts). Off only for relays built bare in tests, which do not challenge.
   */
  requireRelayProof?: boolean;
}

interface LinkEvents {
  /** The relay took this node: the session runs on `conn` until 'down'. */
  welcome: [conn: Connection, welcome: lanchat.Welcome.$Shape, relay: RelayInfo];
  /** A frame of the session that is not the link's business (all but leave and redirect). */
  frame: [frame: Frame, raw: Buffer];
  /** A chat message of the session: its author's bytes, a view of the network chunk. */
  message: [bytes: Uint8Array];
  /** The connection, or the dial, is gone (also when stopped); 'lost' follows unless stopped. */
  down: [];
  /** Fired before the next dial is picked: a listener may retarget(). */
  lost: [info: LostInfo];
  disconnected: [info: { reason: string; retryInMs: number }];
  problem: [problem: Problem];
}

/** What a dial attempt learned of where its relay is, for the LostInfo of its loss. */
type Learned = Pick<LostInfo, 'refusal' | 'left' | 'redirected' | 'redirectedTo'>;
const NOTHING_LEARNED: Learned = { refusal: undefined, left: false, redirected: false, redirectedTo: undefined };

/**
 * The member's link to its relay: dials it, says hello, checks the welcome, follows redirects, and redials
 * with backoff when the link goes, where `reconnect` or a 'lost' listener says. Frames of a session go
 * out as events; what they mean is the member's business.
 */
export class Link extends EventEmitter<LinkEvents> {
  readonly #options: LinkOptions;
  readonly #limits: Readonly<Limits>;
  readonly #dial: Dial;
  #target: RelayAddress;
  #conn: Connection | undefined;
  #relay: RelayInfo | undefined;
  #state: 'idle' | 'dialing' | 'handshaking' | 'connected' | 'stopped' = 'idle';
  #attempt = 0;
  #redirects = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  /** When the next dial is due (monotonic), while one waits on #retryTimer. */
  #nextDialAt: number | undefined;
  #relayLeaveReason: string | undefined;
  #redialNow = false;
  /** For the next dial only: a shorter timeout when the target is probably gone. */
  #nextDialTimeoutMs: number | undefined;
  #learned = NOTHING_LEARNED;
  #inLost = false;
  #lastRefusal: string | undefined;

  constructor(options: LinkOptions) {
    super();
    this.#options = options;
    this.#limits = options.limits ?? DEFAULT_LIMITS;
    this.#dial = options.dial ?? dialTcp;
    this.#target = options.relay;
  }

  get target(): RelayAddress {
    return this.#target;
  }

  get relay(): RelayInfo | undefined {
    return this.#relay;
  }

  get isConnected(): boolean {
    return this.#state === 'connected';
  }

  get isStopped(): boolean {
    return this.#state === 'stopped';
  }

  /** The session's connection, while there is one. */
  get session(): Connection | undefined {
    return this.#state === 'connected' ? this.#conn : undefined;
  }

  /** The connection being set up or in use (also while it closes). */
  get connection(): Connection | undefined {
    return this.#conn;
  }

  /**
   * How long until the next dial, while one waits (after a loss, for its backoff); 0 while a dial or
   * handshake is under way, or nothing is waited for.
   */
  nextDialInMs(now: number = monotonicNow()): number {
    return this.#nextDialAt === undefined ? 0 : Math.max(0, Math.round(this.#nextDialAt - now));
  }

  start(): void {
    if (this.#state === 'idle') this.#startDial();
  }

  /** Member.retarget(): see there. */
  retarget(target: RelayAddress, { force = false, backoff = false, dialTimeoutMs }: { force?: boolean; backoff?: boolean; dialTimeoutMs?: number } = {}): void {
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
      this.#startDial();
    } else if (this.#state === 'connected' ? force : changed) {
      this.#redialNow = true;
      this.#conn?.close();
    }
  }

  /** Says goodbye to the relay, if connected, and resolves once the connection is gone. */
  async stop(reason: string): Promise<void> {
    if (this.#state === 'stopped') return;
    const conn = this.session;
    this.#state = 'stopped';
    clearTimeout(this.#retryTimer);
    this.#nextDialAt = undefined;
    if (conn === undefined) {
      this.#conn?.close();
      return;
    }
    const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()));
    conn.sendFrame({ leave: { reason } });
    conn.close();
    await closed;
  }

  #startDial(): void {
    this.#state = 'dialing';
    this.#nextDialAt = undefined;
    const { host, port } = this.#target;
    const timeoutMs = this.#nextDialTimeoutMs;
    this.#nextDialTimeoutMs = undefined;
    const { secret, network } = this.#options;
    this.#dial(host, port, {
      ...connectionLimits(this.#limits),
      heartbeatMs: this.#options.heartbeatMs ?? this.#limits.heartbeatMs,
      messageBytes: true,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(secret === undefined ? {} : { secret }),
    }).then(
      (conn) => this.#handshake(conn),
      (err: Error) => {
        if (isLanchatError(err, 'WRONG_SECRET')) this.#refused({ code: 'WRONG_SECRET', host, port, network, cause: 'mismatch', detail: err.message });
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
    const timer = setTimeout(() => conn.close('HELLO_TIMEOUT', 'no welcome within the time limit', false), this.#options.helloTimeoutMs ?? this.#limits.helloTimeoutMs);
    let answered = false;
    const nonce = challengeNonce();
    conn.on('frame', (frame, raw) => {
      if (this.#conn !== conn) return;
      answered = true;
      if (this.#state !== 'handshaking') return this.#onSessionFrame(frame, raw);
      // A challenge comes before the welcome: the welcome still has the time limit to come.
      if (frame.kind !== 'challenge') clearTimeout(timer);
      this.#onHandshakeFrame(conn, frame, nonce);
    });
    conn.on('message', (bytes) => {
      if (this.#conn !== conn) return;
      answered = true;
      if (this.#state !== 'handshaking') return void this.emit('message', bytes);
      clearTimeout(timer);
      conn.close('UNEXPECTED_FRAME', 'expected a welcome, got message');
    });
    conn.once('close', (info) => {
      clearTimeout(timer);
      if (this.#conn !== conn) return;
      // Only a hang-up without a single frame: a refusal (NOT_RELAY, BANNED...) comes as an error frame first.
      if (info.byPeer && !answered && this.#state === 'handshaking' && this.#options.secret === undefined) this.#maybeSecretNeeded();
      this.#lost(this.#relayLeaveReason ?? (info.byPeer ? 'the relay closed the connection' : info.message));
    });
    conn.sendFrame({ hello: helloOf(this.#options, this.#options.hello(), conn.proofMaterial(), nonce) });
  }

  /**
   * A node that hangs up on a hello without a word is a node with a room secret: its TLS listener drops
   * plain TCP. Said once, as for any refusal.
   */
  #maybeSecretNeeded(): void {
    const { host, port } = this.#target;
    this.#refused({ code: 'WRONG_SECRET', host, port, network: this.#options.network, cause: 'maybe-needed' });
  }

  /**
   * The node being dialed refused this one. Told to the user once, not at every retry while it keeps
   * refusing, except NOT_RELAY: the normal answer of a node about to become the relay, not worth a word.
   */
  #refused(problem: Problem): void {
    this.#learned = { ...this.#learned, refusal: problem.code };
    const key = JSON.stringify(problem);
    if (key !== this.#lastRefusal && problem.code !== 'NOT_RELAY') this.emit('problem', problem);
    this.#lastRefusal = key;
  }

  #onHandshakeFrame(conn: Connection, frame: Frame, nonce: Buffer): void {
    switch (frame.kind) {
      case 'heartbeat':
        // A relay slow to welcome (a loaded machine) keeps the link alive meanwhile: wait on.
        return;
      case 'challenge': {
        // Once per link, and only where nothing else binds a proof (TLS does).
        const answer = conn.proofMaterial() === undefined ? answerChallenge(this.#options, frame.challenge, nonce) : undefined;
        if (answer === undefined) {
          conn.close('BAD_FRAME', 'an unexpected or malformed challenge');
          return;
        }
        conn.adoptProofMaterial(answer.material);
        conn.sendFrame({ challenge: { proof: answer.proof } });
        return;
      }
      case 'welcome': {
        if (!welcomeProven(frame.welcome, conn.proofMaterial(), this.#options.requireRelayProof === true)) {
          this.emit('problem', { code: 'BAD_IDENTITY', host: this.#target.host, port: this.#target.port });
          conn.close('BAD_IDENTITY', 'the welcome does not prove the relay id');
          return;
        }
        this.#onWelcome(conn, frame.welcome);
        return;
      }
      case 'redirect': {
        const { host, port } = frame.redirect;
        if (host && port && this.#redirects < this.#limits.redirects) {
          this.#redirects++;
          this.#follow({ host, port }, frame.redirect.relayId);
        }
        conn.close();
        return;
      }
      case 'error':
        // The relay closes after refusing a hello.
        this.#refused({ code: frame.error.code ?? '', remote: { message: frame.error.message ?? '' } });
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
    this.#relay = relayOf(welcome, this.#target);
    this.emit('welcome', conn, welcome, this.#relay);
  }

  #onSessionFrame(frame: Frame, raw: Buffer): void {
    switch (frame.kind) {
      case 'leave':
        this.#relayLeaveReason = `the relay left (${frame.leave.reason || 'no reason given'})`;
        this.#learned = { ...this.#learned, left: true };
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
        this.emit('frame', frame, raw);
    }
  }

  #follow(target: RelayAddress, relayId: Uint8Array | null | undefined): void {
    this.#target = target;
    this.#redialNow = true;
    this.#learned = { ...this.#learned, redirected: true, redirectedTo: relayId && relayId.length > 0 ? Buffer.from(relayId).toString('hex') : undefined };
  }

  #lost(reason: string): void {
    const wasConnected = this.#state === 'connected';
    this.#conn = undefined;
    this.emit('down');
    if (this.#state === 'stopped') return;
    this.#state = 'idle';
    const info: LostInfo = { reason, relay: wasConnected ? this.#relay : undefined, target: this.#target, ...this.#learned };
    this.#learned = NOTHING_LEARNED;
    this.#inLost = true;
    try {
      this.emit('lost', info);
      // The policy, when given, has the last word (after any listener's retarget).
      const next = this.#options.reconnect?.(info);
      if (next !== undefined) this.retarget(next.target, { backoff: next.delay === 'backoff', dialTimeoutMs: next.dialTimeoutMs });
    } finally {
      this.#inLost = false;
    }
    if (this.#state !== 'idle') return; // stopped meanwhile
    const retryInMs = this.#redialNow ? 0 : backoffDelay(this.#attempt++);
    this.#redialNow = false;
    if (wasConnected || this.#attempt === 1) this.emit('disconnected', { reason, retryInMs });
    this.#nextDialAt = monotonicNow() + retryInMs;
    this.#retryTimer = setTimeout(() => this.#startDial(), retryInMs);
  }
}
