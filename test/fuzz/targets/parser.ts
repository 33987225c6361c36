import type { FrameKind } from '../../../src/wire/codec.js';
import { isLanchatError } from '../../../src/wire/errors.js';
import { FrameDecoder, varintLength } from '../../../src/wire/frame-decoder.js';
import { DEFAULT_LIMITS } from '../../../src/wire/limits.js';
import { FRAME_PAYLOADS } from '../corpus.js';
import { type FuzzInput, type FuzzTarget, invariant } from '../engine.js';
import { frameStream } from '../inputs.js';
import { chunked, readVarint } from '../mutate.js';

/**
 * Frame limits the decoder is run with (`variant` indexes this). The real limit is never reached by small
 * inputs, so small ones are used too: with them, mutated streams cross the limit all the time.
 */
export const PARSER_LIMITS = [DEFAULT_LIMITS.frameBytes, DEFAULT_LIMITS.frameBytes, 16, 127, 128, 1000, 0x3fff, 0x4000] as const;

const KINDS = [...FRAME_PAYLOADS.keys()] as FrameKind[];

interface Outcome {
  raws: Buffer[];
  error: string | undefined;
  buffered: number;
}

/** Feeds `chunks` to a fresh decoder, checking what must hold after every push. */
function decodeStream(chunks: readonly Buffer[], max: number): Outcome {
  const decoder = new FrameDecoder(max);
  const bound = max + varintLength(max) - 1;
  const raws: Buffer[] = [];
  for (const chunk of chunks) {
    try {
      decoder.push(chunk, (payload, raw) => {
        invariant(payload.length <= max, () => `a ${payload.length}-byte frame passed a ${max}-byte limit`);
        const prefix = readVarint(raw, 0);
        invariant(
          prefix !== undefined && prefix.bytes + payload.length === raw.length && Number(prefix.value) === payload.length,
          'a frame is its length prefix and that many bytes',
        );
        invariant(raw.subarray(prefix.bytes).equals(payload), 'the payload is the frame after its prefix');
        raws.push(Buffer.from(raw));
      });
    } catch (err) {
      if (!isLanchatError(err)) throw err;
      invariant(err.code === 'BAD_FRAME' || err.code === 'FRAME_TOO_LARGE', `decoder threw code ${err.code}`);
      return { raws, error: err.code, buffered: decoder.bufferedBytes };
    }
    invariant(decoder.bufferedBytes <= bound, () => `decoder holds ${decoder.bufferedBytes} bytes under a ${max}-byte limit`);
  }
  return { raws, error: undefined, buffered: decoder.bufferedBytes };
}

/**
 * The frame parser: a stream decoded in one chunk and in the case's chunks must give the same frames and
 * the same error; the frames are the stream's own bytes, in order, from its start; what is not handed
 * out is held, and never more than one frame's worth; the only errors are BAD_FRAME and FRAME_TOO_LARGE.
 */
export const parserTarget: FuzzTarget = {
  name: 'frame-parser',
  checkEvery: 1_000,
  generate(rng) {
    return frameStream(rng, KINDS, rng.below(PARSER_LIMITS.length), 5);
  },
  async open() {
    return {
      run(input: FuzzInput) {
        const max = PARSER_LIMITS[input.variant % PARSER_LIMITS.length]!;
        const whole = decodeStream([input.bytes], max);
        const pieces = decodeStream(chunked(input.bytes, input.cuts), max);
        const consumed = Buffer.concat(whole.raws);
        invariant(input.bytes.subarray(0, consumed.length).equals(consumed), 'frames are the stream, in order, from its start');
        if (whole.error === undefined) {
          invariant(whole.buffered === input.bytes.length - consumed.length, 'what is not handed out is held');
        }
        invariant(pieces.error === whole.error, () => `chunked: ${pieces.error ?? 'no error'}; whole: ${whole.error ?? 'no error'}`);
        invariant(
          pieces.raws.length === whole.raws.length && pieces.raws.every((r, i) => r.equals(whole.raws[i]!)),
          () => `chunked gave ${pieces.raws.length} frames, whole ${whole.raws.length}`,
        );
        if (whole.error === undefined) invariant(pieces.buffered === whole.buffered, 'chunked and whole hold the same rest');
      },
      async check() {},
      async close() {},
    };
  },
};
