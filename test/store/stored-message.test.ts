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

  it('reads out what storing and verifying need, as the whole decoded message has it', () => {
    const key = Buffer.alloc(32, 9);
    const prev = Buffer.alloc(32, 5);
    const cases: [Partial<lanchat.ChatMessage.$Shape>, { room: string | null; isPrivate: boolean }][] = [
      [{ room: '#café', nick: 'zoë', text: 'naïve ☕ 漢字', authorKey: key, prev, seq: 2 }, { room: '#café', isPrivate: false }],
      [{ room: undefined, to: { nodeId: Buffer.alloc(32, 3), nick: 'bo' }, text: undefined, sealed: { nonce: Buffer.alloc(12) } }, { room: null, isPrivate: true }],
      [{ room: '' }, { room: null, isPrivate: false }],
      [{ sealKey: Buffer.alloc(32, 7), sealKeySignature: Buffer.alloc(64, 8) }, { room: '#lobby', isPrivate: false }],
    ];
    for (const [fields, target] of cases) {
      const m = decodeStored(encode(fields));
      expect({ room: m.room, isPrivate: m.isPrivate }).toEqual(target);
      expect([m.seq, m.time, m.counter]).toEqual([m.message.seq, m.message.time, m.message.counter]);
      expect(Buffer.from(m.authorKey ?? [])).toEqual(Buffer.from(m.message.authorKey));
      expect(Buffer.from(m.prev ?? [])).toEqual(Buffer.from(m.message.prev));
      // The author's seal key (issue 17 item 8), read out and shown to the message rules.
      expect(Buffer.from(m.sealKey ?? [])).toEqual(Buffer.from(m.message.sealKey));
      expect(Buffer.from(m.shown.sealKeySignature ?? [])).toEqual(Buffer.from(m.message.sealKeySignature));
    }
    expect(decodeStored(encode({ room: '#café', text: 'naïve ☕' })).message.text).toBe('naïve ☕');
  });

  it('refuses a message that would not decode whole: bad UTF-8, a known field of another wire type, cut short', () => {
    const good = Buffer.from(encode({ nick: 'nn', text: 'hi' }));
    const nickAt = good.indexOf(Buffer.from('nn'));
    const badNick = Buffer.from(good);
    badNick[nickAt] = 0xc3; // a lead byte followed by ASCII
    const textAt = good.indexOf(Buffer.from('hi'));
    const badText = Buffer.from(good);
    badText[textAt + 1] = 0xff;
    const seqAsBytes = Buffer.concat([good, Buffer.from([(2 << 3) | 2, 1, 0])]);
    const sealKeyAsVarint = Buffer.concat([good, Buffer.from([0xa0, 0x01, 0x01])]); // field 20, wire type 0, value 1
    for (const bad of [badNick, badText, seqAsBytes, sealKeyAsVarint, good.subarray(0, good.length - 1)]) {
      expect(isLanchatError(refusal(bad), 'BAD_FRAME')).toBe(true);
    }
    expect((refusal(sealKeyAsVarint) as Error).message).toMatch(/field 20 has wire type 0/);
  });

  it('refuses a text and a sealed body together: protobufjs keeps only the last, and the face would show the other', () => {
    const withText = Buffer.from(encode({ text: 'c3' }));
    const sealed = lanchat.ChatMessage.encode({ sealed: { ciphertext: Buffer.alloc(4) } }).finish();
    expect(isLanchatError(refusal(Buffer.concat([withText, sealed])), 'BAD_FRAME')).toBe(true);
  });

  it('refuses what could not be stored in order: no origin, seq 0, seqs and times past 48 bits', () => {
    for (const bad of [{ origin: Buffer.alloc(31) }, { seq: 0 }, { seq: 2 ** 48 }, { time: 2 ** 48 }]) {
      expect(isLanchatError(refusal(encode(bad)), 'BAD_FRAME')).toBe(true);
    }
    expect(isLanchatError(refusal(Buffer.from([0xff, 0xff])), 'BAD_FRAME')).toBe(true);
  });

  it('reads what a face shows in the same pass, as the whole message has it, a sub-message given twice merged', () => {
    const plain = decodeStored(encode({ nick: 'zoë', room: '#café', text: 'naïve ☕ 漢字' }));
    const fields = (m: ReturnType<typeof decodeStored>) => ({
      origin: Buffer.from(m.shown.origin ?? []).toString('hex'),
      seq: m.shown.seq,
      time: m.shown.time,
      nick: m.shown.nick ?? '',
      room: m.shown.room || null,
      text: m.shown.text ?? '',
      to: m.shown.to ? { nodeId: Buffer.from(m.shown.to.nodeId ?? []).toString('hex'), nick: m.shown.to.nick ?? '' } : null,
      nonce: m.shown.sealed ? Buffer.from(m.shown.sealed.nonce ?? []).toString('hex') : null,
    });
    const whole = (m: ReturnType<typeof decodeStored>) => ({
      origin: Buffer.from(m.message.origin).toString('hex'),
      seq: m.message.seq,
      time: m.message.time,
      nick: m.message.nick,
      room: m.message.room || null,
      text: m.message.text ?? '',
      to: m.message.to ? { nodeId: Buffer.from(m.message.to.nodeId ?? []).toString('hex'), nick: m.message.to.nick } : null,
      nonce: m.message.sealed ? Buffer.from(m.message.sealed.nonce ?? []).toString('hex') : null,
    });
    expect(fields(plain)).toEqual(whole(plain));
    expect(fields(plain)).toMatchObject({ nick: 'zoë', room: '#café', text: 'naïve ☕ 漢字', to: null });

    // Recipient and sealed body twice (lanchat never writes that; a signed message may hold it): protobuf
    // merges the second into the first, field by field.
    const base = encode({ room: undefined, text: undefined, nick: '', to: { nodeId: Buffer.alloc(32, 3), nick: 'bo' }, sealed: { nonce: Buffer.alloc(12, 1), ciphertext: Buffer.alloc(4) } });
    const again = lanchat.ChatMessage.encode({ to: { nick: 'bob' }, sealed: { nonce: Buffer.alloc(12, 2) } }).finish();
    const twice = decodeStored(Buffer.concat([base, again]));
    expect(fields(twice)).toEqual(whole(twice));
    expect(fields(twice)).toMatchObject({ nick: '', to: { nodeId: '03'.repeat(32), nick: 'bob' }, nonce: '02'.repeat(12) });
  });
});
