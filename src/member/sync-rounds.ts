import type { Connection } from '../net/connection.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Refusal, Replica } from '../sync/replica.js';
import type { Span } from '../sync/spans.js';
import { SyncLink } from '../sync/sync-link.js';
import type { Frame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/** Besides on every connect, a member and its relay compare histories this often. */
export const SYNC_INTERVAL_MS = DEFAULT_LIMITS.syncIntervalMs;

export interface SyncRoundsEvents {
  /** The relay was sent all it lacked, lines written offline included (lines written since went live). */
  served: () => void;
  learned: (fresh: StoredMessage[]) => void;
  settled: () => void;
  /** A batch from the relay was refused whole; nothing of it was stored. */
  refused: (refusals: Refusal[]) => void;
  /** The store could not write a batch (a full disk): said once while it keeps failing. */
  storeFailed: (error: Error, count: number) => void;
  /** The relay said it holds these seqs (its offer, or a request of its round): spans per origin. */
  relayHolds: (held: ReadonlyMap<string, readonly Span[]>) => void;
}

/**
 * The member's side of anti-entropy, on its current session: both ends compare histories on every
 * connect (the relay asks for what this node wrote while away, or what a dying relay swallowed; this node
 * for what it missed), then again every SYNC_INTERVAL_MS.
 */
export class SyncRounds {
  readonly #replica: Replica;
  readonly #on: SyncRoundsEvents;
  #link: SyncLink | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(replica: Replica, on: SyncRoundsEvents) {
    this.#replica = replica;
    this.#on = on;
  }

  /** A session began on `conn`: its first round starts now. */
  start(conn: Connection): void {
    const link = new SyncLink(conn, this.#replica);
    this.#link = link;
    link.on('served', () => {
      if (this.#link === link) this.#on.served();
    });
    link.on('learned', (fresh) => this.#on.learned(fresh));
    link.on('settled', () => this.#on.settled());
    link.on('refused', (refusals) => this.#on.refused(refusals));
    link.on('storeFailed', (err, count) => this.#on.storeFailed(err, count));
    link.on('peerHolds', (held) => this.#on.relayHolds(held));
    link.request();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => link.request(), SYNC_INTERVAL_MS);
    this.#timer.unref();
  }

  /** The session is gone (or the member stops). */
  end(): void {
    this.#link = undefined;
    clearInterval(this.#timer);
  }

  /** Asks the relay for what this node lacks now. */
  request(): void {
    this.#link?.request();
  }

  /** Tells the relay what this node holds now. */
  offer(): void {
    this.#link?.offer();
  }

  /** Takes a sync frame of the session; false for any other kind. */
  handle(frame: Frame): boolean {
    return this.#link?.handle(frame) ?? false;
  }
}
