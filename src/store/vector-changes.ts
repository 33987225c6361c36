/** How many changes are kept: a reader further behind walks the whole vector again. */
const KEEP = 8_192;

/**
 * The origins whose vector entry or top moved, in the order of the appends that moved them, so an offer
 * to a peer (sync/page.ts `planOffer`) looks at what changed since its last one rather than at every
 * origin. Bounded: past `keep` entries the older half is dropped, and a reader that far behind is told
 * so (it walks the whole vector then, as on its first offer). Positions only grow.
 */
export class VectorChanges {
  readonly #keep: number;
  #origins: string[] = [];
  /** The position of #origins[0]. */
  #start = 0;

  constructor(keep = KEEP) {
    this.#keep = Math.max(2, keep);
  }

  /** The position after the last change: a reader keeps it, and asks `since` it next time. */
  get end(): number {
    return this.#start + this.#origins.length;
  }

  /** One append moved these origins. */
  add(origins: Iterable<string>): void {
    for (const origin of origins) this.#origins.push(origin);
    if (this.#origins.length > this.#keep) {
      const drop = this.#origins.length - Math.floor(this.#keep / 2);
      this.#origins = this.#origins.slice(drop);
      this.#start += drop;
    }
  }

  /** The origins moved since position `from` (repeats possible), or undefined when some were dropped. */
  since(from: number): readonly string[] | undefined {
    if (from < this.#start || from > this.end) return undefined;
    return this.#origins.slice(from - this.#start);
  }
}
