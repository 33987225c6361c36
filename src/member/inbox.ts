import { storedMessageId } from '../chat/message-id.js';
import type { MessageView, Problem } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Replica } from '../sync/replica.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import { TurnBatch } from '../util/turn-batch.js';
import { messageView, type NickOwner } from './message-view.js';
import type { StoreQueue } from './store-queue.js';

const MAX_SEEN = 50_000;
/** Of a catch-up after being away, this many of the latest messages are shown. */
export const CAUGHT_UP_SHOWN = DEFAULT_LIMITS.caughtUpShown;
/**
 * Messages a sync brings while this user is here (a paste that a sync round overtook, a member back from
 * offline) are news like live ones: all are shown, up to this many.
 */
export const LIVE_ROUND_SHOWN = 1_000;

/** Ids of messages shown, so a message that arrives twice (live and by sync) is shown once. */
export class Seen {
  readonly #ids = new Set<string>();

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    this.#ids.add(id);
    if (this.#ids.size > MAX_SEEN) this.#ids.delete(this.#ids.values().next().value!);
  }
}

export interface CaughtUp {
  count: number;
  recent: MessageView[];
  away: boolean;
  /** The first catch-up of an empty store: this node's first start on the network. */
  first: boolean;
}

export interface InboxOptions {
  identity: Identity;
  replica: Replica;
  queue: StoreQueue;
  seen: Seen;
  /** The rooms this user is in: a sync brings the whole network's history, and only theirs is shown. */
  rooms: () => ReadonlySet<string>;
  /** Every message taken moves the member's clock. */
  observe: (m: StoredMessage) => void;
  /** A live message came ahead of what is held of its author: ask for the missing ones. */
  gap: () => void;
  show: (view: MessageView) => void;
  /** Who each nick is pinned to: a line under another's pinned nick is marked. */
  nickOwner?: NickOwner;
  caughtUp: (info: CaughtUp) => void;
  /** A topic message of `room` came by sync: topics are not lines (member/talk.ts shows the newest). */
  topic?: (room: string) => void;
  problem: (problem: Problem) => void;
}

/**
 * What reaches this user: live messages, verified and stored with the others of their turn and then shown
 * if new to this user; and what a sync round brings, shown together (the latest of it) when it settles.
 */
export class Inbox {
  readonly #options: InboxOptions;
  readonly #incoming = new TurnBatch<Uint8Array>((batch) => this.#store(batch));
  /** What the current sync round brought for this user: the latest of it, shown when the round settles. */
  #caughtUp: StoredMessage[] = [];
  #caughtUpCount = 0;
  /** The link's first sync round has not settled yet: what it brings happened while this node was away. */
  #firstRound = false;
  /** The store held nothing when the link's first round began. */
  #emptyStore = false;

  constructor(options: InboxOptions) {
    this.#options = options;
  }

  /** A live message, as its author's bytes (a view of a network chunk: copied, as it waits for the turn's end). */
  receive(bytes: Uint8Array): void {
    this.#incoming.push(Uint8Array.prototype.slice.call(bytes));
  }

  /** A new link's first sync round begins. */
  linked(): void {
    this.#firstRound = true;
    this.#emptyStore = this.#options.replica.vector.size === 0;
  }

  /**
   * Messages a sync brought: those for this user, not shown yet, are shown together when it settles.
   * A catch-up may bring a week of chat: only the latest are kept, and only those are read in full.
   */
  collect(fresh: readonly StoredMessage[]): void {
    const kept = 2 * this.#shownOfRound();
    for (const m of fresh) {
      this.#options.observe(m);
      const id = storedMessageId(m);
      if (this.#options.seen.has(id) || !this.#isForUser(m)) continue;
      this.#options.seen.add(id);
      if (m.topic && m.room !== null) {
        this.#options.topic?.(m.room);
        continue;
      }
      this.#caughtUpCount++;
      this.#caughtUp.push(m);
      // Batches come author by author, not in time order: keep the latest by display order.
      if (this.#caughtUp.length > kept) this.#caughtUp = this.#latestCaughtUp();
    }
  }

  /** A sync round settled: shows what it brought, as what happened while away if it was the link's first. */
  settled(): void {
    this.show(this.#firstRound);
  }

  /**
   * Shows what collect() took since the last time; `away`: as what happened while this node was away
   * (marked `history`), otherwise as news.
   */
  show(away: boolean): void {
    const latest = this.#latestCaughtUp();
    let count = this.#caughtUpCount;
    const first = away && this.#emptyStore;
    this.#firstRound = false;
    this.#emptyStore = false;
    this.#caughtUp = [];
    this.#caughtUpCount = 0;
    const recent: MessageView[] = [];
    for (const m of latest) {
      const view = messageView(m.shown, this.#options.identity, this.#options.nickOwner);
      if (view === undefined) count--; // a private message whose seal does not open
      // What came while away is history; what a sync brought while this user was here is news, shown in
      // the order it came (a member's lines from before its join come after its join).
      else recent.push(away ? { ...view, history: true } : view);
    }
    if (count > 0) this.#options.caughtUp({ count, recent, away, first });
  }

  #shownOfRound(): number {
    return this.#firstRound ? CAUGHT_UP_SHOWN : LIVE_ROUND_SHOWN;
  }

  #latestCaughtUp(): StoredMessage[] {
    return this.#caughtUp.sort(displayOrder).slice(-this.#shownOfRound());
  }

  #isForUser(m: StoredMessage): boolean {
    if (m.room !== null) return this.#options.rooms().has(m.room);
    if (!m.isPrivate) return false;
    const { identity } = this.#options;
    return m.origin === identity.nodeIdHex || Buffer.from(m.shown.to?.nodeId ?? []).equals(identity.nodeId);
  }

  #store(batch: Uint8Array[]): void {
    const { replica, queue, seen, identity } = this.#options;
    queue.run(async () => {
      let result;
      try {
        result = await replica.ingest(batch);
      } catch (err) {
        this.#options.problem({ code: 'STORE_FAILED', what: 'received', count: batch.length, cause: (err as Error).message });
        return;
      }
      for (const { origin, seq, reason } of result.refused) {
        this.#options.problem({ code: 'BAD_SIGNATURE', what: 'message', ...(origin === undefined ? {} : { origin }), ...(seq === undefined ? {} : { seq }), reason });
      }
      // Known ones too: on a relay's node the relay may have stored a message before its user saw it.
      // Unkept ones too: authentic, not stored for a storage bound (sync/budget.ts), and not a gap to fill.
      const unkept = new Set(result.unkept.map((u) => u.message));
      const accepted = [...result.fresh, ...result.known, ...unkept].sort(displayOrder);
      let gap = false;
      for (const m of accepted) {
        this.#options.observe(m);
        if (!unkept.has(m) && (replica.vector.get(m.origin) ?? 0) < m.seq) gap = true;
        const id = storedMessageId(m);
        if (seen.has(id)) continue;
        seen.add(id);
        const view = messageView(m.shown, identity, this.#options.nickOwner);
        if (view !== undefined) this.#options.show(view);
      }
      // A live message ahead of what is held of its author: ask for the missing ones now.
      if (gap) this.#options.gap();
    });
  }
}

function displayOrder(a: StoredMessage, b: StoredMessage): number {
  return a.time - b.time || a.counter - b.counter || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq);
}
