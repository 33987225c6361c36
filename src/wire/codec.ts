import { LanchatError } from './errors.js';
import { MAX_FRAME_BYTES } from './limits.js';
import { lanchat, Writer } from './protobuf.js';

export type Frame = lanchat.Frame & lanchat.Frame.$Shape;
export type FrameKind = NonNullable<lanchat.Frame['kind']>;

/** Encodes a frame with its varint length prefix, ready to write to a socket. */
export function encodeFrame(frame: lanchat.Frame.$Shape): Buffer {
  const writer = Writer.create();
  lanchat.Frame.encode(frame, writer.fork()).ldelim();
  const bytes = writer.finish();
  if (bytes.length > MAX_FRAME_BYTES + 3) {
    throw new LanchatError('FRAME_TOO_LARGE', `refusing to send a ${bytes.length}-byte frame`);
  }
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Decodes one frame payload (without its length prefix). */
export function decodeFrame(payload: Uint8Array): Frame {
  try {
    return lanchat.Frame.decode(payload);
  } catch (err) {
    throw new LanchatError('BAD_FRAME', `undecodable frame: ${(err as Error).message}`, { cause: err });
  }
}

/** A decoded frame known to be of kind K (its body field is then present). */
export type FrameOf<K extends FrameKind> = Extract<Frame, Record<K, object>>;
