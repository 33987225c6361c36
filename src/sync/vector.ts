import { moveHeld } from '../store/held-move.js';
import type { VersionVector } from '../store/history-store.js';
import type { lanchat } from '../wire/protobuf.js';

/** Version vectors on the wire and compared. Pure. */

export function vectorToWire(vector: VersionVector): lanchat.VersionEntry.$Properties[] {
  return [...vector].map(([origin, seq]) => ({ origin: Buffer.from(origin, 'hex'), seq }));
}

/** Entries with a malformed origin or seq are skipped: a peer's mistake costs it a resend, nothing more. */
export function vectorFromWire(entries: readonly lanchat.VersionEntry.$Properties[] | null | undefined): VersionVector {
  const vector = new Map<string, number>();
  for (const { origin, seq } of entries ?? []) {
    if (!(origin instanceof Uint8Array) || origin.length !== 32 || !Number.isSafeInteger(seq) || seq! < 0) continue;
    const hex = Buffer.from(origin).toString('hex');
    vector.set(hex, Math.max(vector.get(hex) ?? 0, seq!));
  }
  return vector;
}

/** For each origin where `mine` is ahead of `theirs`: the seq `theirs` holds up to. */
export function aheadOf(mine: VersionVector, theirs: VersionVector): Map<string, number> {
  const ahead = new Map<string, number>();
  for (const [origin, seq] of mine) {
    const held = theirs.get(origin) ?? 0;
    if (seq > held || (seq === 0 && !theirs.has(origin))) ahead.set(origin, held);
  }
  return ahead;
}

/** `theirs` holds something `mine` lacks. */
export function lacksFrom(mine: VersionVector, theirs: VersionVector): boolean {
  return aheadOf(theirs, mine).size > 0;
}

/**
 * The vector `vector` becomes once `messages` are held too: each origin moves past the seqs that follow
 * on without a gap. (Messages held out of order before are not known here; the store may move further.)
 */
export function vectorAfter(vector: VersionVector, messages: readonly { origin: string; seq: number }[]): Map<string, number> {
  const after = new Map(vector);
  for (const [origin, { held, ahead }] of moveHeld(vector, messages)) {
    let next = held + 1;
    while (ahead?.has(next)) next++;
    after.set(origin, next - 1);
  }
  return after;
}

/** The higher entry of the two for every origin. */
export function vectorMax(a: VersionVector, b: VersionVector): Map<string, number> {
  const max = new Map(a);
  for (const [origin, seq] of b) max.set(origin, Math.max(max.get(origin) ?? 0, seq));
  return max;
}
