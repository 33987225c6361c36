import { describe, expect, it } from 'vitest';
import { decodeStored } from '../../src/store/stored-message.js';
import { isLanchatError } from '../../src/wire/errors.js';
import { lanchat } from '../../src/wire/protobuf.js';

const encode = (fields: Partial<lanchat.ChatMessage.$Shape>): Uint8Array =>
  lanchat.ChatMessage.encode({ origin: Buffer.alloc(32, 1), seq: 1, time: 1_000, counter: 0, nick: 'n', room: '#lobby', text: 'hi', ...fields }).finish();

function refusal(bytes: Uint8Array): unknown {
  try {
    decodeStored(bytes);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('decodeStored', () => {
  it('reads a message and its place', () => {
    const m = decodeStored(encode({ seq: 2 ** 48 - 1, time: 2 ** 48 - 1 }));
    expect([m.origin, m.seq, m.time, m.message.text]).toEqual(['01'.repeat(32), 2 ** 48 - 1, 2 ** 48 - 1, 'hi']);
  });

  it('refuses what could not be stored in order: no origin, seq 0, seqs and times past 48 bits', () => {
    for (const bad of [{ origin: Buffer.alloc(31) }, { seq: 0 }, { seq: 2 ** 48 }, { time: 2 ** 48 }]) {
      expect(isLanchatError(refusal(encode(bad)), 'BAD_FRAME')).toBe(true);
    }
    expect(isLanchatError(refusal(Buffer.from([0xff, 0xff])), 'BAD_FRAME')).toBe(true);
  });
});
