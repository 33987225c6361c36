import { LanchatError } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';
import { lanchat, Reader, Writer } from './protobuf.js';

export type Frame = lanchat.Frame & lanchat.Frame.$Shape;
export type FrameKind = NonNullable<lanchat.Frame['kind']>;

/** Encodes a frame with its varint length prefix, ready to write to a socket. */
export function encodeFrame(frame: lanchat.Frame.$Shape): Buffer {
  const writer = Writer.create();
  lanchat.Frame.encode(frame, writer.fork()).ldelim();
  const bytes = writer.finish();
  if (bytes.length > DEFAULT_LIMITS.frameBytes + 3) {
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

/** Frame field 10 (message), wire type 2: the tag byte of a chat message frame. */
const MESSAGE_TAG = (10 << 3) | 2;

/**
 * A chat message frame around `message`, the author's signed bytes, kept as they are: a message is
 * never re-encoded, or its signature would no longer hold.
 */
export function encodeMessageFrame(message: Uint8Array): Buffer {
  const bytes = Writer.create().fork().uint32(MESSAGE_TAG).bytes(message).ldelim().finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The author's bytes when `payload` (a frame without its length prefix) is one chat message field and
 * nothing else; undefined for any other frame, or one that is not well formed (decodeFrame says why).
 * It reads the field's tag and length, never the message: a view into `payload`, not a copy.
 */
export function messageOfPayload(payload: Uint8Array): Uint8Array | undefined {
  if (payload[0] !== MESSAGE_TAG) return undefined;
  // The length: a varint of at most 5 bytes (a uint32, as protobuf reads it).
  let length = 0;
  let pos = 1;
  for (let shift = 0; ; shift += 7) {
    if (pos >= payload.length || shift > 28) return undefined;
    const byte = payload[pos++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  return pos + length === payload.length ? payload.subarray(pos) : undefined;
}

/**
 * The author's bytes of the chat message in `raw`, a whole message frame (length prefix included) as
 * received: a view into it, not a copy.
 */
export function messageBytesOfFrame(raw: Uint8Array): Uint8Array {
  const reader = Reader.create(raw);
  let message: Uint8Array;
  try {
    const length = reader.uint32();
    if (reader.pos + length !== raw.length || reader.uint32() !== MESSAGE_TAG) {
      throw new LanchatError('BAD_FRAME', 'not one chat message frame');
    }
    message = reader.bytes();
  } catch (err) {
    throw err instanceof LanchatError ? err : new LanchatError('BAD_FRAME', 'truncated chat message frame', { cause: err });
  }
  if (reader.pos !== raw.length) throw new LanchatError('BAD_FRAME', 'a chat message frame holds one message');
  return message;
}
