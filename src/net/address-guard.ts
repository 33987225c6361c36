import type { Socket } from 'node:net';
import { encodeFrame } from '../wire/codec.js';
import type { ErrorCode } from '../wire/errors.js';
import { normalizeAddress } from './address.js';
import type { CloseInfo, Connection } from './connection.js';
import { type Clock, monotonicNow } from '../util/monotonic.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

export interface AddressGuardOptions {
  maxPerAddress?: number;
  failuresToBan?: number;
  failureWindowMs?: number;
  banMs?: number;
  /**
   * Addresses neither capped nor banned. A node's own member dials its relay from 127.0.0.1: banning that
   * address would cut the relay off from its own user, and a process on this machine has easier ways to
   * do harm than connecting. Remote hosts cannot send from a loopback address.
   */
  exempt?: readonly string[];
  now?: Clock;
}

export interface Refusal {
  code: Extract<ErrorCode, 'BANNED' | 'TOO_MANY_CONNECTIONS'>;
  message: string;
}

/** Close codes that mean a peer failed its handshake or sent what no lanchat sends: they count toward a ban. */
const FAILURE_CODES: ReadonlySet<CloseInfo['code']> = new Set([
  'HELLO_TIMEOUT',
  'BAD_FRAME',
  'FRAME_TOO_LARGE',
  // No lanchat takes seconds over one frame on a LAN: a peer that does is holding memory on purpose.
  'FRAME_TIMEOUT',
  'UNEXPECTED_FRAME',
  'PROTOCOL_VERSION',
  'WRONG_NETWORK',
]);

/** Above this many addresses remembered for their failures, expired records are swept. */
const SWEEP_ABOVE = 1_024;
/** Failure records kept at most, however many addresses fail at once; the oldest are forgotten first. */
const MAX_TRACKED = 65_536;

/**
 * Who may connect, by remote address: at most `maxPerAddress` open connections each, and an address with
 * `failuresToBan` failed handshakes within `failureWindowMs` is refused for `banMs`. Pure but for the
 * clock; the listener asks it at accept, and anything that sees a handshake fail (the TLS layer too)
 * calls failed().
 */
export class AddressGuard {
  readonly #maxPerAddress: number;
  readonly #failuresToBan: number;
  readonly #failureWindowMs: number;
  readonly #banMs: number;
  readonly #exempt: ReadonlySet<string>;
  readonly #now: Clock;
  readonly #open = new Map<string, number>();
  readonly #failures = new Map<string, number[]>();
  readonly #bannedUntil = new Map<string, number>();
  /** Sweeps only when the records doubled since the last one, so many failing addresses cost O(1) each. */
  #sweepAbove = SWEEP_ABOVE;

  constructor(options: AddressGuardOptions = {}) {
    this.#maxPerAddress = options.maxPerAddress ?? DEFAULT_LIMITS.connectionsPerAddress;
    this.#failuresToBan = options.failuresToBan ?? DEFAULT_LIMITS.failedHandshakesToBan;
    this.#failureWindowMs = options.failureWindowMs ?? DEFAULT_LIMITS.failedHandshakeWindowMs;
    this.#banMs = options.banMs ?? DEFAULT_LIMITS.banMs;
    this.#exempt = new Set((options.exempt ?? []).map(normalizeAddress));
    this.#now = options.now ?? monotonicNow;
  }

  /** Counts a new connection from `address`, or says why it is refused (and then does not count it). */
  admit(address: string): Refusal | undefined {
    const key = normalizeAddress(address);
    if (this.#exempt.has(key)) return undefined;
    if (this.isBanned(key)) {
      return { code: 'BANNED', message: 'too many failed handshakes from this address; try again later' };
    }
    const open = this.#open.get(key) ?? 0;
    if (open >= this.#maxPerAddress) {
      return { code: 'TOO_MANY_CONNECTIONS', message: `this address already has ${open} connections open` };
    }
    this.#open.set(key, open + 1);
    return undefined;
  }

  /** A connection admit() counted has closed. */
  release(address: string): void {
    const key = normalizeAddress(address);
    const open = this.#open.get(key);
    if (open === undefined) return;
    if (open <= 1) this.#open.delete(key);
    else this.#open.set(key, open - 1);
  }

  /** A handshake from `address` failed (timed out, bad first frame, TLS refused...). */
  failed(address: string): void {
    const key = normalizeAddress(address);
    if (this.#exempt.has(key)) return;
    const now = this.#now();
    const recent = (this.#failures.get(key) ?? []).filter((t) => now - t < this.#failureWindowMs);
    recent.push(now);
    if (recent.length >= this.#failuresToBan) {
      this.#failures.delete(key);
      this.#bannedUntil.set(key, now + this.#banMs);
    } else {
      this.#failures.set(key, recent);
    }
    if (this.trackedAddresses > this.#sweepAbove) this.#sweep(now);
  }

  isBanned(address: string): boolean {
    const key = normalizeAddress(address);
    const until = this.#bannedUntil.get(key);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#bannedUntil.delete(key);
    return false;
  }

  /** Addresses remembered for failures or a ban. */
  get trackedAddresses(): number {
    return this.#failures.size + this.#bannedUntil.size;
  }

  /** Connections counted as open from `address`. */
  openFrom(address: string): number {
    return this.#open.get(normalizeAddress(address)) ?? 0;
  }

  /**
   * Counts `conn` (already admitted) until it closes (unless `release` is false: its raw socket is
   * counted instead), and its close as a failed handshake when it was
   * closed by this side for one of the reasons no working lanchat peer earns, or for silence before it
   * sent a single frame.
   */
  watch(conn: Connection, address: string, { release = true }: { release?: boolean } = {}): void {
    let spoke = false;
    conn.once('frame', () => (spoke = true));
    conn.once('close', (info) => {
      if (release) this.release(address);
      if (info.byPeer) return;
      if (FAILURE_CODES.has(info.code) || (info.code === 'HEARTBEAT_TIMEOUT' && !spoke)) this.failed(address);
    });
  }

  #sweep(now: number): void {
    for (const [key, times] of this.#failures) {
      if (times.every((t) => now - t >= this.#failureWindowMs)) this.#failures.delete(key);
    }
    for (const [key, until] of this.#bannedUntil) {
      if (until <= now) this.#bannedUntil.delete(key);
    }
    for (const key of this.#failures.keys()) {
      if (this.#failures.size <= MAX_TRACKED) break;
      this.#failures.delete(key);
    }
    this.#sweepAbove = Math.max(SWEEP_ABOVE, 2 * this.trackedAddresses);
  }
}

/**
 * Closes a socket refused at accept. The peer is told why in one Error frame (a few bytes, written once),
 * never read from, and destroyed soon whether or not it reads.
 */
export function refuse(socket: Socket, refusal: Refusal): void {
  socket.on('error', () => undefined);
  socket.end(encodeFrame({ error: { code: refusal.code, message: refusal.message } }));
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}

/** A refused socket is kept at most this long for its Error frame to leave. */
const REFUSED_LINGER_MS = 1_000;
