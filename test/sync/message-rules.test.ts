import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS } from '../../src/chat/clock.js';
import { clockProblem, MAX_SEALED_TEXT_BYTES, type MessageFields, messageProblem, type MessageRule } from '../../src/sync/message-rules.js';
import { DEFAULT_LIMITS } from '../../src/wire/limits.js';
const MAX_TEXT_BYTES = DEFAULT_LIMITS.textBytes;

const room: MessageFields = { seq: 1, time: 1_700_000_000_000, nick: 'ann', room: '#lobby', text: 'hi' };
const sealed = { ephemeralKey: Buffer.alloc(32), nonce: Buffer.alloc(12), ciphertext: Buffer.alloc(18), forRecipient: Buffer.alloc(48), forSender: Buffer.alloc(48) };
const priv: MessageFields = { seq: 2, time: 1_700_000_000_000, nick: 'ann', to: { nodeId: Buffer.alloc(32, 1), nick: 'bob' }, sealed };

describe('messageProblem', () => {
  const cases: [string, MessageFields, MessageRule | undefined][] = [
    ['a room line', room, undefined],
    ['a private line', priv, undefined],
    ['a line of MAX_TEXT_BYTES', { ...room, text: 'x'.repeat(MAX_TEXT_BYTES) }, undefined],
    ['seq 0', { ...room, seq: 0 }, 'seq'],
    ['no seq', { ...room, seq: undefined }, 'seq'],
    ['time 0', { ...room, time: 0 }, 'time'],
    ['no nick', { ...room, nick: '' }, 'nick'],
    ['a nick with a space', { ...room, nick: 'a b' }, 'nick'],
    ['a nick mixing scripts', { ...room, nick: 'wаtch' }, 'nick'],
    ['an empty line', { ...room, text: '' }, 'text'],
    ['a 150 KiB line', { ...room, text: 'x'.repeat(150 * 1024) }, 'text'],
    ['one byte over, in multi-byte characters', { ...room, text: 'é'.repeat(MAX_TEXT_BYTES / 2) + 'x' }, 'text'],
    ['a room with spaces and an escape', { ...room, room: '#Not A Room\u001b[2J' }, 'room'],
    ['a room not in canonical case', { ...room, room: '#Lobby' }, 'room'],
    ['a room without #', { ...room, room: 'lobby' }, 'room'],
    ['a room line with a sealed body too', { ...room, sealed }, 'sealed'],
    ['neither room nor recipient', { ...room, room: '' }, 'target'],
    ['both room and recipient', { ...room, to: priv.to }, 'target'],
    ['a recipient id of 31 bytes', { ...priv, to: { nodeId: Buffer.alloc(31), nick: 'bob' } }, 'recipient'],
    ['a recipient nick with an escape', { ...priv, to: { nodeId: Buffer.alloc(32), nick: 'bob\u001b' } }, 'recipient'],
    ['a private line without a body', { ...priv, sealed: null }, 'sealed'],
    ['a private line with text in clear', { ...priv, text: 'in clear' }, 'sealed'],
    ['an empty sealed text', { ...priv, sealed: { ...sealed, ciphertext: Buffer.alloc(0) } }, 'sealed'],
    ['a sealed text over the limit', { ...priv, sealed: { ...sealed, ciphertext: Buffer.alloc(MAX_SEALED_TEXT_BYTES + 1) } }, 'sealed'],
    ['a 1 MiB ephemeral key', { ...priv, sealed: { ...sealed, ephemeralKey: Buffer.alloc(1 << 20) } }, 'sealed'],
    ['an oversized key wrap', { ...priv, sealed: { ...sealed, forSender: Buffer.alloc(49) } }, 'sealed'],
    // Conversation (issue 17): an action on a room or private line; a topic on a room line, within topicBytes.
    ['an action to a room', { ...room, action: true }, undefined],
    // Today's writers seal a private action with its text; the flag outside the seal is still accepted (older writers).
    ['a private action flagged outside the seal', { ...priv, action: true }, undefined],
    ['a topic', { ...room, topic: true, text: 'release friday' }, undefined],
    ['a topic of topicBytes', { ...room, topic: true, text: 'x'.repeat(DEFAULT_LIMITS.topicBytes) }, undefined],
    ['a topic one byte over', { ...room, topic: true, text: 'x'.repeat(DEFAULT_LIMITS.topicBytes + 1) }, 'topic'],
    ['an empty topic', { ...room, topic: true, text: '' }, 'text'],
    ['a topic that is an action', { ...room, topic: true, action: true }, 'topic'],
    ['a private topic', { ...priv, topic: true }, 'topic'],
    // The author's seal key (issue 17 item 8): both parts at their sizes, or neither, on any kind of line.
    ['a room line with its seal key', { ...room, sealKey: Buffer.alloc(32), sealKeySignature: Buffer.alloc(64) }, undefined],
    ['a private line with its seal key', { ...priv, sealKey: Buffer.alloc(32), sealKeySignature: Buffer.alloc(64) }, undefined],
    ['empty key fields, as protobufjs decodes absent ones', { ...room, sealKey: Buffer.alloc(0), sealKeySignature: Buffer.alloc(0) }, undefined],
    ['a seal key without its signature', { ...room, sealKey: Buffer.alloc(32) }, 'sealKey'],
    ['a signature without a seal key', { ...room, sealKeySignature: Buffer.alloc(64) }, 'sealKey'],
    ['a seal key of 31 bytes', { ...room, sealKey: Buffer.alloc(31), sealKeySignature: Buffer.alloc(64) }, 'sealKey'],
    ['a seal key of 33 bytes', { ...room, sealKey: Buffer.alloc(33), sealKeySignature: Buffer.alloc(64) }, 'sealKey'],
    ['a 1 MiB seal key signature', { ...room, sealKey: Buffer.alloc(32), sealKeySignature: Buffer.alloc(1 << 20) }, 'sealKey'],
    ['a topic with a broken seal key', { ...room, topic: true, sealKey: Buffer.alloc(32), sealKeySignature: Buffer.alloc(63) }, 'sealKey'],
  ];
  it.each(cases)('%s', (_name, message, rule) => {
    expect(messageProblem(message)?.rule).toBe(rule);
  });

  it('gives the wire code of each rule', () => {
    expect(messageProblem({ ...room, text: '' })?.code).toBe('TEXT_INVALID');
    expect(messageProblem({ ...room, room: '#A B' })?.code).toBe('ROOM_INVALID');
    expect(messageProblem({ ...room, nick: '' })?.code).toBe('NICK_INVALID');
    expect(messageProblem({ ...room, seq: 0 })?.code).toBe('BAD_FRAME');
    expect(messageProblem({ ...room, sealKey: Buffer.alloc(32) })?.code).toBe('BAD_FRAME');
    expect(messageProblem({ ...room, topic: true, text: 'x'.repeat(DEFAULT_LIMITS.topicBytes + 1) })?.code).toBe('TEXT_INVALID');
  });
});

describe('clockProblem', () => {
  const now = 1_700_000_000_000;
  it.each([
    [now, undefined],
    [now + MAX_CLOCK_SKEW_MS, undefined],
    [now - 86_400_000, undefined],
    [now + MAX_CLOCK_SKEW_MS + 1, 'CLOCK_AHEAD'],
    [Date.UTC(10889, 0, 1), 'CLOCK_AHEAD'],
  ])('time %d', (time, code) => {
    expect(clockProblem(time, now)?.code).toBe(code);
  });
});
