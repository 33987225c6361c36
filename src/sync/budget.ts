import { runBytesOf } from '../store/message-run.js';
import type { Limits } from '../wire/limits.js';

/**
 * What others can make this node store, bounded (README, "Storage bounds"). A pure decision over the
 * messages a batch brings that are verified and not held yet; Replica.ingest carries it out.
 *
 * - HISTORY_FULL: the history holds historyBytes: no more messages of others are kept. Nothing held is
 *   ever evicted (an evicted seq would leave a hole under a vector entry that says it is held), and
 *   this node's own lines are always kept (they are stored before they are sent: appendOwn).
 * - ORIGIN_FULL: one origin (one node id, one key) holds originBytes here: no more of its messages are
 *   kept. One identity cannot take the whole history; this node's own origin is exempt.
 * - LINK_OVER: one connection's sync batches brought addressSyncBytes of new messages within addressSyncWindowMs: the
 *   rest waits for the next window (the asker asks again at its next round). Fresh identities cost
 *   nothing to make, so this bounds what one member can push however many origins it signs as.
 *
 * Within one origin the lowest seqs are taken first and, once one is not kept, none after it in the
 * batch is: what is held of a chain stays its beginning, and a vector entry never jumps a refused seq.
 * A message not kept is not refused: it is authentic, may be shown, and is asked for again later.
 */

export type BudgetLimits = Pick<Limits, 'originBytes' | 'historyBytes' | 'addressSyncBytes' | 'addressSyncWindowMs'>;

export type UnkeptReason = 'HISTORY_FULL' | 'ORIGIN_FULL' | 'LINK_OVER';

/** What one connection's sync batches brought in its current window. */
export interface LinkWindow {
  start: number;
  bytes: number;
}

export interface BudgetMessage {
  origin: string;
  seq: number;
  bytes: Uint8Array;
}

export interface BudgetInput<M extends BudgetMessage> {
  /** Verified, and not held yet. */
  messages: readonly M[];
  /** This node's own origin, always kept. */
  own?: string;
  /** Bytes held of an origin, as the store counts them. */
  originBytes: (origin: string) => number;
  /** Bytes held in all. */
  totalBytes: number;
  /** The window of the connection the batch came by; none: not counted per connection (live lines). */
  link?: LinkWindow;
  now: number;
}

export interface Admission<M extends BudgetMessage> {
  /** To store, in the order given. */
  kept: M[];
  unkept: { message: M; reason: UnkeptReason }[];
  /** The connection's window once the kept ones are counted (undefined without `link`). */
  link?: LinkWindow;
}

function bySeq(a: BudgetMessage, b: BudgetMessage): number {
  return a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq;
}

export function admit<M extends BudgetMessage>(input: BudgetInput<M>, limits: BudgetLimits): Admission<M> {
  const { own, now } = input;
  let total = input.totalBytes;
  const link = input.link === undefined ? undefined : now - input.link.start >= limits.addressSyncWindowMs || now < input.link.start ? { start: now, bytes: 0 } : { ...input.link };
  const perOrigin = new Map<string, number>();
  const stopped = new Map<string, UnkeptReason>();
  const reasons = new Map<M, UnkeptReason>();
  for (const m of [...input.messages].sort(bySeq)) {
    const size = runBytesOf(m.bytes);
    if (m.origin === own) {
      total += size;
      continue;
    }
    const held = perOrigin.get(m.origin) ?? input.originBytes(m.origin);
    const reason =
      stopped.get(m.origin) ??
      (total + size > limits.historyBytes
        ? 'HISTORY_FULL'
        : held + size > limits.originBytes
          ? 'ORIGIN_FULL'
          : link !== undefined && link.bytes + size > limits.addressSyncBytes
            ? 'LINK_OVER'
            : undefined);
    if (reason !== undefined) {
      stopped.set(m.origin, reason);
      reasons.set(m, reason);
      continue;
    }
    total += size;
    perOrigin.set(m.origin, held + size);
    if (link !== undefined) link.bytes += size;
  }
  const kept: M[] = [];
  const unkept: Admission<M>['unkept'] = [];
  for (const message of input.messages) {
    const reason = reasons.get(message);
    if (reason === undefined) kept.push(message);
    else unkept.push({ message, reason });
  }
  return link === undefined ? { kept, unkept } : { kept, unkept, link };
}
