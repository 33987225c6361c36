import { LanchatError } from './errors.js';
import { DEFAULT_LIMITS } from './limits.js';

/** Receives one whole frame: its payload, and the same bytes with their length prefix (for forwarding). */
export type FrameSink = (payload: Buffer, raw: Buffer) => void;

/**
 * What an unfinished frame is first given room for. Small, so that a peer announcing a big frame and
 * sending a few bytes of it makes the decoder hold a few bytes, not the announced size.
 */
const FIRST_ROOM_BYTES = 1024;

/**
 * Splits a byte stream into varint length-delimited frames. It never touches a socket: feed it chunks as
 * they arrive, in any sizes, and it calls the sink once per whole frame, in order.
 *
 * The announced length is checked against the limit as soon as its first bytes arrive, before anything is
 * buffered for it. A frame that arrives within one chunk is handed out as a view of that chunk, not a copy.
 * A frame that arrives in pieces is copied into one buffer of its own, grown by doubling up to the frame's
 * size: the chunks themselves are never kept, so a peer that sends a frame a byte at a time costs a byte
 * a byte (plus the doubling), not a Buffer a byte (hundreds of bytes each). After it throws, the stream is
 * out of step and the decoder must be discarded with its connection.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #maxHeaderBytes: number;
  /** The frame begun and not whole yet, prefix included, in [0, #filled); undefined when none is. */
  #partial: Buffer | undefined;
  #filled = 0;
  /** What that frame takes in all, prefix included, and its prefix alone; both 0 while the prefix is cut off. */
  #needed = 0;
  #headerBytes = 0;

  constructor(maxFrameBytes = DEFAULT_LIMITS.frameBytes) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#maxHeaderBytes = varintLength(maxFrameBytes);
  }

  /** Bytes received of a frame that is not whole yet. */
  get bufferedBytes(): number {
    return this.#filled;
  }

  /** Memory held for that frame: its buffer's size, at most twice what was received of it (or FIRST_ROOM_BYTES). */
  get heldBytes(): number {
    return this.#partial?.length ?? 0;
  }

  push(chunk: Buffer, onFrame: FrameSink): void {
    if (this.#partial === undefined) {
      this.#scan(chunk, onFrame);
      return;
    }
    const used = this.#fill(chunk);
    if (this.#needed === 0 || this.#filled < this.#needed) return;
    // Whole: the buffer is the frame's own, handed out with it and never written again.
    const frame = this.#partial.subarray(0, this.#filled);
    const headerBytes = this.#headerBytes;
    this.#partial = undefined;
    this.#filled = 0;
    this.#needed = 0;
    this.#headerBytes = 0;
    onFrame(frame.subarray(headerBytes), frame);
    if (used < chunk.length) this.#scan(chunk.subarray(used), onFrame);
  }

  /** Copies what `chunk` holds of the unfinished frame into its buffer; returns how many bytes it took. */
  #fill(chunk: Buffer): number {
    let used = 0;
    if (this.#needed === 0) {
      // The prefix is cut off: take its missing bytes one at a time (it is at most a few bytes long).
      while (used < chunk.length && this.#needed === 0) {
        this.#append(chunk.subarray(used, used + 1));
        used++;
        const header = readLengthPrefix(this.#partial!, 0, this.#maxFrameBytes, this.#maxHeaderBytes, this.#filled);
        if (header !== undefined) this.#expect(header);
      }
      if (this.#needed === 0) return used;
    }
    const take = Math.min(chunk.length - used, this.#needed - this.#filled);
    this.#append(chunk.subarray(used, used + take));
    return used + take;
  }

  /** Appends `bytes` to the unfinished frame, doubling its buffer as needed, never past the frame's size. */
  #append(bytes: Buffer): void {
    const want = this.#filled + bytes.length;
    const room = this.#partial?.length ?? 0;
    if (want > room) {
      const limit = this.#needed > 0 ? this.#needed : this.#maxHeaderBytes;
      const size = Math.min(limit, Math.max(want, room * 2, FIRST_ROOM_BYTES));
      // Not from Node's shared pool: a small slice of it would keep the whole 8 KiB pool alive.
      const grown = Buffer.allocUnsafeSlow(size);
      if (this.#partial !== undefined) this.#partial.copy(grown, 0, 0, this.#filled);
      this.#partial = grown;
    }
    bytes.copy(this.#partial!, this.#filled);
    this.#filled = want;
  }

  #expect(header: LengthPrefix): void {
    this.#needed = header.bytes + header.length;
    this.#headerBytes = header.bytes;
  }

  #scan(buf: Buffer, onFrame: FrameSink): void {
    let offset = 0;
    while (offset < buf.length) {
      const header = readLengthPrefix(buf, offset, this.#maxFrameBytes, this.#maxHeaderBytes);
      if (header === undefined) break;
      const end = offset + header.bytes + header.length;
      if (end > buf.length) {
        this.#expect(header);
        break;
      }
      onFrame(buf.subarray(offset + header.bytes, end), buf.subarray(offset, end));
      offset = end;
    }
    // The start of an unfinished frame: copied, so that the caller's chunk is not kept for it.
    if (offset < buf.length) this.#append(buf.subarray(offset));
  }
}

interface LengthPrefix {
  /** Payload length announced by the prefix. */
  length: number;
  /** Size of the prefix itself. */
  bytes: number;
}

/**
 * Reads a varint length at `offset`, in `buf` up to `end`. Returns undefined when the prefix is cut off
 * there; throws as soon as the bytes seen already announce more than `max`, or use more bytes than `max`
 * needs.
 */
export function readLengthPrefix(
  buf: Buffer,
  offset: number,
  max: number,
  maxHeaderBytes = varintLength(max),
  end = buf.length,
): LengthPrefix | undefined {
  let length = 0;
  for (let i = 0; i < maxHeaderBytes; i++) {
    if (offset + i >= end) return undefined;
    const byte = buf[offset + i]!;
    length += (byte & 0x7f) * 2 ** (7 * i);
    if (length > max) {
      throw new LanchatError('FRAME_TOO_LARGE', `frame of ${length}+ bytes exceeds the ${max}-byte limit`);
    }
    if ((byte & 0x80) === 0) return { length, bytes: i + 1 };
  }
  throw new LanchatError('BAD_FRAME', `length prefix longer than ${maxHeaderBytes} bytes`);
}

/** Bytes a varint needs for `value`. */
export function varintLength(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    bytes++;
  }
  return bytes;
}
