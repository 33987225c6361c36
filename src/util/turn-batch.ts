/**
 * "Collect this turn, act once at its end": frames that arrive in one network chunk, or lines typed in one
 * keystroke burst, are stored, verified or flushed together, in one LevelDB batch or one write, instead of
 * one at a time. Both classes own no timer: `defer` runs a callback once the current turn is done
 * (setImmediate by default; process.nextTick to act before any I/O of the next turn).
 */
export type Defer = (run: () => void) => void;

/** Runs `action` once at the end of the turn in which `request()` was first called. */
export class OncePerTurn {
  readonly #action: () => void;
  readonly #defer: Defer;
  #scheduled = false;

  constructor(action: () => void, defer: Defer = setImmediate) {
    this.#action = action;
    this.#defer = defer;
  }

  get scheduled(): boolean {
    return this.#scheduled;
  }

  request(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#defer(() => {
      this.#scheduled = false;
      this.#action();
    });
  }
}

/** Items pushed during one turn, handed to `flush` together, in the order pushed, at the end of it. */
export class TurnBatch<T> {
  readonly #flush: (items: T[]) => void;
  readonly #turn: OncePerTurn;
  #items: T[] = [];

  constructor(flush: (items: T[]) => void, defer: Defer = setImmediate) {
    this.#flush = flush;
    this.#turn = new OncePerTurn(() => this.flushNow(), defer);
  }

  /** Items waiting for the end of the turn. */
  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    this.#items.push(item);
    this.#turn.request();
  }

  /** Hands over what waits now (if anything); the end of the turn then finds nothing to do. */
  flushNow(): void {
    if (this.#items.length === 0) return;
    const items = this.#items;
    this.#items = [];
    this.#flush(items);
  }
}
