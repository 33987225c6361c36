import type { Frame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

import { type Clock, monotonicNow } from '../util/monotonic.js';

export type { Clock };

/**
 * A token bucket: holds up to `burst` tokens, refilled at `ratePerSec`. Pure but for the clock, which
 * tests inject.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: Clock;
  #tokens: number;
  #at: number;

  constructor(ratePerSec: number, burst: number, now: Clock = monotonicNow) {
    this.#perMs = ratePerSec / 1000;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  /**
   * Takes `cost` tokens and returns 0 when there are that many; otherwise takes nothing and returns the
   * milliseconds until there will be.
   */
  take(cost: number): number {
    this.#refill();
    // A cost above the burst could never be paid: it costs a whole bucket instead.
    const due = Math.min(cost, this.#burst);
    // Fractional costs add up with rounding errors; a millionth of a token is not worth a wait.
    if (this.#tokens + 1e-6 >= due) {
      this.#tokens = Math.max(0, this.#tokens - due);
      return 0;
    }
    return Math.max(1, Math.ceil((due - this.#tokens) / this.#perMs - 1e-6));
  }

  #refill(): void {
    const now = this.#now();
    if (now > this.#at) this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#at) * this.#perMs);
    this.#at = now;
  }
}

/**
 * What one inbound frame costs. The frames a relay multiplies to every member cost a whole token; the
 * rest are cheap to handle once and are paced by protocol (heartbeats) or by the side that asks (sync).
 */
export function frameCost(frame: Frame): number {
  switch (frame.kind) {
    case 'message':
    case 'join':
    case 'part':
    case 'nick':
      return 1;
    default:
      return DEFAULT_LIMITS.rateOtherCost;
  }
}

/**
 * What one inbound frame costs in sync bytes: a sync frame its size, anything else nothing. Sync frames
 * draw on a bucket of bytes of their own (syncReadBytes a second), so a batch costs in proportion to
 * what it makes the relay verify and store, and a catch-up is never mistaken for chat over the rate.
 */
export function syncBytesCost(frame: Frame, raw: Buffer): number {
  switch (frame.kind) {
    case 'syncOffer':
    case 'syncRequest':
    case 'syncBatch':
      return raw.length;
    default:
      return 0;
  }
}

export interface RateLimitOptions {
  ratePerSec?: number;
  burst?: number;
  /** Bytes of sync frames read a second, and the burst (syncReadBytes). */
  syncBytesPerSec?: number;
  /** Held back this long without easing off: dropped. */
  dropAfterMs?: number;
  now?: Clock;
}

/** What the throttle drives: the connection it reads for. */
export interface ThrottleTarget {
  /** Stop reading the socket. */
  pause(): void;
  resume(): void;
  deliver(frame: Frame, raw: Buffer): void;
  drop(message: string): void;
}

/**
 * The read side of the rate limit. Frames under the limit pass straight through. The first one over it
 * stops the socket being read; it and the frames already read with it (at most one socket chunk) are
 * held, in order, and handed on as tokens come back; then reading resumes. So a peer over the limit is
 * slowed to the rate and loses nothing, and the memory held for it is bounded by one chunk.
 *
 * A peer stays "over" from the first frame held until its bucket is half full again, i.e. until it has
 * eased off for a while; over for `dropAfterMs`, it is dropped.
 */
export class InboundThrottle {
  readonly #target: ThrottleTarget;
  readonly #bucket: TokenBucket;
  readonly #syncBucket: TokenBucket;
  readonly #rate: number;
  readonly #burst: number;
  readonly #dropAfterMs: number;
  readonly #now: Clock;
  /** Frames held back, in order; `paid`: its sync bytes are taken already (it waits for chat tokens). */
  #held: { frame: Frame; raw: Buffer; paid?: boolean }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #overSince: number | undefined;
  #disposed = false;

  constructor(target: ThrottleTarget, options: RateLimitOptions = {}) {
    this.#target = target;
    this.#now = options.now ?? monotonicNow;
    this.#rate = options.ratePerSec ?? DEFAULT_LIMITS.ratePerSec;
    this.#burst = options.burst ?? DEFAULT_LIMITS.rateBurst;
    this.#bucket = new TokenBucket(this.#rate, this.#burst, this.#now);
    const syncBytes = options.syncBytesPerSec ?? DEFAULT_LIMITS.syncReadBytes;
    this.#syncBucket = new TokenBucket(syncBytes, syncBytes, this.#now);
    this.#dropAfterMs = options.dropAfterMs ?? DEFAULT_LIMITS.rateDropMs;
  }

  /** True while frames are held and the socket is not read. */
  get throttled(): boolean {
    return this.#held.length > 0;
  }

  push(frame: Frame, raw: Buffer): void {
    if (this.#disposed) return;
    if (this.#held.length > 0) {
      this.#held.push({ frame, raw });
      return;
    }
    if (this.#overSince !== undefined && this.#bucket.tokens >= this.#burst / 2) this.#overSince = undefined;
    const entry: { frame: Frame; raw: Buffer; paid?: boolean } = { frame, raw };
    const wait = this.#take(entry);
    if (wait === 0) {
      this.#target.deliver(frame, raw);
      return;
    }
    this.#held.push(entry);
    this.#target.pause();
    this.#schedule(wait);
  }

  /**
   * Takes what `entry` costs, sync bytes first: 0 when paid, or the wait. Waiting for sync bytes slows
   * the peer and no more (an honest catch-up may be big); waiting for chat tokens counts towards a drop.
   */
  #take(entry: { frame: Frame; raw: Buffer; paid?: boolean }): number {
    if (entry.paid !== true) {
      const bytes = syncBytesCost(entry.frame, entry.raw);
      const syncWait = bytes === 0 ? 0 : this.#syncBucket.take(bytes);
      if (syncWait > 0) return syncWait;
      entry.paid = true;
    }
    const wait = this.#bucket.take(frameCost(entry.frame));
    if (wait > 0) this.#overSince ??= this.#now();
    return wait;
  }

  /** Hands on whatever is held, now, and stops limiting (the connection turned out to be trusted). */
  release(): void {
    const held = this.#held;
    this.dispose();
    for (const { frame, raw } of held) this.#target.deliver(frame, raw);
    if (held.length > 0) this.#target.resume();
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#timer);
    this.#held = [];
  }

  #schedule(wait: number): void {
    this.#timer = setTimeout(() => this.#drain(), wait);
    this.#timer.unref();
  }

  #drain(): void {
    while (!this.#disposed && this.#held.length > 0) {
      const next = this.#held[0]!;
      const wait = this.#take(next);
      if (wait > 0) {
        const over = this.#now() - (this.#overSince ?? this.#now());
        if (over >= this.#dropAfterMs) {
          this.dispose();
          this.#target.drop(`over the rate limit of ${this.#rate} frames a second for ${over} ms`);
        } else {
          this.#schedule(wait);
        }
        return;
      }
      this.#held.shift();
      this.#target.deliver(next.frame, next.raw);
    }
    if (!this.#disposed) this.#target.resume();
  }
}
