import { type Clock, monotonicNow } from '../util/monotonic.js';
import { CountedSilence } from './counted-silence.js';

export interface LivenessOptions {
  /** Checks run four times per interval; a quiet link gets a heartbeat once per interval. */
  heartbeatMs: number;
  /** Nothing heard this long (as counted): the peer is dead. */
  deadAfterMs: number;
  /** Bytes waiting and none of them taken this long (as counted): the peer is too slow. */
  sendStallMs: number;
}

/** What a connection lets its liveness checks see and do. */
export interface LivenessHooks {
  /** Not reading is this side's doing (a rate limit holds the peer back): that is not the peer's silence. */
  throttled(): boolean;
  /** Bytes waiting to be sent, and bytes the socket has written so far. */
  sendState(): { buffered: number; written: number };
  /** The peer was silent too long. */
  dead(message: string): void;
  /** The peer takes nothing of what waits for it. */
  slow(message: string): void;
  /** A check ran at `now` (on the liveness clock) and the link is alive: a heartbeat goes out if the link is quiet. */
  alive(now: number): void;
}

/**
 * One connection's heartbeat checks: is the peer heard, does it read what is sent. Both durations are
 * counted by the checks (counted-silence.ts), so a stall of this process's own event loop is not taken
 * for the peer's silence; and the verdict on silence waits for the reads of the turn, so frames that
 * waited in the socket while this process was busy count before it.
 */
export class Liveness {
  readonly #options: LivenessOptions;
  readonly #hooks: LivenessHooks;
  readonly #silence: CountedSilence;
  readonly #stalled: CountedSilence;
  #timer: NodeJS.Timeout | undefined;
  #judging = false;
  #writtenAtLastCheck = 0;
  #stopped = false;
  readonly #clock: Clock;

  /** `clock`: monotonic, so a step of the wall clock is not counted as silence nor as a stall. */
  constructor(options: LivenessOptions, hooks: LivenessHooks, clock: Clock = monotonicNow) {
    this.#options = options;
    this.#clock = clock;
    const now = clock();
    this.#hooks = hooks;
    const checkMs = options.heartbeatMs / 4;
    // A check counts at most two check intervals, however late it comes.
    this.#silence = new CountedSilence(now, 2 * checkMs);
    this.#stalled = new CountedSilence(now, 2 * checkMs);
  }

  /** Checks on a timer from now on; `heartbeatMs` 0 turns them off. */
  start(): void {
    if (this.#options.heartbeatMs <= 0 || this.#timer !== undefined || this.#stopped) return;
    // Four times per heartbeat interval, so a silent peer is declared dead within a quarter interval of
    // the limit rather than up to a whole interval late.
    this.#timer = setInterval(() => this.check(this.#clock()), this.#options.heartbeatMs / 4);
    this.#timer.unref();
  }

  /** Something came from the peer. */
  heard(): void {
    this.#silence.reset();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  /** One check: the timer's, or a test's with its own clock. */
  check(now: number): void {
    if (this.#stopped) return;
    if (this.#hooks.throttled()) this.#silence.reset();
    if (this.#silence.check(now) >= this.#options.deadAfterMs) this.#judgeSilence();
    const { buffered, written } = this.#hooks.sendState();
    const stalled = this.#stalled.check(now);
    if (buffered === 0 || written !== this.#writtenAtLastCheck) {
      this.#stalled.reset();
    } else if (stalled > this.#options.sendStallMs) {
      this.#hooks.slow(`peer has read nothing for ${stalled} ms`);
      return;
    }
    this.#writtenAtLastCheck = written;
    this.#hooks.alive(now);
  }

  /** Past the limit, as far as has been read: the verdict comes after this turn's reads (setImmediate runs after the poll phase). */
  #judgeSilence(): void {
    if (this.#judging) return;
    this.#judging = true;
    setImmediate(() => {
      this.#judging = false;
      const silent = this.#silence.ms;
      if (!this.#stopped && silent >= this.#options.deadAfterMs) this.#hooks.dead(`nothing heard for ${silent} ms`);
    });
  }
}
