import { describe, expect, it, vi } from 'vitest';
import { FrameDecoder, readLengthPrefix, varintLength } from '../../src/wire/frame-decoder.js';
import { isLanchatError } from '../../src/wire/errors.js';

// Whole frames as they cross the wire (varint length, then the Frame), checked with
// `protoc --decode=lanchat.Frame proto/lanchat.proto` after stripping the length:
const HEARTBEAT = '0922070880d095ffbc31'; // heartbeat { time: 1700000000000 }
const MESSAGE =
  '2252200a04abababab10011880d095ffbc312a03626f623206236c6f62627942026869'; // message { origin, seq: 1, nick: "bob", room: "#lobby", text: "hi" }
const ERROR = '162a140a0b4e49434b5f494e5f555345120574616b656e'; // error { code: "NICK_IN_USE", message: "taken" }
const FIXTURES = [HEARTBEAT, MESSAGE, ERROR].map((hex) => Buffer.from(hex, 'hex'));
const STREAM = Buffer.concat(FIXTURES);
const HEARTBEAT_FRAME = FIXTURES[0]!;

function decodeAll(chunks: Buffer[], decoder = new FrameDecoder()): { payloads: string[]; raws: string[] } {
  const payloads: string[] = [];
  const raws: string[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk, (payload, raw) => {
      payloads.push(payload.toString('hex'));
      raws.push(raw.toString('hex'));
    });
  }
  return { payloads, raws };
}

const expectedRaws = FIXTURES.map((f) => f.toString('hex'));
const expectedPayloads = FIXTURES.map((f) => f.subarray(1).toString('hex'));

describe('FrameDecoder', () => {
  it('splits frames coalesced in one chunk', () => {
    expect(decodeAll([STREAM])).toEqual({ payloads: expectedPayloads, raws: expectedRaws });
  });

  it('reassembles frames split at every offset', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const result = decodeAll([STREAM.subarray(0, cut), STREAM.subarray(cut)]);
      expect(result.raws, `cut at ${cut}`).toEqual(expectedRaws);
    }
  });

  it('reassembles frames split at every pair of offsets', () => {
    for (let a = 0; a <= STREAM.length; a++) {
      for (let b = a; b <= STREAM.length; b++) {
        const result = decodeAll([STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)]);
        expect(result.payloads, `cuts at ${a}, ${b}`).toEqual(expectedPayloads);
      }
    }
  });

  it('reassembles frames fed one byte at a time', () => {
    const bytes = [...STREAM].map((b) => Buffer.from([b]));
    expect(decodeAll(bytes).raws).toEqual(expectedRaws);
  });

  it('reassembles a big frame from many chunks, the next frame starting in its last chunk', () => {
    const body = Buffer.alloc(5_000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const stream = Buffer.concat([Buffer.from([0x88, 0x27]), body, HEARTBEAT_FRAME]); // 5000, then a heartbeat
    for (const size of [7, 1_000, 2_600, 4_999]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
      const decoder = new FrameDecoder();
      const result = decodeAll(chunks, decoder);
      expect(result.payloads, `chunks of ${size}`).toEqual([body.toString('hex'), FIXTURES[0]!.subarray(1).toString('hex')]);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('copies the pieces of a big frame into one buffer, grown a few times, never joined chunk by chunk', () => {
    const stream = Buffer.concat([Buffer.from([0x88, 0x27]), Buffer.alloc(5_000, 1)]);
    const concat = vi.spyOn(Buffer, 'concat');
    const alloc = vi.spyOn(Buffer, 'allocUnsafeSlow');
    try {
      const decoder = new FrameDecoder();
      let frames = 0;
      for (let at = 0; at < stream.length; at += 7) decoder.push(stream.subarray(at, at + 7), () => frames++);
      expect(frames).toBe(1);
      expect(concat).not.toHaveBeenCalled();
      // Doubling from 1 KiB: 1024, 2048, 4096, then the frame's own 5002 bytes; 715 chunks came in.
      expect(alloc.mock.calls.map(([size]) => size)).toEqual([1024, 2048, 4096, 5002]);
    } finally {
      concat.mockRestore();
      alloc.mockRestore();
    }
  });

  it('holds a frame sent a byte at a time in one buffer of at most twice what came, never the announced size', () => {
    const max = 256 * 1024;
    const body = Buffer.alloc(max);
    for (let i = 0; i < body.length; i++) body[i] = i % 253;
    const stream = Buffer.concat([Buffer.from([0x80, 0x80, 0x10]), body]); // announces 262144 bytes
    const decoder = new FrameDecoder(max);
    const got: Buffer[] = [];
    let worst = 0;
    let miscounted = 0;
    for (let at = 0; at < stream.length; at++) {
      decoder.push(stream.subarray(at, at + 1), (payload) => got.push(payload));
      if (got.length > 0) continue;
      if (decoder.bufferedBytes !== at + 1) miscounted++;
      worst = Math.max(worst, decoder.heldBytes / Math.max(decoder.bufferedBytes, 1024));
    }
    expect(miscounted).toBe(0);
    expect(worst).toBeLessThanOrEqual(2);
    expect(got).toHaveLength(1);
    expect(got[0]!.equals(body)).toBe(true);
    expect(decoder.heldBytes).toBe(0);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('keeps only a few bytes for an announced frame whose body has not come', () => {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from([0x80, 0x80]), () => undefined); // a prefix cut short
    expect(decoder.heldBytes).toBe(3);
    decoder.push(Buffer.from([0x10, 1]), () => undefined); // 262144 announced, one byte of it
    expect(decoder.bufferedBytes).toBe(4);
    expect(decoder.heldBytes).toBe(1024);
  });

  it('copies a frame that came in pieces: the caller may reuse its chunks', () => {
    const frames: string[] = [];
    const scratch = Buffer.alloc(STREAM.length);
    const decoder = new FrameDecoder();
    for (let at = 0; at < STREAM.length; at += 4) {
      const piece = STREAM.subarray(at, at + 4);
      piece.copy(scratch);
      decoder.push(scratch.subarray(0, piece.length), (_payload, raw) => frames.push(raw.toString('hex')));
      scratch.fill(0xee); // the chunk is reused, as a socket's read buffer may be
    }
    expect(frames).toEqual(expectedRaws);
  });

  it('hands out a frame inside one chunk as a view, not a copy', () => {
    const seen: Buffer[] = [];
    new FrameDecoder().push(STREAM, (_payload, raw) => seen.push(raw));
    expect(seen[0]!.buffer).toBe(STREAM.buffer);
  });

  it('accepts an empty frame and a frame of exactly the limit', () => {
    const max = 300;
    const body = Buffer.alloc(max, 7);
    const prefix = Buffer.from([0xac, 0x02]); // 300
    const result = decodeAll([Buffer.from([0]), prefix, body], new FrameDecoder(max));
    expect(result.payloads).toEqual(['', body.toString('hex')]);
  });

  it('refuses an oversized length before buffering anything of it', () => {
    const decoder = new FrameDecoder(256 * 1024);
    // 0x80 0x80 0x11 announces 278528 bytes: over the limit by the third byte.
    let error: unknown;
    try {
      decoder.push(Buffer.from([0x80, 0x80, 0x11, 1, 2, 3]), () => undefined);
    } catch (err) {
      error = err;
    }
    expect(isLanchatError(error, 'FRAME_TOO_LARGE')).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('refuses an oversized length even when its prefix is cut short', () => {
    const decoder = new FrameDecoder(1000);
    // 0xff 0xff...: the first two bytes already announce at least 16383 bytes.
    expect(() => decoder.push(Buffer.from([0xff, 0xff]), () => undefined)).toThrowError(/exceeds/);
  });

  it('refuses a length prefix longer than the limit needs', () => {
    // 5 encoded in four bytes: not how any encoder writes it, and a way to hide junk.
    const frame = Buffer.from([0x85, 0x80, 0x80, 0x00, 1, 2, 3, 4, 5]);
    let error: unknown;
    try {
      new FrameDecoder(256 * 1024).push(frame, () => undefined);
    } catch (err) {
      error = err;
    }
    expect(isLanchatError(error, 'BAD_FRAME')).toBe(true);
  });

  it('holds an unfinished frame until the rest arrives', () => {
    const decoder = new FrameDecoder();
    const frames: string[] = [];
    decoder.push(STREAM.subarray(0, 5), (p) => frames.push(p.toString('hex')));
    expect(frames).toEqual([]);
    expect(decoder.bufferedBytes).toBe(5);
    decoder.push(STREAM.subarray(5), (p) => frames.push(p.toString('hex')));
    expect(frames).toEqual(expectedPayloads);
    expect(decoder.bufferedBytes).toBe(0);
  });
});

describe('readLengthPrefix', () => {
  it('reads one- to three-byte lengths', () => {
    expect(readLengthPrefix(Buffer.from([0x05]), 0, 1 << 20)).toEqual({ length: 5, bytes: 1 });
    expect(readLengthPrefix(Buffer.from([0xac, 0x02]), 0, 1 << 20)).toEqual({ length: 300, bytes: 2 });
    expect(readLengthPrefix(Buffer.from([0x80, 0x80, 0x10]), 0, 1 << 20)).toEqual({ length: 262144, bytes: 3 });
  });

  it('reports a prefix cut off by the end of the buffer', () => {
    expect(readLengthPrefix(Buffer.from([0xac]), 0, 1 << 20)).toBeUndefined();
    expect(readLengthPrefix(Buffer.alloc(0), 0, 1 << 20)).toBeUndefined();
  });

  it('needs as many bytes as a varint of the limit', () => {
    expect(varintLength(127)).toBe(1);
    expect(varintLength(128)).toBe(2);
    expect(varintLength(256 * 1024)).toBe(3);
  });
});
