import type { Rng } from './random.js';

/**
 * Byte mutators for the fuzzer. Pure: each takes bytes and a generator and returns new bytes, leaving
 * its input alone. Some know the protobuf wire format (varints, tags, length prefixes), because a frame
 * that fails to decode never reaches a handler: those keep most of a frame's structure while lying
 * about one length, one number or one tag.
 */

export type Mutator = (input: Buffer, rng: Rng, donors: readonly Buffer[]) => Buffer;

/** Bytes that sit on boundaries: varint continuation, sign bits, all ones. */
export const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff] as const;

/**
 * Values a length or number is swapped for: off the ends of small and large ranges, past 2^32 (where
 * 32-bit varint readers wrap), past 2^53 (where JavaScript numbers lose integers) and 2^64 - 1.
 */
const INTERESTING_VALUES: readonly bigint[] = [
  0n, 1n, 0x7fn, 0x80n, 0x3fffn, 0x4000n, 256n * 1024n, 256n * 1024n + 1n, 0x7fff_ffffn, 0xffff_ffffn,
  0x1_0000_0000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n,
];

/** A varint, or undefined when `buf` ends inside it or it runs past 10 bytes. */
export function readVarint(buf: Uint8Array, at: number): { value: bigint; bytes: number } | undefined {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    if (at + i >= buf.length) return undefined;
    const byte = buf[at + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, bytes: i + 1 };
  }
  return undefined;
}

/** `value` as a varint; `padTo` pads it with continuation bytes to that many bytes (a non-minimal form). */
export function encodeVarint(value: bigint, padTo = 0): Buffer {
  const out: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  } while (rest > 0n);
  while (out.length < padTo) out.push(0x80);
  out[out.length - 1] = out.at(-1)! & 0x7f;
  return Buffer.from(out);
}

/** Where a varint sits in a protobuf encoding, and what it is. */
export interface VarintSpot {
  kind: 'tag' | 'length' | 'number';
  at: number;
  bytes: number;
  value: bigint;
}

const MAX_SPOTS = 4_096;

/**
 * The varints of a protobuf encoding, descending into length-delimited fields that parse as messages
 * themselves. Stops quietly where the bytes stop making sense: mutated input is walked too.
 */
export function protobufSpots(buf: Uint8Array, start = 0, end = buf.length, depth = 4, spots: VarintSpot[] = []): VarintSpot[] {
  let pos = start;
  // A few thousand are plenty to pick from; a 256 KiB string of field-like bytes would give 100,000s.
  while (pos < end && spots.length < MAX_SPOTS) {
    const tag = readVarint(buf, pos);
    if (tag === undefined || pos + tag.bytes > end || tag.value >> 3n === 0n) break;
    spots.push({ kind: 'tag', at: pos, bytes: tag.bytes, value: tag.value });
    pos += tag.bytes;
    const wireType = Number(tag.value & 7n);
    if (wireType === 0) {
      const number = readVarint(buf, pos);
      if (number === undefined || pos + number.bytes > end) break;
      spots.push({ kind: 'number', at: pos, bytes: number.bytes, value: number.value });
      pos += number.bytes;
    } else if (wireType === 1 || wireType === 5) {
      pos += wireType === 1 ? 8 : 4;
    } else if (wireType === 2) {
      const length = readVarint(buf, pos);
      if (length === undefined) break;
      spots.push({ kind: 'length', at: pos, bytes: length.bytes, value: length.value });
      pos += length.bytes;
      const fieldEnd = pos + Number(length.value);
      if (fieldEnd > end) break;
      if (depth > 0) protobufSpots(buf, pos, fieldEnd, depth - 1, spots);
      pos = fieldEnd;
    } else {
      break;
    }
  }
  return spots;
}

function replace(input: Buffer, at: number, remove: number, insert: Uint8Array): Buffer {
  return Buffer.concat([input.subarray(0, at), insert, input.subarray(at + remove)]);
}

/** A value near `value` or an interesting one: what a length or number is replaced with. */
export function tamperedValue(value: bigint, rng: Rng): bigint {
  switch (rng.below(4)) {
    case 0:
      return value + 1n;
    case 1:
      return value > 0n ? value - 1n : 0xffff_ffff_ffff_ffffn;
    case 2:
      return BigInt(rng.next()) * BigInt(rng.below(3) + 1);
    default:
      return rng.pick(INTERESTING_VALUES);
  }
}

/** Re-encodes the varint at `spot` with `value`, sometimes in a longer, non-minimal form. */
function rewriteVarint(input: Buffer, spot: VarintSpot, value: bigint, rng: Rng): Buffer {
  const padTo = rng.chance(0.2) ? rng.between(spot.bytes, 10) : 0;
  return replace(input, spot.at, spot.bytes, encodeVarint(value, padTo));
}

function spotOf(input: Buffer, rng: Rng, kind: VarintSpot['kind']): VarintSpot | undefined {
  const spots = protobufSpots(input).filter((s) => s.kind === kind);
  return spots.length === 0 ? undefined : rng.pick(spots);
}

export const MUTATORS = {
  flipBit(input, rng) {
    if (input.length === 0) return input;
    const out = Buffer.from(input);
    const at = rng.below(out.length);
    out[at] = out[at]! ^ (1 << rng.below(8));
    return out;
  },
  setInteresting(input, rng) {
    if (input.length === 0) return Buffer.from([rng.pick(INTERESTING_BYTES)]);
    const out = Buffer.from(input);
    out[rng.below(out.length)] = rng.pick(INTERESTING_BYTES);
    return out;
  },
  setRandom(input, rng) {
    if (input.length === 0) return input;
    const out = Buffer.from(input);
    out[rng.below(out.length)] = rng.below(256);
    return out;
  },
  insert(input, rng) {
    const n = rng.between(1, 8);
    const bytes = rng.chance(0.5) ? rng.bytes(n) : Buffer.alloc(n, rng.pick(INTERESTING_BYTES));
    return replace(input, rng.below(input.length + 1), 0, bytes);
  },
  remove(input, rng) {
    if (input.length === 0) return input;
    const at = rng.below(input.length);
    return replace(input, at, rng.between(1, Math.min(16, input.length - at)), Buffer.alloc(0));
  },
  duplicate(input, rng) {
    if (input.length === 0) return input;
    const at = rng.below(input.length);
    const range = input.subarray(at, at + rng.between(1, Math.min(64, input.length - at)));
    return replace(input, rng.below(input.length + 1), 0, range);
  },
  truncate(input, rng) {
    return input.subarray(0, rng.below(input.length + 1));
  },
  splice(input, rng, donors) {
    if (donors.length === 0) return input;
    const donor = rng.pick(donors);
    return Buffer.concat([input.subarray(0, rng.below(input.length + 1)), donor.subarray(rng.below(donor.length + 1))]);
  },
  length(input, rng) {
    const spot = spotOf(input, rng, 'length');
    return spot === undefined ? input : rewriteVarint(input, spot, tamperedValue(spot.value, rng), rng);
  },
  number(input, rng) {
    const spot = spotOf(input, rng, 'number');
    return spot === undefined ? input : rewriteVarint(input, spot, tamperedValue(spot.value, rng), rng);
  },
  tag(input, rng) {
    const spot = spotOf(input, rng, 'tag');
    if (spot === undefined) return input;
    // Another field number (known to the decoder or not), or the same field with another wire type.
    const field = rng.chance(0.5) ? BigInt(rng.between(1, 64)) : spot.value >> 3n;
    const wireType = rng.chance(0.5) ? BigInt(rng.below(8)) : spot.value & 7n;
    return rewriteVarint(input, spot, (field << 3n) | wireType, rng);
  },
} satisfies Record<string, Mutator>;

export type MutatorName = keyof typeof MUTATORS;
const MUTATOR_NAMES = Object.keys(MUTATORS) as MutatorName[];

/** One to `maxSteps` mutations in a row (fewer more often: small changes get deepest into a parser). */
export function mutate(input: Buffer, rng: Rng, donors: readonly Buffer[], maxSteps = 4): Buffer {
  let out = input;
  const steps = 1 + Math.min(rng.below(maxSteps), rng.below(maxSteps));
  for (let i = 0; i < steps; i++) out = MUTATORS[rng.pick(MUTATOR_NAMES)](out, rng, donors);
  return out;
}

/** `payload` with its varint length prefix, as a frame crosses the wire. */
export function framed(payload: Uint8Array): Buffer {
  return Buffer.concat([encodeVarint(BigInt(payload.length)), payload]);
}

/** A frame whose length prefix lies: off by one, huge, over-long, or padded with continuation bytes. */
export function misframed(payload: Uint8Array, rng: Rng): Buffer {
  const length = BigInt(payload.length);
  const prefix =
    rng.chance(0.3) ? encodeVarint(length, rng.between(2, 10)) : encodeVarint(tamperedValue(length, rng), rng.chance(0.2) ? 10 : 0);
  return Buffer.concat([prefix, payload]);
}

/** Where a byte stream of `length` bytes is cut into chunks: none, a few, or (short streams) every byte. */
export function chunkCuts(length: number, rng: Rng): number[] {
  if (length < 2 || rng.chance(0.25)) return [];
  if (length <= 64 && rng.chance(0.15)) return Array.from({ length: length - 1 }, (_, i) => i + 1);
  const cuts = new Set<number>();
  const count = rng.between(1, Math.min(8, length - 1));
  for (let i = 0; i < count; i++) cuts.add(rng.between(1, length - 1));
  return [...cuts].sort((a, b) => a - b);
}

/** `bytes` cut at `cuts` (ascending offsets inside it). */
export function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut <= from || cut >= bytes.length) continue;
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  chunks.push(bytes.subarray(from));
  return chunks;
}
