import { EventEmitter } from 'node:events';
import type { Connection } from '../net/connection.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Frame } from '../wire/codec.js';
import type { Refusal, Replica } from './replica.js';
import { lacksFrom, vectorFromWire, vectorToWire } from './vector.js';

/** A request not answered within this is given up (the answer may come later and is still taken). */
export const SYNC_ANSWER_TIMEOUT_MS = 30_000;

interface SyncLinkEvents {
  /** Messages new to this node, stored from one batch. */
  learned: [fresh: StoredMessage[]];
  /** A batch was refused whole (undecodable or forged); nothing of it was stored. */
  refused: [refusals: Refusal[]];
  /** A round of requests ended: this side holds what the peer offered. `fresh`: how many were new. */
  settled: [info: { fresh: StoredMessage[] }];
  /** This side answered a request with everything the peer lacked (no `more`). */
  served: [];
}

/**
 * Anti-entropy over one connection, the same on both ends. Each side asks for what it lacks by sending
 * its version vector (SyncRequest); the other answers with one bounded batch and says whether it holds
 * more, and the asker asks again until it holds everything: the asker sets the pace, so a catch-up of
 * any size never piles up in a send buffer. A SyncOffer tells the peer what this side holds, so it can
 * ask if it lacks something.
 */
export class SyncLink extends EventEmitter<SyncLinkEvents> {
  readonly #conn: Connection;
  readonly #replica: Replica;
  #asking = false;
  #askAgain = false;
  #askTimer: NodeJS.Timeout | undefined;
  #roundFresh: StoredMessage[] = [];
  /** Answers go out in the order requests came. */
  #answering: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(conn: Connection, replica: Replica) {
    super();
    this.#conn = conn;
    this.#replica = replica;
    conn.once('close', () => {
      this.#closed = true;
      clearTimeout(this.#askTimer);
    });
  }

  /** Asks the peer for what this side lacks (once at a time; a call meanwhile asks again after). */
  request(): void {
    if (this.#closed) return;
    if (this.#asking) {
      this.#askAgain = true;
      return;
    }
    this.#asking = true;
    this.#askAgain = false;
    this.#askTimer = setTimeout(() => (this.#asking = false), SYNC_ANSWER_TIMEOUT_MS);
    this.#askTimer.unref();
    this.#conn.sendFrame({ syncRequest: { have: vectorToWire(this.#replica.vector) } });
  }

  /** Tells the peer what this side holds now. */
  offer(): void {
    if (!this.#closed) this.#conn.sendFrame({ syncOffer: { have: vectorToWire(this.#replica.vector) } });
  }

  /** Takes a sync frame; false for any other kind. */
  handle(frame: Frame): boolean {
    switch (frame.kind) {
      case 'syncOffer':
        if (lacksFrom(this.#replica.vector, vectorFromWire(frame.syncOffer.have))) this.request();
        return true;
      case 'syncRequest': {
        const theirs = vectorFromWire(frame.syncRequest.have);
        this.#answering = this.#answering.then(() => this.#answer(theirs));
        if (lacksFrom(this.#replica.vector, theirs)) this.request();
        return true;
      }
      case 'syncBatch':
        void this.#receive(frame.syncBatch.messages ?? [], frame.syncBatch.more ?? false);
        return true;
      default:
        return false;
    }
  }

  async #answer(theirs: ReturnType<typeof vectorFromWire>): Promise<void> {
    if (this.#closed) return;
    const { messages, more } = await this.#replica.batchFor(theirs);
    if (this.#closed) return;
    this.#conn.sendFrame({ syncBatch: { messages, more } });
    if (!more) this.emit('served');
  }

  async #receive(messages: Uint8Array[], more: boolean): Promise<void> {
    const before = new Map(this.#replica.vector);
    const { fresh, refused } = await this.#replica.ingest(messages, { whole: true });
    if (this.#closed) return;
    clearTimeout(this.#askTimer);
    this.#asking = false;
    if (refused.length > 0) {
      // Asking again would bring the same batch: wait for the next periodic round.
      this.emit('refused', refused);
      this.#settle();
      return;
    }
    if (fresh.length > 0) {
      this.#roundFresh.push(...fresh);
      this.emit('learned', fresh);
    }
    const progressed = fresh.length > 0 || lacksFrom(before, this.#replica.vector);
    if ((more && progressed) || this.#askAgain) this.request();
    else this.#settle();
  }

  #settle(): void {
    const fresh = this.#roundFresh;
    this.#roundFresh = [];
    this.emit('settled', { fresh });
  }
}
