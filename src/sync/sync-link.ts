import { EventEmitter } from 'node:events';
import type { Connection } from '../net/connection.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Frame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import type { VersionVector } from '../store/history-store.js';
import type { IngestResult, Refusal, Replica } from './replica.js';
import { lacksFrom, vectorAfter, vectorFromWire, vectorMax, vectorToWire } from './vector.js';

/** A request not answered within this is given up (the answer may come later and is still taken). */
export const SYNC_ANSWER_TIMEOUT_MS = DEFAULT_LIMITS.syncAnswerTimeoutMs;

interface SyncLinkEvents {
  /** Messages new to this node, stored from one batch. */
  learned: [fresh: StoredMessage[]];
  /** A batch was refused whole (undecodable or forged); nothing of it was stored. */
  refused: [refusals: Refusal[]];
  /** A round of requests ended: this side holds what the peer offered. `fresh`: how many were new. */
  settled: [info: { fresh: number }];
  /** This side answered a request with everything the peer lacked (no `more`). */
  served: [];
}

/**
 * Batches received but not yet stored, at most: the next request goes out while a batch is verified and
 * written, so the peer reads while this side writes; past this, the next request waits for the store.
 * At 2, a sync of 100k messages waited on it often enough to take 0.50-0.59 s; at 4, 0.42-0.44 s
 * (bench:store, side by side). It bounds what a catch-up holds: 4 batches of 200 KiB.
 */
export const SYNC_PIPELINE_DEPTH = DEFAULT_LIMITS.syncPipelineDepth;

/**
 * Anti-entropy over one connection, the same on both ends. Each side asks for what it lacks by sending
 * its version vector (SyncRequest); the other answers with one bounded batch and says whether it holds
 * more, and the asker asks again until it holds everything: the asker sets the pace, so a catch-up of
 * any size never piles up in a send buffer. The asker asks for the next batch as soon as one arrives,
 * naming the vector it will hold once that batch is stored, so reading at one end and writing at the
 * other overlap. A SyncOffer tells the peer what this side holds, so it can ask if it lacks something.
 */
export class SyncLink extends EventEmitter<SyncLinkEvents> {
  readonly #conn: Connection;
  readonly #replica: Replica;
  #asking = false;
  #askAgain = false;
  #askTimer: NodeJS.Timeout | undefined;
  /** Messages new to this side in the current round (they went out in `learned`, batch by batch). */
  #roundFresh = 0;
  /** The vector this side will hold once the batches received in this round are stored. */
  #expected: VersionVector | undefined;
  /** Batches received and not stored yet. */
  #unstored = 0;
  /** The next request waits for a batch to be stored (the pipeline is full). */
  #deferred = false;
  /** Requests sent and not answered yet. */
  #outstanding = 0;
  /** Answers still to come to a round that ended in a refused batch: dropped unread. */
  #abandoned = 0;
  /** Counts rounds of asking: results of a round that ended (a refused batch) only tell what they stored. */
  #round = 0;
  /** Batches are stored one after another, in the order they came. */
  #storing: Promise<void> = Promise.resolve();
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
    this.#expected = undefined;
    this.#send(this.#replica.vector);
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
        this.#receive(frame.syncBatch.messages ?? [], frame.syncBatch.more ?? false);
        return true;
      default:
        return false;
    }
  }

  #send(have: VersionVector): void {
    this.#outstanding++;
    clearTimeout(this.#askTimer);
    this.#askTimer = setTimeout(() => {
      this.#asking = false;
      this.#outstanding = 0;
    }, SYNC_ANSWER_TIMEOUT_MS);
    this.#askTimer.unref();
    this.#conn.sendFrame({ syncRequest: { have: vectorToWire(have) } });
    // Now, not at the end of this turn: the peer reads the next batch while this side verifies the last.
    this.#conn.flush();
  }

  async #answer(theirs: VersionVector): Promise<void> {
    if (this.#closed) return;
    const { messages, more } = await this.#replica.batchFor(theirs);
    if (this.#closed) return;
    this.#conn.sendFrame({ syncBatch: { messages, more } });
    if (!more) this.emit('served');
  }

  #receive(encoded: Uint8Array[], more: boolean): void {
    this.#outstanding = Math.max(0, this.#outstanding - 1);
    if (this.#abandoned > 0) {
      this.#abandoned--;
      return;
    }
    const batch = this.#replica.decode(encoded);
    let last = !more;
    if (more && batch.refused.length === 0) {
      const before = this.#expected ?? this.#replica.vector;
      const after = vectorAfter(before, batch.messages);
      // A batch that brings nothing past what is held would be answered by the same batch: stop there.
      if (lacksFrom(before, after)) {
        this.#expected = after;
        if (this.#unstored < SYNC_PIPELINE_DEPTH) this.#askOn();
        else this.#deferred = true;
      } else {
        last = true;
      }
    }
    this.#unstored++;
    // Verifying starts now, while the batch before is still being written (the store keeps appends in
    // order); what follows from each batch is taken in the order the batches came.
    const stored = this.#replica.ingest(batch, { whole: true });
    const round = this.#round;
    this.#storing = this.#storing.then(async () => {
      let result: IngestResult;
      try {
        result = await stored;
      } catch (err) {
        // The store failed (a disk error): like a refused batch, nothing of it is held; the next round retries.
        result = { fresh: [], known: [], refused: [{ reason: `not stored: ${(err as Error).message}` }] };
      }
      this.#stored(result, last, round === this.#round);
    });
  }

  /** Asks for the batch after those received, from the vector this side will hold then. */
  #askOn(): void {
    this.#deferred = false;
    if (!this.#closed) this.#send(vectorMax(this.#expected ?? new Map(), this.#replica.vector));
  }

  /** What follows from one stored batch; `current` is false when its round already ended (refused). */
  #stored({ fresh, refused }: IngestResult, last: boolean, current: boolean): void {
    this.#unstored--;
    if (this.#closed) return;
    if (!current) {
      if (fresh.length > 0) this.emit('learned', fresh);
      return;
    }
    if (refused.length > 0) {
      // Asking again would bring the same batch: drop what is still coming, wait for the next round.
      this.#abandoned += this.#outstanding;
      this.#deferred = false;
      this.emit('refused', refused);
      this.#endRound(false);
      return;
    }
    if (fresh.length > 0) {
      this.#roundFresh += fresh.length;
      this.emit('learned', fresh);
    }
    if (this.#deferred && this.#unstored < SYNC_PIPELINE_DEPTH) this.#askOn();
    if (last) this.#endRound(this.#askAgain);
  }

  #endRound(again: boolean): void {
    this.#round++;
    clearTimeout(this.#askTimer);
    this.#asking = false;
    this.#expected = undefined;
    if (again) {
      this.request();
      return;
    }
    const fresh = this.#roundFresh;
    this.#roundFresh = 0;
    this.emit('settled', { fresh });
  }
}
