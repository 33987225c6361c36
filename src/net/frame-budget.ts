import { DEFAULT_LIMITS } from '../wire/limits.js';

/** Something that holds an unfinished frame (a connection) and can let go of it by closing. */
export interface FrameHolder {
  /** Closes, dropping the frame; `message` says why. The budget has already stopped counting it. */
  shed(message: string): void;
}

/**
 * The bytes all the connections of one listener hold for unfinished frames, under one cap. Each
 * connection says what it holds after every read; over the cap, the holder of the biggest unfinished
 * frame is shed (closed), then the next biggest, until the rest fit. Exempt holders (the node's own
 * member) count but are never shed. No timers, no sockets: the connections carry it out.
 */
export class PartialFrameBudget {
  readonly maxBytes: number;
  readonly #held = new Map<FrameHolder, number>();
  readonly #exempt = new WeakSet<FrameHolder>();
  #total = 0;
  #peak = 0;

  constructor(maxBytes = DEFAULT_LIMITS.partialFramesBytes) {
    this.maxBytes = maxBytes;
  }

  /** What all holders hold now. */
  get heldBytes(): number {
    return this.#total;
  }

  /** The most they held at once, after shedding (for tests and measurements). */
  get peakBytes(): number {
    return this.#peak;
  }

  /** `holder` now holds `bytes` (0: none). Over the cap, sheds the biggest holders until the rest fit. */
  hold(holder: FrameHolder, bytes: number): void {
    this.#total += bytes - (this.#held.get(holder) ?? 0);
    if (bytes > 0) this.#held.set(holder, bytes);
    else this.#held.delete(holder);
    while (this.#total > this.maxBytes) {
      const victim = this.#biggest();
      if (victim === undefined) break;
      const [shed, size] = victim;
      this.release(shed);
      shed.shed(`${this.#total + size} bytes of unfinished frames held, over the ${this.maxBytes}-byte cap; this connection held the most (${size})`);
    }
    this.#peak = Math.max(this.#peak, this.#total);
  }

  /** `holder` is gone: what it held no longer counts. */
  release(holder: FrameHolder): void {
    this.#total -= this.#held.get(holder) ?? 0;
    this.#held.delete(holder);
  }

  /** Never shed `holder` (its bytes still count). */
  exempt(holder: FrameHolder): void {
    this.#exempt.add(holder);
  }

  #biggest(): [FrameHolder, number] | undefined {
    let found: [FrameHolder, number] | undefined;
    for (const entry of this.#held) {
      if (!this.#exempt.has(entry[0]) && (found === undefined || entry[1] > found[1])) found = entry;
    }
    return found;
  }
}
