/** A token bucket: `perSec` a second, up to `burst` at once. Time is given, so the rule is pure. */
export class Bucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly perSec: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#at = now;
  }

  /** Takes one token at `now` (ms); false when there is none. */
  take(now: number): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.perSec);
    this.#at = Math.max(this.#at, now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
