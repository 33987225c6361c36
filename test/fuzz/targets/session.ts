import type { CloseInfo, Connection } from '../../../src/net/connection.js';
import type { HistoryStore } from '../../../src/store/history-store.js';
import { verifyMessages } from '../../../src/sync/signature.js';
import type { Frame } from '../../../src/wire/codec.js';
import { Waiters } from '../../helpers/waiters.js';
import { FUZZ_NETWORK } from '../corpus.js';
import { invariant } from '../engine.js';

/** What the relay and member harnesses share: watching connections, waiting on frames, auditing a store. */

/** How long a harness waits for something a live peer does at once (a forward, a store). */
export const LIVENESS_TIMEOUT_MS = 3_000;

/**
 * A close that means a handler threw: the Connection turns any exception out of a frame handler into a
 * close, so this is the only trace such a bug leaves. "refusing to send" is a handler building a frame
 * over the limit out of what a peer sent.
 */
export function handlerFailure(info: CloseInfo): boolean {
  return info.message.startsWith('frame handling failed') || info.message.startsWith('refusing to send');
}

/** Collects handler failures on the connections it is shown. */
export class FailureLog {
  readonly #failures: string[] = [];

  watch(conn: Connection, who: string): void {
    conn.once('close', (info) => {
      if (handlerFailure(info)) this.#failures.push(`${who} closed by a handler exception: ${info.code} ${info.message}`);
    });
  }

  /** Throws for the failures seen since the last call. */
  throwIfAny(): void {
    const failures = this.#failures.splice(0);
    invariant(failures.length === 0, () => failures.join('; '));
  }
}

/** A well-behaved peer's end of a connection: it notices the frames it waits for as they come. */
export class Listener {
  readonly conn: Connection;
  readonly #waiters = new Waiters();
  #closed: CloseInfo | undefined;
  #last: { frame: Frame; raw: Buffer } | undefined;

  constructor(conn: Connection) {
    this.conn = conn;
    conn.on('frame', (frame, raw) => {
      this.#last = { frame, raw };
      this.#waiters.notify();
      this.#last = undefined;
    });
    conn.once('close', (info) => {
      this.#closed = info;
      this.#waiters.notify();
    });
  }

  get closed(): CloseInfo | undefined {
    return this.#closed;
  }

  /**
   * Resolves with the first frame from now on that `match` accepts. Only frames arriving after the call
   * count, so nothing needs to be kept of the thousands that pass by.
   */
  next(match: (frame: Frame, raw: Buffer) => boolean, what: string, timeoutMs = LIVENESS_TIMEOUT_MS): Promise<Frame> {
    return this.#waiters.until(
      () => {
        if (this.#closed !== undefined) throw new Error(`connection closed (${this.#closed.code} ${this.#closed.message}) while waiting for ${what}`);
        const last = this.#last;
        return last !== undefined && match(last.frame, last.raw) ? last.frame : undefined;
      },
      timeoutMs,
      () => `no ${what} within ${timeoutMs} ms`,
    );
  }
}

/** Every message in `store` is authentic: nothing unverified ever gets there. Returns how many it holds. */
export async function auditStore(store: HistoryStore): Promise<number> {
  const count = await store.count();
  const all = await store.latest({ limit: count + 1 });
  invariant(all.length === count, `the store counts ${count} messages but lists ${all.length}`);
  const { refused } = verifyMessages(all, FUZZ_NETWORK);
  invariant(refused.length === 0, () => `the store holds ${refused.length} message(s) failing verification: ${refused.map((r) => `${r.message.origin.slice(0, 8)}/${r.message.seq} ${r.reason}`).join(', ')}`);
  return count;
}

/** One turn of the event loop: what a case set off (closes, broadcasts, store batches) has started. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
