import type { HistoryStore, StoredMessage, VersionVector } from '../store/history-store.js';
import { decodeStored } from '../store/stored-message.js';
import { planAsk, type SyncAsk, SYNC_PAGE_ENTRIES, toSend } from './page.js';
import { clampTime } from './clock-clamp.js';
import { messageProblem } from './message-rules.js';
import { messageHash, messageHashString } from './signature.js';
import { mergeSpans, type Span, type SyncPoint } from './spans.js';
import { verifySliced } from './verify-sliced.js';
import { DEFAULT_LIMITS, resolveLimits } from '../wire/limits.js';
import { admit, type BudgetLimits, type LinkWindow, type UnkeptReason } from './budget.js';

/** A sync batch holds at most this many messages ... */
export const SYNC_BATCH_MESSAGES = DEFAULT_LIMITS.syncBatchMessages;
/**
 * ... and this many bytes of them (a frame is at most 256 KiB). A stored message bigger than this alone
 * (none the live path lets through) is never sent by sync: a batch of it would not fit in a frame.
 */
export const SYNC_BATCH_BYTES = DEFAULT_LIMITS.syncBatchBytes;

/** One answer to a SyncAsk. */
export interface SyncAnswer {
  messages: Uint8Array[];
  /** More in the range that the asker lacks: it asks again from `resume`. */
  more: boolean;
  resume?: SyncPoint;
}

/** Spans of an origin read from the store at a time, while answering. */
const SPANS_READ = 64;

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
  /**
   * Authentic messages not stored because a storage bound is reached (budget.ts): they may be shown, and
   * are asked for again by a later round. Not the sender's fault unless the sender pushes on.
   */
  unkept: { message: StoredMessage; reason: UnkeptReason }[];
  /**
   * Messages that break a rule of message-rules.ts, dropped one by one and never stored: not a reason to
   * refuse a whole sync batch (a peer may hold one stored before the rule), only to leave them out.
   */
  dropped?: Refusal[];
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

/** What one connection's sync batches brought in its current window (budget.ts), kept by its SyncLink. */
export interface LinkBudget {
  window: LinkWindow;
}

export interface ReplicaOptions {
  /** This node's own origin: its lines are always kept. */
  own?: string;
  /** The storage bounds (DEFAULT_LIMITS's by default). */
  limits?: Partial<BudgetLimits>;
  /**
   * Shown every batch of authentic messages new to this node (stored, or unkept for a bound) before
   * ingest returns: the node learns the seal keys they carry (seal-key-learning.ts). Awaited, so a sync
   * that brings many keys is slowed by their checks rather than queueing them; never fails an ingest.
   */
  learn?: (messages: readonly StoredMessage[]) => Promise<void>;
}

/** A storage bound was reached for the first time since start (once per reason; LINK_OVER is never told). */
export type BoundListener = (reason: Exclude<UnkeptReason, 'LINK_OVER'>, origin: string) => void;

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
  #droppedCount = 0;
  #verifications = 0;
  /** Hashes of message bytes verified lately (a set kept in insertion order: the oldest go first). */
  readonly #verified = new Set<string>();
  /** The origins held, in the order a sync round walks them; sorted again when the vector grows. */
  #walk: string[] = [];
  /** The store's last append failed, and no append has worked since. */
  #storeFailing = false;

  /** This node's clock: a message far ahead of it is placed at most MAX_CLOCK_SKEW_MS after it (clock-clamp.ts). */
  readonly #now: () => number;
  readonly #own: string | undefined;
  readonly #budget: BudgetLimits;
  readonly #learn: ReplicaOptions['learn'];
  #bound: BoundListener | undefined;
  /** The bounds already told of. */
  readonly #told = new Set<UnkeptReason>();
  #unkeptCount = 0;

  constructor(store: HistoryStore, network: string, now: () => number = Date.now, options: ReplicaOptions = {}) {
    this.store = store;
    this.network = network;
    this.#now = now;
    this.#own = options.own;
    this.#learn = options.learn;
    this.#budget = resolveLimits(options.limits);
  }

  /** Who is told when a storage bound is first reached (the node: a notice for its user). */
  whenBound(listener: BoundListener): void {
    this.#bound = listener;
  }

  /** How many authentic messages were not stored for a storage bound since start. */
  get unkeptCount(): number {
    return this.#unkeptCount;
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

  /** How many messages were dropped for breaking a message rule since start. */
  get droppedCount(): number {
    return this.#droppedCount;
  }

  get vector(): VersionVector {
    return this.store.versionVector();
  }

  /** For each origin, the highest seq held at all. */
  get tops(): VersionVector {
    return this.store.topVector();
  }

  /**
   * Records a store failure: true when it is news (the store worked until now), so a full disk is
   * reported once rather than at every sync round; a working append clears it.
   */
  storeFailed(): boolean {
    const news = !this.#storeFailing;
    this.#storeFailing = true;
    return news;
  }

  async #append(messages: readonly StoredMessage[]): Promise<StoredMessage[]> {
    const fresh = await this.store.append(messages);
    this.#storeFailing = false;
    return fresh;
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
  async ingest(input: readonly Uint8Array[] | DecodedBatch, { whole = false, link }: { whole?: boolean; link?: LinkBudget } = {}): Promise<IngestResult> {
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
    const dropped: Refusal[] = [];
    for (const m of batch.messages) {
      const problem = messageProblem(m.shown);
      if (problem !== undefined) {
        dropped.push({ reason: `${problem.rule}: ${problem.detail}`, origin: m.origin, seq: m.seq });
        continue;
      }
      // (Live messages only: a sync batch is seldom seen twice, and hashing it once more would slow a catch-up.)
      (!whole && this.#verified.has(verifiedKey(m.bytes)) ? proven : unproven).push(m);
    }
    this.#droppedCount += dropped.length;
    // Sliced: a batch of many origins costs a signature check each, and heartbeats must not wait for all of them.
    const verdict = await verifySliced(unproven, this.network);
    this.#verifications += unproven.length;
    refused.push(...verdict.refused.map(({ message, reason }) => ({ reason, origin: message.origin, seq: message.seq })));
    if (whole && refused.length > 0) return this.#refuseAll(count, refused);
    this.#refusedCount += refused.length;
    if (!whole) for (const m of verdict.accepted) this.#remember(m.bytes);
    const now = this.#now();
    const accepted = [...proven, ...verdict.accepted].map((m) => clampTime(m, now));
    const { kept, unkept } = this.#admit(await this.store.missing(accepted), link, now);
    const fresh = await this.#append(kept);
    // Known: held before, or stored meanwhile by another ingest into the same store.
    const stored = new Set(fresh);
    const left = new Set(unkept.map((u) => u.message));
    const known = accepted.filter((m) => !stored.has(m) && !left.has(m));
    if (this.#learn !== undefined && (fresh.length > 0 || left.size > 0)) await this.#learn([...fresh, ...left]).catch(() => undefined);
    return { fresh, known, refused, dropped, unkept };
  }

  /** The storage bounds carried out (budget.ts): what of `candidates`, not held yet, is stored. */
  #admit(candidates: StoredMessage[], link: LinkBudget | undefined, now: number): { kept: StoredMessage[]; unkept: IngestResult['unkept'] } {
    const { store } = this;
    const admission = admit(
      { messages: candidates, originBytes: (origin) => store.originBytes(origin), totalBytes: store.totalBytes(), now, ...(this.#own === undefined ? {} : { own: this.#own }), ...(link === undefined ? {} : { link: link.window }) },
      this.#budget,
    );
    if (link !== undefined && admission.link !== undefined) link.window = admission.link;
    this.#unkeptCount += admission.unkept.length;
    for (const { message, reason } of admission.unkept) {
      if (reason === 'LINK_OVER' || this.#told.has(reason)) continue;
      this.#told.add(reason);
      this.#bound?.(reason, message.origin);
    }
    return admission;
  }

  /** Stores messages this node just wrote and signed itself (no need to verify them); returns them decoded. */
  async appendOwn(encoded: readonly Uint8Array[]): Promise<StoredMessage[]> {
    const decoded = encoded.map(decodeStored);
    await this.#append(decoded);
    return decoded;
  }

  /** Where `origin`'s chain ends here: its last seq (0 for none) and that message's hash. */
  async head(origin: string): Promise<{ lastSeq: number; lastHash?: Buffer }> {
    const lastSeq = await this.store.lastSeq(origin);
    const last = lastSeq === 0 ? undefined : await this.store.get(origin, lastSeq);
    return last === undefined ? { lastSeq } : { lastSeq, lastHash: messageHash(last) };
  }

  /** The origins held, in walk order, and where those from `origin` on start among them. */
  #walkFrom(origin: string): { walk: readonly string[]; start: number } {
    const vector = this.vector;
    if (this.#walk.length !== vector.size) this.#walk = [...vector.keys()].sort();
    const walk = this.#walk;
    let low = 0;
    let high = walk.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (walk[mid]! < origin) low = mid + 1;
      else high = mid;
    }
    return { walk, start: low };
  }

  /**
   * The store's heldSpans, answered here for an origin held with no gap (most of them), which would
   * otherwise cost a turn of the event loop each: a round of a node that has seen 7,000 origins asks
   * for every one of them.
   */
  #heldSpans(origin: string, after: number, limit: number): Span[] | Promise<Span[]> {
    const held = this.vector.get(origin) ?? 0;
    if (held !== (this.tops.get(origin) ?? 0)) return this.store.heldSpans(origin, after, limit);
    return after < held && limit > 0 ? [{ first: after + 1, last: held }] : [];
  }

  /** This side's request from `from`: what it holds from there on, a page of it. */
  async ask(from: SyncPoint): Promise<SyncAsk> {
    const holdings: [string, Span[]][] = [];
    let count = 0;
    const { walk, start } = this.#walkFrom(from.origin);
    for (let i = start; i < walk.length && count <= SYNC_PAGE_ENTRIES; i++) {
      const origin = walk[i]!;
      const spans: Span[] = [];
      let after = origin === from.origin ? Math.max(from.seq - 1, 0) : 0;
      // Past SYNC_PAGE_ENTRIES, one more span tells where the page ends.
      while (count + spans.length <= SYNC_PAGE_ENTRIES) {
        const read = this.#heldSpans(origin, after, SYNC_PAGE_ENTRIES + 1 - count - spans.length);
        const got = Array.isArray(read) ? read : await read;
        if (got.length === 0) break;
        spans.push(...got);
        after = got.at(-1)!.last;
      }
      holdings.push([origin, mergeSpans(spans)]);
      count += spans.length;
    }
    return planAsk(from, holdings);
  }

  /**
   * What a peer asking `ask` lacks, up to one batch, origin by origin in walk order: each origin's seqs
   * in the range that this side holds and the peer does not, what the peer holds past a gap skipped.
   * With `more`, the peer asks again from `resume`.
   */
  async batchFor(ask: SyncAsk): Promise<SyncAnswer> {
    const messages: Uint8Array[] = [];
    let bytes = 0;
    const { walk, start } = this.#walkFrom(ask.from.origin);
    for (let i = start; i < walk.length; i++) {
      const origin = walk[i]!;
      if (ask.to !== undefined && origin > ask.to.origin) break;
      let after = origin === ask.from.origin ? Math.max(ask.from.seq - 1, 0) : 0;
      for (;;) {
        const read = this.#heldSpans(origin, after, SPANS_READ);
        const mine = Array.isArray(read) ? read : await read;
        if (mine.length === 0) break;
        after = mine.at(-1)!.last;
        for (const { first, last } of toSend(ask, origin, mine)) {
          let next = first;
          while (next <= last) {
            const room = SYNC_BATCH_MESSAGES - messages.length;
            if (room === 0) return { messages, more: true, resume: { origin, seq: next } };
            const found = await this.store.since(origin, next - 1, Math.min(room, last - next + 1), { bytes: SYNC_BATCH_BYTES - bytes });
            if (found.length === 0) break;
            for (const m of found) {
              if (m.length > SYNC_BATCH_BYTES) {
                next++;
                continue;
              }
              if (bytes + m.length > SYNC_BATCH_BYTES) return { messages, more: true, resume: { origin, seq: next } };
              messages.push(m);
              bytes += m.length;
              next++;
            }
          }
        }
        if (ask.to !== undefined && origin === ask.to.origin && after >= ask.to.seq - 1) break;
      }
    }
    return { messages, more: false };
  }

  #refuseAll(count: number, refused: Refusal[]): IngestResult {
    this.#refusedCount += count;
    return { fresh: [], known: [], refused, unkept: [] };
  }
}
