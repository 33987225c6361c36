import type { HlcTimestamp } from '../chat/clock.js';
import { messageId } from '../chat/message-id.js';
import type { MessageView, Problem } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import { sealedAction } from '../chat/private-action.js';
import { seal } from '../identity/seal.js';
import type { Connection } from '../net/connection.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Replica } from '../sync/replica.js';
import type { Span } from '../sync/spans.js';
import { messageHash, signMessage } from '../sync/signature.js';
import { TurnBatch } from '../util/turn-batch.js';
import { encodeMessageFrame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';
import { messageView } from './message-view.js';
import { Pacer } from './pacer.js';
import type { StoreQueue } from './store-queue.js';

/** A line written, waiting to be stored: its bytes, and the chain head before it (given back if it is not stored). */
interface Written {
  bytes: Uint8Array;
  seq: number;
  prevHead: { seq: number; hash: Buffer | undefined };
  /** Counts store failures: a line written before the last failure chains onto a line that was never stored. */
  generation: number;
}

export type Outgoing = ({ room: string; text: string; topic?: true } | { to: { nodeId: Buffer; nick: string; sealKey: Buffer }; text: string }) & {
  /** "/me": shown `* nick text`. */
  action?: true;
};

/** Where written lines go now: a relay's session, `direct` when that relay is this node's own. */
export interface Route {
  conn: Connection;
  direct: boolean;
}

export interface OutboxOptions {
  identity: Identity;
  network: string;
  replica: Replica;
  queue: StoreQueue;
  /** The last seq this node's messages used (from its store), and that message's hash. */
  lastSeq?: number;
  lastHash?: Buffer;
  saveHead?: (head: { lastSeq: number; lastHash?: Buffer }) => Promise<void>;
  /** The member's clock, ticked for each line written. */
  tick: () => HlcTimestamp;
  /** The session to send on, if any, when a batch is stored. */
  route: () => Route | undefined;
  /** The connection paced lines go out on, if any, when their turn comes. */
  connection: () => Connection | undefined;
  /** A line written here: its copy coming back from the relay or a sync is not shown again. */
  written: (id: string) => void;
  show: (view: MessageView) => void;
  /** A line shown `pending` is held by a relay now (the id it was shown with). */
  delivered: (id: string) => void;
  problem: (problem: Problem) => void;
}

/**
 * This node's own lines: each is signed and takes its place in its author's chain when written, is
 * stored before it leaves (with the others of its turn), then shown and sent, paced under a remote
 * relay's rate limit. Lines no relay has taken yet stay counted until a relay's sync takes them.
 */
export class Outbox {
  readonly #options: OutboxOptions;
  readonly #unstored = new TurnBatch<Written>((batch) => this.#store(batch));
  #seq: number;
  #lastHash: Buffer | undefined;
  #generation = 0;
  #savingHead: Promise<void> = Promise.resolve();
  /** Lines stored and not known to be delivered: the relay's sync takes them (see delivered()). */
  #unsent = 0;
  readonly #pacer = new Pacer<Buffer>((frame) => {
    const conn = this.#options.connection();
    if (conn === undefined) return;
    conn.send(frame);
    this.#unsent = Math.max(0, this.#unsent - 1);
  });
  /** stop() waiting for the undelivered lines to be delivered. */
  #onDelivered: (() => void)[] = [];
  /** Lines shown as pending (written while no relay was reachable), by seq: their ids, until a relay holds them. */
  readonly #pending = new Map<number, string>();
  /** A line written since start carries this node's seal key (see write()). */
  #keyCarried = false;

  constructor(options: OutboxOptions) {
    this.#options = options;
    this.#seq = options.lastSeq ?? 0;
    this.#lastHash = options.lastHash;
  }

  get undelivered(): number {
    return this.#unsent;
  }

  /** Lines waiting for their turn under the pace. */
  get pacing(): number {
    return this.#pacer.waiting;
  }

  write(outgoing: Outgoing, nick: string): boolean {
    const room = 'room' in outgoing;
    // A private action is in the sealed text, never in the flag outside the seal (chat/private-action.ts).
    const text = !room && outgoing.action === true ? sealedAction(outgoing.text) : outgoing.text;
    const topic = room && outgoing.topic === true;
    const maxBytes = topic ? DEFAULT_LIMITS.topicBytes : DEFAULT_LIMITS.textBytes;
    if (outgoing.text.length === 0 || Buffer.byteLength(text) > maxBytes) {
      this.#options.problem({ code: 'TEXT_INVALID', maxBytes });
      return false;
    }
    // The message gets its identity, time and place in its author's chain when written, not when it leaves.
    const clock = this.#options.tick();
    const { identity, network } = this.#options;
    const prevHead = { seq: this.#seq, hash: this.#lastHash };
    const seq = ++this.#seq;
    const message: lanchat.ChatMessage.$Shape = {
      origin: identity.nodeId,
      seq,
      time: clock.time,
      counter: clock.counter,
      nick,
      prev: this.#lastHash,
      ...('room' in outgoing
        ? { room: outgoing.room, text }
        : { to: { nodeId: outgoing.to.nodeId, nick: outgoing.to.nick }, sealed: seal(text, outgoing.to.sealKey, identity.sealKeyRaw) }),
      ...(room && outgoing.action === true ? { action: true } : {}),
      ...(topic ? { topic: true } : {}),
      ...this.#sealKeyOf(seq),
    };
    const bytes = signMessage(message, identity, network);
    this.#lastHash = messageHash(bytes);
    this.#options.written(messageId(identity.nodeId, seq));
    this.#unstored.push({ bytes, seq, prevHead, generation: this.#generation });
    return true;
  }

  /**
   * This node's seal key and its signature, for the first line after each start and for seq 1: a node
   * that knows this one only from its history can then seal private messages to it (issue 17 item 8;
   * sync/seal-key-learning.ts). Not on every line: the two fields are ~100 bytes, more than a typical
   * line's text, stored on every node; and the key never changes (it is derived from the identity), so
   * one line per start keeps it in recent history at a fraction of that.
   */
  #sealKeyOf(seq: number): Pick<lanchat.ChatMessage.$Shape, 'sealKey' | 'sealKeySignature'> {
    if (this.#keyCarried && seq !== 1) return {};
    this.#keyCarried = true;
    const { identity } = this.#options;
    return { sealKey: identity.sealKeyRaw, sealKeySignature: identity.sealKeySignature };
  }

  /** The link is gone: lines waiting for their turn stay stored, and the next relay's sync takes them. */
  dropPaced(): void {
    this.#pacer.clear();
  }

  /** A relay's sync took every line it lacked: none is undelivered any more. */
  delivered(): void {
    this.#unsent = 0;
    for (const done of this.#onDelivered.splice(0)) done();
  }

  /**
   * The relay said it holds these seqs of this node's own (its `stored` frame, or its sync offer or
   * request listing them): the pending lines among them are delivered.
   */
  relayHolds(spans: readonly Span[]): void {
    if (this.#pending.size === 0) return;
    for (const [seq, id] of this.#pending) {
      if (!spans.some((span) => span.first <= seq && seq <= span.last)) continue;
      this.#pending.delete(seq);
      this.#options.delivered(id);
    }
  }

  /** Resolves when a relay has taken the undelivered lines, or after `timeoutMs`. */
  deliveredWithin(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#onDelivered.push(done);
    });
  }

  /** Resolves once the chain head of the lines stored so far is saved (or failed to be). */
  headSaved(): Promise<void> {
    return this.#savingHead;
  }

  /**
   * Stores the lines written this turn in one batch, then shows and sends them: a line is on disk before
   * it leaves, so a crash can never send two lines under one seq.
   */
  #store(written: Written[]): void {
    const { replica, identity, queue } = this.#options;
    queue.run(async () => {
      // Lines written before a store failed chain onto a line that is not stored: they are not sent either.
      const current = written.filter((w) => w.generation === this.#generation);
      if (current.length < written.length) {
        this.#options.problem({ code: 'STORE_FAILED', what: 'own', count: written.length - current.length, cause: 'a line written before them could not be stored' });
      }
      if (current.length === 0) return;
      const batch = current.map((w) => w.bytes);
      let stored: StoredMessage[];
      try {
        stored = await replica.appendOwn(batch);
      } catch (err) {
        this.#giveBack(current[0]!);
        this.#options.problem({ code: 'STORE_FAILED', what: 'own', count: batch.length, cause: (err as Error).message });
        return;
      }
      const route = this.#options.route();
      // No relay to send them to: shown as pending until a relay holds them (relayHolds).
      const pending = route === undefined;
      for (const m of stored) {
        const view = messageView(m.shown, identity);
        if (view === undefined) continue;
        if (pending) this.#pending.set(m.seq, view.id);
        this.#options.show(pending ? { ...view, pending: true } : view);
      }
      // Its own relay, over loopback, is not rate limited: nothing to pace.
      if (route?.direct) {
        for (const bytes of batch) route.conn.send(encodeMessageFrame(bytes));
      } else {
        this.#unsent += batch.length;
        if (route !== undefined) for (const bytes of batch) this.#pacer.push(encodeMessageFrame(bytes));
      }
      this.#saveHead(stored.at(-1));
    });
  }

  /**
   * A line that could not be stored was not sent: its seq and chain hash are given back, so the next line
   * takes them and its author's chain keeps no gap (a gap would hold up every peer's catch-up of it). The
   * lines written after it, chained onto it, are dropped when their turn to be stored comes.
   */
  #giveBack(first: Written): void {
    this.#seq = first.prevHead.seq;
    this.#lastHash = first.prevHead.hash;
    this.#generation++;
    // The line that carried the seal key may be among those dropped: the next one carries it again.
    this.#keyCarried = false;
  }

  /**
   * One save at a time, in order; one that fails costs nothing now (the store holds the chain; the copy
   * is for the store's loss).
   */
  #saveHead(last: StoredMessage | undefined): void {
    const save = this.#options.saveHead;
    if (last === undefined || save === undefined) return;
    const head = { lastSeq: last.seq, lastHash: messageHash(last.bytes) };
    this.#savingHead = this.#savingHead.then(() => save(head)).catch(() => undefined);
  }
}
