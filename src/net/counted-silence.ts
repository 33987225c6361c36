/**
 * How long something has gone on (a peer's silence, a send buffer that does not drain), counted by the
 * periodic checks of a connection rather than read off the wall clock. Pure: time comes in each call.
 *
 * A check that comes late means this process's event loop was blocked (a long task, a loaded machine):
 * meanwhile the peer's frames waited unread in the socket, and ours unsent. That stall is ours, not the
 * peer's, so a check counts at most `maxStepMs` (two check intervals) however late it comes, as raft
 * (etcd) counts its election timeout in ticks rather than in wall time, and memberlist (Lifeguard) stretches
 * its timeouts while the local node is the slow one. A dead peer is still found: on-time checks count in
 * full, and even checks that all come late add up.
 */
export class CountedSilence {
  readonly #maxStepMs: number;
  #lastCheckAt: number;
  #countedMs = 0;

  constructor(now: number, maxStepMs: number) {
    this.#lastCheckAt = now;
    this.#maxStepMs = maxStepMs;
  }

  /** What has been counted since the last reset. */
  get ms(): number {
    return this.#countedMs;
  }

  /** It ended (a frame came; the buffer drained): counting starts again from nothing. */
  reset(): void {
    this.#countedMs = 0;
  }

  /** A periodic check at `now`: adds the time since the last one, at most maxStepMs. Returns the count. */
  check(now: number): number {
    const step = Math.min(Math.max(now - this.#lastCheckAt, 0), this.#maxStepMs);
    this.#lastCheckAt = now;
    this.#countedMs += step;
    return this.#countedMs;
  }
}
