import { LanchatError } from './errors.js';
import { MAX_FRAME_BYTES } from './limits.js';

/** Receives one whole frame: its payload, and the same bytes with their length prefix (for forwarding). */
export type FrameSink = (payload: Buffer, raw: Buffer) => void;

/**
 * Splits a byte stream into varint length-delimited frames. It never touches a socket: feed it chunks as
 * they arrive, in any sizes, and it calls the sink once per whole frame, in order.
 *
 * The announced length is checked against the limit as soon as its first bytes arrive, before anything is
 * buffered for it. A frame that arrives within one chunk is handed out as a view of that chunk, not a copy.
 * After it throws, the stream is out of step and the decoder must be discarded with its connection.
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  readonly #maxHeaderBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** What the frame begun in #pending takes in all, prefix included; 0 while its prefix is cut off. */
  #needed = 0;

  constructor(maxFrameBytes = MAX_FRAME_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
    this.#maxHeaderBytes = varintLength(maxFrameBytes);
  }

  /** Bytes held for a frame that is not whole yet. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  push(chunk: Buffer, onFrame: FrameSink): void {
    if (this.#pendingBytes === 0) {
      this.#scan(chunk, onFrame);
      return;
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    // A big frame comes in several chunks: they are joined once, when it is whole, not at every chunk.
    if (this.#pendingBytes < this.#needed) return;
    const joined = Buffer.concat(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#needed = 0;
    this.#scan(joined, onFrame);
  }

  #scan(buf: Buffer, onFrame: FrameSink): void {
    let offset = 0;
    let needed = 0;
    while (offset < buf.length) {
      const header = readLengthPrefix(buf, offset, this.#maxFrameBytes, this.#maxHeaderBytes);
      if (header === undefined) break;
      const end = offset + header.bytes + header.length;
      if (end > buf.length) {
        needed = end - offset;
        break;
      }
      onFrame(buf.subarray(offset + header.bytes, end), buf.subarray(offset, end));
      offset = end;
    }
    if (offset < buf.length) {
      // Keep only the unfinished frame. Most of a chunk (the start of a big frame) is kept as a view; a
      // small rest is copied, so that a few bytes do not keep the caller's whole chunk in memory.
      const rest = buf.length - offset > buf.length / 2 ? buf.subarray(offset) : Buffer.from(buf.subarray(offset));
      this.#pending.push(rest);
      this.#pendingBytes = rest.length;
      this.#needed = needed;
    }
  }
}

interface LengthPrefix {
  /** Payload length announced by the prefix. */
  length: number;
  /** Size of the prefix itself. */
  bytes: number;
}

/**
 * Reads a varint length at `offset`. Returns undefined when the prefix is cut off by the end of `buf`;
 * throws as soon as the bytes seen already announce more than `max`, or use more bytes than `max` needs.
 */
export function readLengthPrefix(
  buf: Buffer,
  offset: number,
  max: number,
  maxHeaderBytes = varintLength(max),
): LengthPrefix | undefined {
  let length = 0;
  for (let i = 0; i < maxHeaderBytes; i++) {
    if (offset + i >= buf.length) return undefined;
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
