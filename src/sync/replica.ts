import type { HistoryStore, StoredMessage, VersionVector } from '../store/history-store.js';
import { decodeStored } from '../store/stored-message.js';
import { messageHash, messageHashString, verifyMessages } from './signature.js';
import { aheadOf } from './vector.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/** A sync batch holds at most this many messages ... */
export const SYNC_BATCH_MESSAGES = DEFAULT_LIMITS.syncBatchMessages;
/** ... and this many bytes of them (a frame is at most 256 KiB). */
export const SYNC_BATCH_BYTES = DEFAULT_LIMITS.syncBatchBytes;

/** A message that was not stored, and why; its identity when it could be read. */
export interface Refusal {
  reason: string;
  origin?: string;
  seq?: number;
}

export interface IngestResult {
  /** Messages stored by this call: new to this node. */
  fresh: StoredMessage[];
  /** Messages already held, or stored meanwhile by another ingest; verified all the same. */
  known: StoredMessage[];
  refused: Refusal[];
}

/** Messages verified lately whose bytes are not verified again (a few seconds of a busy relay). */
const VERIFIED_REMEMBERED = 10_000;

/** The same bytes, the same key: whatever differs in an altered copy gives it another one. */
function verifiedKey(bytes: Uint8Array): string {
  return messageHashString(bytes);
}

/** Messages read off the wire, not yet verified. */
export interface DecodedBatch {
  messages: StoredMessage[];
  /** What could not be read. */
  refused: Refusal[];
}

function isDecoded(input: readonly Uint8Array[] | DecodedBatch): input is DecodedBatch {
  return !Array.isArray(input);
}

/**
 * This node's copy of its network's history, as replication sees it: messages come in as bytes from the
 * network, are proven authentic (held or not), and those not held are stored; outgoing batches are read
 * for a peer's version vector. Nothing unverified ever reaches the store.
 */
export class Replica {
  readonly store: HistoryStore;
  readonly network: string;
  #refusedCount = 0;
  #verifications = 0;
  /** Hashes of message bytes verified lately (a set kept in insertion order: the oldest go first). */
  readonly #verified = new Set<string>();

  constructor(store: HistoryStore, network: string) {
    this.store = store;
    this.network = network;
  }

  /** Messages put through signature verification since start (bytes verified a moment ago are not). */
  get verifications(): number {
    return this.#verifications;
  }

  #remember(bytes: Uint8Array): void {
    this.#verified.add(verifiedKey(bytes));
    if (this.#verified.size > VERIFIED_REMEMBERED) this.#verified.delete(this.#verified.values().next().value!);
  }

  /** How many messages failed verification since start. */
  get refusedCount(): number {
    return this.#refusedCount;
  }

  get vector(): VersionVector {
    return this.store.versionVector();
  }

  /** Reads wire bytes into messages; what cannot be read is refused. Cheap next to verifying. */
  decode(encoded: readonly Uint8Array[]): DecodedBatch {
    const messages: StoredMessage[] = [];
    const refused: Refusal[] = [];
    for (const bytes of encoded) {
      try {
        messages.push(decodeStored(bytes));
      } catch (err) {
        refused.push({ reason: (err as Error).message });
      }
    }
    return { messages, refused };
  }

  /**
   * Verifies and stores messages, as wire bytes or already decoded. With `whole`, one undecodable or
   * unverifiable message refuses the batch: a sync batch is one unit, and a corrupt one changes nothing.
   */
  async ingest(input: readonly Uint8Array[] | DecodedBatch, { whole = false }: { whole?: boolean } = {}): Promise<IngestResult> {
    const batch = isDecoded(input) ? input : this.decode(input);
    const count = batch.messages.length + batch.refused.length;
    const refused = [...batch.refused];
    if (whole && refused.length > 0) return this.#refuseAll(count, refused);
    // Every message is verified, held or not: a known one may be shown (it can reach a user before its
    // stored copy did), and an altered copy of a held message must not pass for it. Bytes verified a
    // moment ago are not verified again: on a relay's node the relay and its own user's member both take
    // every live message.
    const unproven: StoredMessage[] = [];
    const proven: StoredMessage[] = [];
    // (Live messages only: a sync batch is seldom seen twice, and hashing it once more would slow a catch-up.)
    for (const m of batch.messages) (!whole && this.#verified.has(verifiedKey(m.bytes)) ? proven : unproven).push(m);
    const verdict = verifyMessages(unproven, this.network);
    this.#verifications += unproven.length;
    refused.push(...verdict.refused.map(({ message, reason }) => ({ reason, origin: message.origin, seq: message.seq })));
    if (whole && refused.length > 0) return this.#refuseAll(count, refused);
    this.#refusedCount += refused.length;
    if (!whole) for (const m of verdict.accepted) this.#remember(m.bytes);
    const accepted = [...proven, ...verdict.accepted];
    const fresh = await this.store.append(accepted);
    // Known: held before, or stored meanwhile by another ingest into the same store.
    const stored = new Set(fresh);
    const known = accepted.filter((m) => !stored.has(m));
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
      // One message past the room, or past the bytes left, tells that more remains.
      const found = await this.store.since(origin, after, room + 1, { bytes: SYNC_BATCH_BYTES - bytes });
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
