import type { VersionVector } from './history-store.js';

/** Where an origin stands once a batch of its messages is held too (moveHeld). */
export interface HeldMove {
  /** Its vector entry moved through the batch's seqs that follow on without a gap. */
  held: number;
  /** The batch's seqs left ahead of a gap (undefined when none). */
  ahead: Set<number> | undefined;
  /** The batch's highest seq. */
  top: number;
}

/**
 * For each origin of `messages`, how far its vector entry moves on their seqs alone. A sync batch brings
 * each origin's messages in seq order, so most move the entry on the spot; only those ahead of a gap
 * are set aside, for the caller to look at once it knows what else is held. Pure.
 */
export function moveHeld(vector: VersionVector, messages: readonly { origin: string; seq: number }[]): Map<string, HeldMove> {
  const moves = new Map<string, HeldMove>();
  for (const { origin, seq } of messages) {
    let move = moves.get(origin);
    if (move === undefined) moves.set(origin, (move = { held: vector.get(origin) ?? 0, ahead: undefined, top: 0 }));
    move.top = Math.max(move.top, seq);
    if (seq === move.held + 1) move.held = seq;
    else if (seq > move.held) (move.ahead ??= new Set()).add(seq);
  }
  return moves;
}
