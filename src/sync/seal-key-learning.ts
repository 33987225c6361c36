import { setImmediate as nextTurn } from 'node:timers/promises';
import { provenSealKey } from '../identity/node-keys.js';
import { compareOrder } from '../store/display-page.js';
import type { StoredMessage } from '../store/history-store.js';
import { VERIFY_SLICE_CHECKS } from './verify-sliced.js';

/**
 * Seal keys learned from history (issue 17 item 8): a node puts its seal key on some of its lines
 * (member/outbox.ts), so a node that knows it only from replicated history can still seal a private
 * message to it. Every node that stores such a line records the key in its book (identity/seal-keys.ts),
 * once proven: signed by the line's author key (which verification already tied to the origin) over the
 * seal-key domain, as the roster's keys are (identity/node-keys.ts provenSealKey).
 *
 * A member could put a different key on every line to make every node pay a signature check (≈155 µs)
 * a line. So a check is paid only for a key newer than what the book holds of its node and different
 * from it, and for at most one line per origin in a batch: the newest one carrying a key. That is no
 * more than the checks verifying the batch already cost (one per run of an origin), and they are sliced
 * as verify-sliced.ts slices those.
 */

/** What the book holds of a node, as learning reads it. */
export interface HeldKey {
  sealKey: Uint8Array;
  /** The clock of the sighting it comes from (ms). */
  at: number;
}

/** The part of identity/seal-keys.ts SealKeyBook that learning uses. */
export interface KeyBook {
  get(nodeId: string): HeldKey | undefined;
  /** Records a proven key; true when the book changed. */
  learn(nodeId: string, nick: string, sealKey: Uint8Array, at: number): boolean;
}

/** A key carried by a line, worth recording. */
export interface KeyCandidate {
  origin: string;
  nick: string;
  sealKey: Uint8Array;
  signature: Uint8Array;
  authorKey: Uint8Array;
  /** The line's clock (ms). */
  at: number;
  /** It differs from the key held: its signature must be checked first. */
  check: boolean;
}

/**
 * Pure: for each origin but `self`, the newest line of `messages` (by clock, then seq) that carries a seal
 * key, if it is newer than what `held` has of that origin. Lines whose key fields are not of the right
 * sizes carry none (message-rules.ts refuses them before they get here).
 */
export function keyCandidates(messages: readonly StoredMessage[], held: (origin: string) => HeldKey | undefined, self?: string): KeyCandidate[] {
  const newest = new Map<string, StoredMessage>();
  for (const m of messages) {
    if (m.origin === self || m.sealKey?.length !== 32 || m.sealKeySignature?.length !== 64 || m.authorKey === undefined) continue;
    const before = newest.get(m.origin);
    if (before === undefined || compareOrder(m, before) > 0) newest.set(m.origin, m);
  }
  const candidates: KeyCandidate[] = [];
  for (const [origin, m] of newest) {
    const known = held(origin);
    if (known !== undefined && known.at >= m.time) continue;
    const sealKey = m.sealKey!;
    candidates.push({
      origin,
      nick: m.shown.nick ?? '',
      sealKey,
      signature: m.sealKeySignature!,
      authorKey: m.authorKey!,
      at: m.time,
      check: known === undefined || !Buffer.from(known.sealKey).equals(sealKey),
    });
  }
  return candidates;
}

/**
 * Records in `book` the keys `messages` (verified lines, new to this node) carry, proven. Gives the event
 * loop a turn after every `sliceChecks` signature checks. True when the book changed (it needs saving).
 */
export async function learnSealKeys(messages: readonly StoredMessage[], book: KeyBook, options: { self?: string; sliceChecks?: number } = {}): Promise<boolean> {
  const sliceChecks = options.sliceChecks ?? VERIFY_SLICE_CHECKS;
  let changed = false;
  let checks = 0;
  for (const c of keyCandidates(messages, (origin) => book.get(origin), options.self)) {
    if (c.check) {
      const proven = provenSealKey(Buffer.from(c.origin, 'hex'), { publicKey: c.authorKey, sealKey: c.sealKey, sealKeySignature: c.signature });
      if (++checks % sliceChecks === 0) await nextTurn();
      if (proven === undefined) continue;
    }
    if (book.learn(c.origin, c.nick, c.sealKey, c.at)) changed = true;
  }
  return changed;
}
