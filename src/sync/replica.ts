import type { HistoryStore, StoredMessage, VersionVector } from '../store/history-store.js';
import { decodeStored } from '../store/stored-message.js';
import { messageHash, verifyMessages } from './signature.js';
import { aheadOf } from './vector.js';

/** A sync batch holds at most this many messages ... */
export const SYNC_BATCH_MESSAGES = 500;
/** ... and this many bytes of them (a frame is at most 256 KiB). */
export const SYNC_BATCH_BYTES = 200 * 1024;

/** A message that was not stored, and why; its identity when it could be read. */
export interface Refusal {
  reason: string;
  origin?: string;
  seq?: number;
}

export interface IngestResult {
  /** Messages stored by this call: new to this node. */
  fresh: StoredMessage[];
  /** Messages already held (verified when they were stored). */
  known: StoredMessage[];
  refused: Refusal[];
}

/**
 * This node's copy of its network's history, as replication sees it: messages come in as bytes from the
 * network, are proven authentic (only those not already held), and stored; outgoing batches are read
 * for a peer's version vector. Nothing unverified ever reaches the store.
 */
export class Replica {
  readonly store: HistoryStore;
  readonly network: string;
  #refusedCount = 0;

  constructor(store: HistoryStore, network: string) {
    this.store = store;
    this.network = network;
  }

  /** How many messages failed verification since start. */
  get refusedCount(): number {
    return this.#refusedCount;
  }

  get vector(): VersionVector {
    return this.store.versionVector();
  }

  /**
   * Verifies and stores `encoded`. With `whole`, one undecodable or unverifiable message refuses the
   * batch: a sync batch is one unit, and a corrupt one changes nothing.
   */
  async ingest(encoded: readonly Uint8Array[], { whole = false }: { whole?: boolean } = {}): Promise<IngestResult> {
    const decoded: StoredMessage[] = [];
    const refused: Refusal[] = [];
    for (const bytes of encoded) {
      try {
        decoded.push(decodeStored(bytes));
      } catch (err) {
        refused.push({ reason: (err as Error).message });
      }
    }
    if (whole && refused.length > 0) return this.#refuseAll(encoded.length, refused);
    const unknown = new Set(await this.store.missing(decoded));
    const known = decoded.filter((m) => !unknown.has(m));
    const verdict = verifyMessages([...unknown], this.network);
    refused.push(...verdict.refused.map(({ message, reason }) => ({ reason, origin: message.origin, seq: message.seq })));
    if (whole && refused.length > 0) return this.#refuseAll(encoded.length, refused);
    this.#refusedCount += refused.length;
    const fresh = await this.store.append(verdict.accepted, { checked: true });
    return { fresh, known, refused };
  }

  /** Stores messages this node just wrote and signed itself (no need to verify them); returns them decoded. */
  async appendOwn(encoded: readonly Uint8Array[]): Promise<StoredMessage[]> {
    const decoded = encoded.map(decodeStored);
    await this.store.append(decoded);
    return decoded;
  }

  /** Where `origin`'s chain ends here: its last seq (0 for none) and that message's hash. */
  async head(origin: string): Promise<{ lastSeq: number; lastHash?: Buffer }> {
    const lastSeq = await this.store.lastSeq(origin);
    const last = lastSeq === 0 ? undefined : await this.store.get(origin, lastSeq);
    return last === undefined ? { lastSeq } : { lastSeq, lastHash: messageHash(last) };
  }

  /** What a peer holding `theirs` lacks, up to one batch; `more` if there is more after it. */
  async batchFor(theirs: VersionVector): Promise<{ messages: Uint8Array[]; more: boolean }> {
    const messages: Uint8Array[] = [];
    let bytes = 0;
    for (const [origin, after] of aheadOf(this.vector, theirs)) {
      const room = SYNC_BATCH_MESSAGES - messages.length;
      const found = await this.store.since(origin, after, room + 1);
      for (const m of found.slice(0, room)) {
        if (bytes + m.length > SYNC_BATCH_BYTES && messages.length > 0) return { messages, more: true };
        messages.push(m);
        bytes += m.length;
      }
      if (found.length > room) return { messages, more: true };
    }
    return { messages, more: false };
  }

  #refuseAll(count: number, refused: Refusal[]): IngestResult {
    this.#refusedCount += count;
    return { fresh: [], known: [], refused };
  }
}
