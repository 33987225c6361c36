import { EventEmitter } from 'node:events';
import type { Connection } from '../net/connection.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Frame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';
import { askFromWire, askToWire, holdsNews, nextPoint, type Offered, planOffer, pointFromWire, pointToWire, spansFromWire, spansToWire, type SyncAsk } from './page.js';
import type { DecodedBatch, IngestResult, LinkBudget, Refusal, Replica, SyncAnswer } from './replica.js';
import { type Span, START, type SyncPoint } from './spans.js';

/** A request not answered within this is given up, and its round with it (the next round asks again). */
export const SYNC_ANSWER_TIMEOUT_MS = DEFAULT_LIMITS.syncAnswerTimeoutMs;

interface SyncLinkEvents {
  /** Messages new to this node, stored from one batch. */
  learned: [fresh: StoredMessage[]];
  /** A batch was refused whole (undecodable or forged); nothing of it was stored. */
  refused: [refusals: Refusal[]];
  /**
   * The store failed to write a batch (a full disk): not the peer's doing. Said once, when the store
   * starts failing, not at every round; the round ends, and the next one tries again.
   */
  storeFailed: [error: Error, count: number];
  /** A round of requests ended: this side holds what the peer offered. `fresh`: how many were new. */
  settled: [info: { fresh: number }];
  /** This side answered the last page of a peer's round with everything the peer lacked (no `more`). */
  served: [];
  /** The peer said it holds these seqs (in an offer, or a request of its round): spans per origin. */
  peerHolds: [held: ReadonlyMap<string, readonly Span[]>];
  /**
   * With `strict`: the peer sent more sync batches nobody asked for, or requests past the answers queued,
   * than the limit allows (each was dropped): the connection should be closed.
   */
  abuse: [detail: string];
}

export interface SyncLinkOptions {
  /**
   * The relay's side: a batch that answers no request of this side is dropped unread, requests past
   * syncAnswersQueued are dropped unanswered, and each counts against the peer; past unaskedBatches,
   * `abuse`. What the peer's batches bring is counted against its connection's window (budget.ts).
   * A member's side takes a relay's batches as they come (a relay is the one it chose to trust).
   */
  strict?: boolean;
  /** Limits, DEFAULT_LIMITS's by default. */
  unaskedBatches?: number;
  syncAnswersQueued?: number;
  /** Counted into, with the other links of a relay (what a test or a look at the relay reads). */
  counters?: SyncCounters;
  /**
   * With `strict`: the window the peer's batches are counted in (budget.ts), shared by every link from
   * one address so that reconnecting does not start a new one; by default this link's own.
   */
  budget?: LinkBudget;
}

/** What strict links dropped, and the most answers one of them held queued at once. */
export interface SyncCounters {
  unasked: number;
  requests: number;
  answersQueuedMost: number;
}

/**
 * Batches received but not yet stored, at most: the next request goes out while a batch is verified and
 * written, so the peer reads while this side writes; past this, the next request waits for the store.
 * At 2, a sync of 100k messages waited on it often enough to take 0.50-0.59 s; at 4, 0.42-0.44 s
 * (bench:store, side by side). It bounds what a catch-up holds: 4 batches of 200 KiB.
 */
export const SYNC_PIPELINE_DEPTH = DEFAULT_LIMITS.syncPipelineDepth;

/** What the answer to a request needs to know of it. */
type Asked = Pick<SyncAsk, 'from' | 'to'>;

/**
 * Anti-entropy over one connection, the same on both ends. A round walks every history in one order
 * (origins, then seqs; spans.ts): each request covers a range of the walk and lists the spans this side
 * holds there, at most SYNC_PAGE_ENTRIES (page.ts); the other side answers with one bounded batch of
 * what this side lacks in the range, skipping what it holds past a gap, and says where it stopped; this
 * side asks on from there, then from the end of the range, until the walk is done. So no frame grows
 * with the number of origins, and an origin with a gap nobody can fill is passed, not waited on: it is
 * asked for again at the next round. The asker sets the pace, so a catch-up of any size never piles up
 * in a send buffer, and asks for the next batch as soon as one arrives, so reading at one end and
 * writing at the other overlap. A SyncOffer tells the peer what changed here, so it can ask.
 */
export class SyncLink extends EventEmitter<SyncLinkEvents> {
  readonly #conn: Connection;
  readonly #replica: Replica;
  #asking = false;
  #askAgain = false;
  #askTimer: NodeJS.Timeout | undefined;
  /** Messages new to this side in the current round (they went out in `learned`, batch by batch). */
  #roundFresh = 0;
  /** The request sent and not answered yet (one at a time). */
  #asked: Asked | undefined;
  /** Batches received and not stored yet. */
  #unstored = 0;
  /** Where the next request starts, once a batch is stored (the pipeline was full). */
  #deferred: SyncPoint | undefined;
  /** Answers still to come to a round that ended early: dropped unread. */
  #abandoned = 0;
  /** Counts rounds of asking: results of a round that ended early only tell what they stored. */
  #round = 0;
  /** Batches are stored one after another, in the order they came. */
  #storing: Promise<void> = Promise.resolve();
  /** Answers go out in the order requests came. */
  #answering: Promise<void> = Promise.resolve();
  /** What this side's offers told the peer so far. */
  readonly #offered: Offered = new Map();
  /** Where the store's vector changes stood at the last offer; undefined before the first (a full walk). */
  #offeredAt: number | undefined;
  #closed = false;
  readonly #strict: boolean;
  readonly #unaskedAllowed: number;
  readonly #answersAllowed: number;
  /** Requests taken and not answered yet (the one being answered included). */
  #answersQueued = 0;
  /** Batches dropped for answering no request, and requests dropped past the queue (strict only). */
  #unasked = 0;
  #floodedRequests = 0;
  /** What the peer's batches brought in the current window (strict only). */
  readonly #budget: LinkBudget | undefined;
  readonly #counters: SyncCounters;

  constructor(conn: Connection, replica: Replica, options: SyncLinkOptions = {}) {
    super();
    this.#conn = conn;
    this.#replica = replica;
    this.#strict = options.strict ?? false;
    this.#unaskedAllowed = options.unaskedBatches ?? DEFAULT_LIMITS.unaskedBatches;
    this.#answersAllowed = Math.max(1, options.syncAnswersQueued ?? DEFAULT_LIMITS.syncAnswersQueued);
    this.#budget = this.#strict ? (options.budget ?? { window: { start: 0, bytes: 0 } }) : undefined;
    this.#counters = options.counters ?? { unasked: 0, requests: 0, answersQueuedMost: 0 };
    conn.once('close', () => {
      this.#closed = true;
      clearTimeout(this.#askTimer);
    });
  }

  /** Asks the peer for what this side lacks (one round at a time; a call meanwhile asks again after). */
  request(): void {
    if (this.#closed) return;
    if (this.#asking) {
      this.#askAgain = true;
      return;
    }
    this.#asking = true;
    this.#askAgain = false;
    void this.#askFrom(START);
  }

  /** Tells the peer what changed here since the last offer (a bounded list; `more` past it). */
  offer(): void {
    if (this.#closed) return;
    const changes = this.#replica.store.vectorChanges;
    const moved = this.#offeredAt === undefined ? undefined : changes.since(this.#offeredAt);
    this.#offeredAt = changes.end;
    const { have, more } = planOffer(this.#replica.vector, this.#replica.tops, this.#offered, undefined, moved);
    if (have.size > 0 || more) this.#conn.sendFrame({ syncOffer: { have: spansToWire(have), more } });
  }

  /** Takes a sync frame; false for any other kind. */
  handle(frame: Frame): boolean {
    switch (frame.kind) {
      case 'syncOffer': {
        const have = spansFromWire(frame.syncOffer.have);
        this.emit('peerHolds', have);
        if (frame.syncOffer.more || this.#holdsNews(have)) this.request();
        return true;
      }
      case 'syncRequest': {
        if (this.#answersQueued >= this.#answersAllowed) {
          // A node asks one batch at a time: this one is dropped unanswered, and counted.
          this.#floodedRequests++;
          this.#counters.requests++;
          this.#offence(`sync requests faster than they are answered (${this.#answersAllowed} waiting)`);
          return true;
        }
        const ask = askFromWire(frame.syncRequest);
        this.emit('peerHolds', ask.held);
        this.#answersQueued++;
        this.#counters.answersQueuedMost = Math.max(this.#counters.answersQueuedMost, this.#answersQueued);
        this.#answering = this.#answering.then(() => this.#answer(ask)).finally(() => this.#answersQueued--);
        if (this.#holdsNews(ask.held)) this.request();
        return true;
      }
      case 'syncBatch':
        this.#receive(frame.syncBatch);
        return true;
      default:
        return false;
    }
  }

  /** Counts one frame dropped in strict mode; past the limit, `abuse`. */
  #offence(what: string): void {
    if (this.#unasked + this.#floodedRequests > this.#unaskedAllowed) this.emit('abuse', what);
  }

  #holdsNews(held: SyncAsk['held']): boolean {
    return holdsNews(held, this.#replica.vector, this.#replica.tops);
  }

  /** Sends the request of this round that starts at `from`, once what this side holds there is read. */
  #askFrom(from: SyncPoint): Promise<void> {
    const round = this.#round;
    return this.#replica.ask(from).then(
      (ask) => {
        if (this.#closed || round !== this.#round) return;
        this.#asked = ask;
        clearTimeout(this.#askTimer);
        this.#askTimer = setTimeout(() => this.#giveUp(), SYNC_ANSWER_TIMEOUT_MS);
        this.#askTimer.unref();
        this.#conn.sendFrame({ syncRequest: askToWire(ask) });
        // Now, not at the end of this turn: the peer reads the next batch while this side verifies the last.
        this.#conn.flush();
      },
      () => {
        // The store could not be read: this round ends here, and the next one tries again.
        if (!this.#closed && round === this.#round && this.#asking) this.#abandon();
      },
    );
  }

  async #answer(ask: SyncAsk): Promise<void> {
    if (this.#closed) return;
    let answer: SyncAnswer;
    try {
      answer = await this.#replica.batchFor(ask);
    } catch {
      // A store that cannot be read has nothing to send now: the peer goes on, and asks again next round.
      answer = { messages: [], more: false };
    }
    if (this.#closed) return;
    const { messages, more, resume } = answer;
    this.#conn.sendFrame({ syncBatch: { messages, more, ranged: true, ...(resume === undefined ? {} : { resume: pointToWire(resume) }) } });
    if (!more && ask.to === undefined) this.emit('served');
  }

  #receive(batch: lanchat.SyncBatch.$Properties): void {
    if (this.#abandoned > 0) {
      this.#abandoned--;
      return;
    }
    const asked = this.#asked;
    if (asked === undefined && this.#strict) {
      // Nothing of it is read, stored or passed on.
      this.#unasked++;
      this.#counters.unasked++;
      this.#offence('sync batches nobody asked for');
      return;
    }
    const encoded = batch.messages ?? [];
    const decoded = this.#replica.decode(encoded);
    if (asked === undefined) {
      // Not asked for: stored all the same (a peer pushing what it wrote), and no round moves on it;
      // outside a round, what it brought is news of its own.
      this.#store(decoded, () => {
        if (!this.#asking) this.#settle();
      });
      return;
    }
    this.#asked = undefined;
    clearTimeout(this.#askTimer);
    const more = batch.more ?? false;
    // An older node answers for every origin and says no more than `more`: once this batch is stored, it
    // is asked again from the same place, while batches bring something new (a node that pages says where).
    const older = batch.ranged !== true;
    const next = older ? undefined : nextPoint(asked, { more, resume: pointFromWire(batch.resume), count: encoded.length });
    const store = (): void =>
      this.#store(decoded, (result) => {
        if (older && more && result.fresh.length > 0) void this.#askFrom(asked.from);
        else if (next === undefined) this.#endRound(this.#askAgain);
      });
    if (next !== undefined && this.#unstored < SYNC_PIPELINE_DEPTH) {
      // The next request goes out before this batch is verified: the peer reads it meanwhile.
      void this.#askFrom(next).then(store);
      return;
    }
    if (next !== undefined) this.#deferred = next;
    store();
  }

  /**
   * Verifies and stores a batch; what follows from it is taken in the order the batches came. `then`
   * runs for a batch of the current round that was stored (refused or not), with the round's news out.
   */
  #store(batch: DecodedBatch, then: (result: IngestResult) => void): void {
    this.#unstored++;
    // Verifying starts now, while the batch before is still being written (the store keeps appends in order).
    const stored = this.#replica.ingest(batch, { whole: true, ...(this.#budget === undefined ? {} : { link: this.#budget }) });
    const round = this.#round;
    this.#storing = this.#storing.then(async () => {
      let result: IngestResult;
      try {
        result = await stored;
      } catch (err) {
        this.#unstored--;
        if (!this.#closed) this.#storeFailure(err as Error, batch.messages.length, round === this.#round);
        return;
      }
      this.#unstored--;
      if (this.#closed) return;
      const current = round === this.#round;
      // A refused batch is passed like a gap (the walk goes on past it): one bad message must not stop
      // the rest of the round. The peer's side decides what a refusal costs the sender.
      if (result.refused.length > 0) this.emit('refused', result.refused);
      if (result.fresh.length > 0) {
        if (current) this.#roundFresh += result.fresh.length;
        this.emit('learned', result.fresh);
      }
      if (!current) return;
      const deferred = this.#deferred;
      if (deferred !== undefined && this.#unstored < SYNC_PIPELINE_DEPTH) {
        this.#deferred = undefined;
        void this.#askFrom(deferred);
      }
      then(result);
    });
  }

  /** The store failed to write `count` messages: not the peer's fault. The round ends; the next one retries. */
  #storeFailure(err: Error, count: number, endsRound: boolean): void {
    // Said once to whoever listens: a relay's links, which share the store with the node's own member
    // and have no one to tell, must not use up the news before the member's link can say it.
    if (this.listenerCount('storeFailed') > 0 && this.#replica.storeFailed()) this.emit('storeFailed', err, count);
    if (endsRound && this.#asking) this.#abandon();
  }

  /** No answer in time: the round ends, and what is still to come to it is dropped. */
  #giveUp(): void {
    if (!this.#closed && this.#asking) this.#abandon();
  }

  #abandon(): void {
    if (this.#asked !== undefined) this.#abandoned++;
    this.#asked = undefined;
    this.#deferred = undefined;
    this.#endRound(false);
  }

  #endRound(again: boolean): void {
    this.#round++;
    clearTimeout(this.#askTimer);
    this.#asking = false;
    this.#asked = undefined;
    this.#deferred = undefined;
    if (again) this.request();
    else this.#settle();
  }

  #settle(): void {
    const fresh = this.#roundFresh;
    this.#roundFresh = 0;
    this.emit('settled', { fresh });
  }
}
