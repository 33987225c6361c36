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
