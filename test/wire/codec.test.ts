import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeMessageFrame, messageBytesOfFrame, messageOfPayload } from '../../src/wire/codec.js';
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

  it('finds a chat message in a frame from its tag and length alone, in a frame that holds that alone', () => {
    const payloadOf = (raw: Buffer): Buffer => raw.subarray(raw.length - payloadLength(raw));
    for (const size of [0, 3, 127, 128, 300, 20_000]) {
      const message = Buffer.alloc(size, 7);
      const raw = encodeMessageFrame(message);
      const found = messageOfPayload(payloadOf(raw));
      expect(Buffer.from(found!)).toEqual(message);
      expect(Buffer.from(found!)).toEqual(Buffer.from(messageBytesOfFrame(raw)));
    }
    // Anything else is left to decodeFrame: another kind, a message field and more, a cut one, a long varint.
    const whole = payloadOf(encodeMessageFrame(Buffer.from('abc')));
    for (const other of [
      payloadOf(encodeFrame({ heartbeat: { time: 1 } })),
      Buffer.concat([whole, Buffer.from([0x52, 0x00])]),
      Buffer.concat([Buffer.from([0x98, 0x06, 0x01]), whole]),
      whole.subarray(0, whole.length - 1),
      Buffer.from([0x52]),
      Buffer.from([0x52, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
      Buffer.alloc(0),
    ]) {
      expect(messageOfPayload(other)).toBeUndefined();
    }
  });
});

/** The payload length of a whole frame: what follows its varint prefix. */
function payloadLength(raw: Buffer): number {
  let prefix = 1;
  while (raw[prefix - 1]! & 0x80) prefix++;
  return raw.length - prefix;
}
