import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeMessageFrame, messageBytesOfFrame } from '../../src/wire/codec.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { isLanchatError } from '../../src/wire/errors.js';

describe('frame codec', () => {
  it('encodes a frame with its length prefix, byte for byte', () => {
    expect(encodeFrame({ heartbeat: { time: 1700000000000 } }).toString('hex')).toBe('0922070880d095ffbc31');
  });

  it('round-trips a chat message, 64-bit fields as plain numbers', () => {
    const origin = Buffer.alloc(32, 1);
    const raw = encodeFrame({
      message: { origin, seq: 2 ** 40, time: 1_795_000_000_123, counter: 3, nick: 'bob', room: '#lobby', text: 'héllo 👋' },
    });
    const frame = decodeFrame(raw.subarray(1));
    expect(frame.kind).toBe('message');
    if (frame.kind !== 'message') return;
    expect(frame.message.seq).toBe(2 ** 40);
    expect(typeof frame.message.time).toBe('number');
    expect(frame.message.time).toBe(1_795_000_000_123);
    expect(frame.message.target).toBe('room');
    expect(frame.message.text).toBe('héllo 👋');
    expect(Buffer.from(frame.message.origin!).equals(origin)).toBe(true);
  });

  it('turns undecodable bytes into a BAD_FRAME error', () => {
    let error: unknown;
    try {
      decodeFrame(Buffer.from('ET / HTTP/1.1', 'latin1'));
    } catch (err) {
      error = err;
    }
    expect(isLanchatError(error, 'BAD_FRAME')).toBe(true);
  });

  it('decodes a frame of an unknown (newer) kind as a frame with no kind', () => {
    // Field 99, varint 1: a kind this version does not know.
    const frame = decodeFrame(Buffer.from([0x98, 0x06, 0x01]));
    expect(frame.kind).toBeUndefined();
  });

  it('wraps a message’s own bytes in a frame and gets the same bytes back, never re-encoded', () => {
    // A field protobufjs would write elsewhere (the signature first): re-encoding would move it.
    const message = Buffer.concat([Buffer.from([0x7a, 0x02, 0xaa, 0xbb]), lanchat.ChatMessage.encode({ seq: 1, text: 'x' }).finish()]);
    const frame = encodeMessageFrame(message);
    expect(decodeFrame(frame.subarray(1)).kind).toBe('message');
    expect(Buffer.from(messageBytesOfFrame(frame))).toEqual(message);
  });

  it('refuses to read a message out of anything but one whole message frame', () => {
    const frame = encodeMessageFrame(Buffer.from('abc'));
    const fails = (raw: Buffer) => {
      try {
        messageBytesOfFrame(raw);
      } catch (err) {
        return isLanchatError(err, 'BAD_FRAME');
      }
      return false;
    };
    expect(fails(frame.subarray(0, frame.length - 1))).toBe(true);
    expect(fails(Buffer.concat([frame, Buffer.from([0x52, 0x00])]))).toBe(true);
    expect(fails(encodeFrame({ heartbeat: { time: 1 } }))).toBe(true);
  });
});
