import { TokenBucket, type Clock } from '../net/rate-limit.js';
import { monotonicNow } from '../util/monotonic.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/**
 * A member keeps under the relay's rate limit of its own accord: a pasted block goes out at the rate, as
 * IRC clients pace a paste, instead of being held back by the relay and, past its patience, dropped.
 * A little under the relay's rate, since heartbeats and sync frames count there too.
 */
export const PACE_PER_SEC = DEFAULT_LIMITS.ratePerSec * 0.9;
export const PACE_BURST = DEFAULT_LIMITS.rateBurst * 0.9;

export interface PacerOptions {
  now?: Clock;
  schedule?: (run: () => void, ms: number) => { cancel: () => void };
}

/** Sends items in order, at most at the pace; what waits is held in order. No I/O of its own. */
export class Pacer<T> {
  readonly #send: (item: T) => void;
  readonly #bucket: TokenBucket;
  readonly #schedule: NonNullable<PacerOptions['schedule']>;
  readonly #waiting: T[] = [];
  #timer: { cancel: () => void } | undefined;

  constructor(send: (item: T) => void, { now = monotonicNow, schedule = defaultSchedule }: PacerOptions = {}) {
    this.#send = send;
    this.#bucket = new TokenBucket(PACE_PER_SEC, PACE_BURST, now);
    this.#schedule = schedule;
  }

  /** Items not sent yet. */
  get waiting(): number {
    return this.#waiting.length;
  }

  push(item: T): void {
    this.#waiting.push(item);
    if (this.#timer === undefined) this.#drain();
  }

  /** Drops what waits (the link is gone: those lines are stored, and the next sync delivers them). */
  clear(): T[] {
    this.#timer?.cancel();
    this.#timer = undefined;
    return this.#waiting.splice(0);
  }

  #drain(): void {
    this.#timer = undefined;
    while (this.#waiting.length > 0) {
      const wait = this.#bucket.take(1);
      if (wait > 0) {
        this.#timer = this.#schedule(() => this.#drain(), wait);
        return;
      }
      this.#send(this.#waiting.shift()!);
    }
  }
}

function defaultSchedule(run: () => void, ms: number): { cancel: () => void } {
  const timer = setTimeout(run, ms);
  return { cancel: () => clearTimeout(timer) };
}
