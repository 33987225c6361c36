import type { StoredMessage } from '../store/history-store.js';
import type { LinkBudget, Replica } from '../sync/replica.js';
import { type SyncCounters, SyncLink } from '../sync/sync-link.js';
import { OncePerTurn, TurnBatch } from '../util/turn-batch.js';
import { messageBytesOfFrame } from '../wire/codec.js';
import type { Limits } from '../wire/limits.js';
import type { Session } from './session.js';

export interface ReplicationOptions {
  replica: Replica;
  /** The open sessions, told what the relay holds whenever it learns something. */
  sessions: ReadonlyMap<string, Session>;
  /** Messages new to this node that one sync batch from a member brought. */
  learned: (fresh: StoredMessage[]) => void;
  /** A round of sync with a member that brought something new has ended. */
  settled: () => void;
  /** The store failed to write what members sent (a full disk): said once while it lasts. */
  storeFailed: (error: Error, count: number) => void;
  /** Sync limits (unaskedBatches, syncAnswersQueued). */
  limits: Pick<Limits, 'unaskedBatches' | 'syncAnswersQueued' | 'addressSyncWindowMs'>;
  now?: () => number;
}

/**
 * The relay's history: it stores every message the relay forwards, off the fan-out path (the messages of
 * one turn in one verified batch at its end), syncs with every member, and tells all of them when it has
 * learned something, once per turn however many batches brought it.
 */
export class Replication {
  readonly #options: ReplicationOptions;
  /** Messages forwarded this turn, and who sent each. */
  readonly #unstored: TurnBatch<{ session: Session; bytes: Uint8Array }>;
  readonly #offer: OncePerTurn;
  #storing: Promise<void> = Promise.resolve();
  #stopped = false;
  /** What the members' links dropped since start, and the most answers one held queued. */
  readonly counters: SyncCounters = { unasked: 0, requests: 0, answersQueuedMost: 0 };
  /**
   * Each address's sync window (budget.ts): one address's connections share it, so a member that
   * reconnects, or opens several connections, does not get a fresh one each time.
   */
  readonly #budgets = new Map<string, LinkBudget>();

  constructor(options: ReplicationOptions) {
    this.#options = options;
    this.#unstored = new TurnBatch((batch) => this.#storeBatch(batch));
    this.#offer = new OncePerTurn(() => {
      if (this.#stopped) return;
      for (const session of this.#options.sessions.values()) session.sync?.offer();
    });
  }

  /** Settles once the batches handed to the store so far are stored. */
  get storing(): Promise<void> {
    return this.#storing;
  }

  /** Asks a newcomer for what it holds that the relay lacks: lines written offline, another side's chat. */
  link(session: Session): void {
    const { unaskedBatches, syncAnswersQueued } = this.#options.limits;
    // Strict: a member's batches are taken only as answers to this relay's requests, and count against
    // its connection's window; requests past the queue are dropped.
    const link = new SyncLink(session.conn, this.#options.replica, {
      strict: true,
      unaskedBatches,
      syncAnswersQueued,
      counters: this.counters,
      budget: this.#budgetOf(session.conn.remoteAddress),
    });
    session.sync = link;
    link.on('abuse', (what) => {
      session.conn.close('SYNC_ABUSE', `${what}: more than ${unaskedBatches} dropped`);
    });
    link.on('storeFailed', (err, count) => this.#options.storeFailed(err, count));
    link.on('learned', (fresh) => {
      this.#offer.request();
      this.#options.learned(fresh);
      // Its own lines, written while no relay was reachable: tell it they are held here now.
      if (fresh.some((m) => m.origin === session.nodeIdHex)) {
        const seq = this.#options.replica.vector.get(session.nodeIdHex) ?? 0;
        if (seq > 0) session.conn.sendFrame({ stored: { seq } });
      }
    });
    // Its own user sees what a round brought at once, when it settles.
    link.on('settled', ({ fresh }) => fresh > 0 && this.#options.settled());
    link.on('refused', (refusals) => {
      session.conn.close('BAD_SIGNATURE', `a sync batch failed verification: ${refusals[0]?.reason ?? 'invalid'}`);
    });
    link.request();
  }

  /**
   * Queues the message in `raw` (a whole message frame) to be stored at the end of the turn. Returns why
   * not when `raw` is not one message frame.
   */
  store(session: Session, raw: Buffer): string | undefined {
    let bytes: Uint8Array;
    try {
      // A copy: the frame is a view of a whole network chunk that must not stay pinned.
      bytes = Uint8Array.prototype.slice.call(messageBytesOfFrame(raw));
    } catch (err) {
      return (err as Error).message;
    }
    this.#unstored.push({ session, bytes });
    return undefined;
  }

  /** The sync window of `address`; windows over are forgotten (they would start again anyway). */
  #budgetOf(address: string): LinkBudget {
    const now = (this.#options.now ?? Date.now)();
    for (const [key, { window }] of this.#budgets) if (now - window.start >= this.#options.limits.addressSyncWindowMs) this.#budgets.delete(key);
    let budget = this.#budgets.get(address);
    if (budget === undefined) this.#budgets.set(address, (budget = { window: { start: now, bytes: 0 } }));
    return budget;
  }

  /** No more offers; what is queued is still stored. */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Stores one turn's messages in one batch, verified: a member that sent a forged message is disconnected
   * (its bytes were already forwarded; every member verifies before it stores or shows).
   */
  #storeBatch(batch: { session: Session; bytes: Uint8Array }[]): void {
    const replica = this.#options.replica;
    this.#storing = this.#storing.then(async () => {
      try {
        const { refused } = await replica.ingest(batch.map((b) => b.bytes));
        for (const refusal of refused) {
          const sender = batch.find((b) => refusal.origin === b.session.nodeIdHex)?.session;
          sender?.conn.close('BAD_SIGNATURE', `message ${refusal.seq ?? '?'} refused: ${refusal.reason}`);
        }
      } catch (err) {
        // A store failure on the relay costs no member anything (each stores what it receives); the
        // relay's own user is told, once while it lasts.
        if (replica.storeFailed()) this.#options.storeFailed(err as Error, batch.length);
      }
    });
  }
}
