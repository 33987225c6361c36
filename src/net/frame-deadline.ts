import { type Clock, monotonicNow } from '../util/monotonic.js';

/**
 * The clock of a connection's unfinished frame: it must be whole within `deadlineMs` of its first byte,
 * however its bytes are paced. One timer per connection, made when a frame is first left unfinished and
 * re-armed only when it fires (a busy link, where many reads end mid-frame, costs no timer per read).
 */
export class FrameDeadline {
  readonly #deadlineMs: number;
  readonly #expired: (ageMs: number) => void;
  readonly #paused: () => boolean;
  readonly #now: Clock;
  /** When the first byte of the unfinished frame came; undefined while none is. */
  #startedAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  /**
   * `expired` is called once a frame is older than `deadlineMs` (0: never); while `paused()` holds, the
   * frame is not being read by our choice, and its clock starts again. `now`: a monotonic clock (a step of
   * the wall clock must neither expire a young frame nor keep an old one alive); `read` takes its time.
   */
  constructor(deadlineMs: number, expired: (ageMs: number) => void, paused: () => boolean = () => false, now: Clock = monotonicNow) {
    this.#deadlineMs = deadlineMs;
    this.#now = now;
    this.#expired = expired;
    this.#paused = paused;
  }

  /** After a read at `now` (on this deadline's clock): whether a frame is left unfinished, and whether it began in this read (frames ended in it). */
  read(now: number, unfinished: boolean, framesEnded: number): void {
    if (!unfinished) this.#startedAt = undefined;
    else if (framesEnded > 0 || this.#startedAt === undefined) this.#begin(now);
  }

  stop(): void {
    this.#startedAt = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #begin(now: number): void {
    this.#startedAt = now;
    if (this.#deadlineMs > 0 && this.#timer === undefined) this.#arm(this.#deadlineMs);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), ms);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    const started = this.#startedAt;
    if (started === undefined) return;
    const now = this.#now();
    if (this.#paused()) {
      this.#begin(now);
      return;
    }
    const age = now - started;
    if (age >= this.#deadlineMs) this.#expired(age);
    else this.#arm(this.#deadlineMs - age);
  }
}
