import type { FrameKind } from '../../src/wire/codec.js';
import { ALL_PAYLOADS, FRAME_PAYLOADS } from './corpus.js';
import type { FuzzInput } from './engine.js';
import { chunkCuts, framed, misframed, mutate } from './mutate.js';
import type { Rng } from './random.js';
import { mutateShape } from './shape.js';

/** Most payloads are mutated; some go out intact, so that what follows them meets a session in step. */
export function payloadFrom(pool: readonly Buffer[], rng: Rng, mutateChance = 0.8): Buffer {
  const base = rng.pick(pool);
  return rng.chance(mutateChance) ? mutate(base, rng, ALL_PAYLOADS) : base;
}

/**
 * For handlers: a payload mutated field by field (it decodes, with strange values) or byte by byte (it
 * may not decode at all, which ends a session), or intact.
 */
export function handlerPayloadFrom(pool: readonly Buffer[], rng: Rng): Buffer {
  const base = rng.pick(pool);
  const choice = rng.below(100);
  if (choice < 50) return mutateShape(base, rng) ?? base;
  if (choice < 80) return mutate(base, rng, ALL_PAYLOADS, 2);
  return base;
}

export function payloadsOf(kinds: readonly FrameKind[]): Buffer[] {
  return kinds.flatMap((kind) => FRAME_PAYLOADS.get(kind) ?? []);
}

/**
 * A byte stream of one to `maxFrames` frames drawn from `kinds` (evenly by kind), most mutated inside a
 * true length prefix (so they reach the handlers), a few behind a lying prefix; now and then the whole
 * stream is mutated as raw bytes on top, prefixes included.
 */
export function frameStream(rng: Rng, kinds: readonly FrameKind[], variant: number, maxFrames = 4, forHandlers = false): FuzzInput {
  const frames: Buffer[] = [];
  const count = rng.between(1, maxFrames);
  // Handlers are only reached by frames that decode: for them, mostly field-level mutations.
  const fieldLevel = forHandlers ? 0.85 : 0.5;
  for (let i = 0; i < count; i++) {
    const pool = FRAME_PAYLOADS.get(rng.pick(kinds)) ?? ALL_PAYLOADS;
    const payload = rng.chance(fieldLevel) ? handlerPayloadFrom(pool, rng) : payloadFrom(pool, rng);
    frames.push(rng.chance(forHandlers ? 0.03 : 0.06) ? misframed(payload, rng) : framed(payload));
  }
  let bytes: Buffer = Buffer.concat(frames);
  if (rng.chance(forHandlers ? 0.05 : 0.15)) bytes = mutate(bytes, rng, frames);
  return { variant, bytes, cuts: chunkCuts(bytes.length, rng) };
}
