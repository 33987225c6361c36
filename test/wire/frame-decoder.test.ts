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

  it('joins the chunks of a big frame once, when it is whole, not at every chunk', () => {
    const stream = Buffer.concat([Buffer.from([0x88, 0x27]), Buffer.alloc(5_000, 1)]);
    const concat = vi.spyOn(Buffer, 'concat');
    try {
      const decoder = new FrameDecoder();
      let frames = 0;
      for (let at = 0; at < stream.length; at += 7) decoder.push(stream.subarray(at, at + 7), () => frames++);
      expect(frames).toBe(1);
      expect(concat).toHaveBeenCalledTimes(1);
    } finally {
      concat.mockRestore();
    }
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
