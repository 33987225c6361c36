import { describe, expect, it } from 'vitest';
import { findFolded, hasRecipient, searchNeedle, textMatches } from '../../src/store/search-match.js';
import { mayHold, queryTrigrams, readSketch, sketchOf } from '../../src/store/search-sketch.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { lanchat } from '../../src/wire/protobuf.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('a search needle', () => {
  it.each([
    ['Printer', 'printer', 'printer'],
    ['café au lait', 'café au lait', ' au lait'],
    ['ÉTÉ', 'été', 't'],
    ['日本', '日本', undefined],
  ])('%j looks for %j with the ASCII anchor %j', (query, lower, anchor) => {
    const needle = searchNeedle(query);
    expect(needle.lower).toBe(lower);
    expect(needle.anchor === undefined ? undefined : Buffer.from(needle.anchor).toString('latin1')).toBe(anchor);
  });

  it('matches a text in any case, and only one that holds it', () => {
    expect(textMatches('The PRINTER is down', searchNeedle('printer'))).toBe(true);
    expect(textMatches('Été chaud', searchNeedle('été'))).toBe(true);
    expect(textMatches('the print queue', searchNeedle('printer'))).toBe(false);
  });
});

describe('finding an anchor in bytes, ASCII case folded', () => {
  const anchor = (s: string): Uint8Array => searchNeedle(s).anchor!;
  it.each([
    ['xx PrInTeR yy', 'printer', 3],
    ['printer', 'printer', 0],
    ['print', 'printer', -1],
    ['a@b', '`', -1], // "@" | 0x20 is "`": only letters are folded
    ['a`b', '`', 1],
    ['[x]', '{x}', -1], // "[" and "{" differ by 0x20 but are not letters
    ['ab12AB12', 'ab12', 0],
  ])('%j, %j → %d', (hay, query, at) => {
    expect(findFolded(bytes(hay), anchor(query))).toBe(at);
  });

  it('looks only within [from, end)', () => {
    const hay = bytes('printer printer');
    expect(findFolded(hay, anchor('printer'), 1)).toBe(8);
    expect(findFolded(hay, anchor('printer'), 1, 14)).toBe(-1);
  });
});

describe('telling a private message by its bytes', () => {
  it('sees the recipient field, and nothing in a room message', () => {
    const room = lanchat.ChatMessage.encode({ origin: Buffer.alloc(32, 1), seq: 1, time: 5, nick: 'ann', room: '#a', text: 'to: bob' }).finish();
    // A real clock's time is a varint of six bytes: walked past, not taken for the end.
    const whisper = lanchat.ChatMessage.encode({ origin: Buffer.alloc(32, 1), seq: 2, time: 1_796_208_542_503, nick: 'ann', to: { nodeId: Buffer.alloc(32, 2), nick: 'bob' }, sealed: { nonce: Buffer.alloc(12) } }).finish();
    expect(hasRecipient(room, 0, room.length)).toBe(false);
    expect(hasRecipient(whisper, 0, whisper.length)).toBe(true);
    // Cut short or garbage: no, never a throw.
    expect(hasRecipient(whisper, 0, 3)).toBe(false);
    expect(hasRecipient(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 0, 6)).toBe(false);
  });
});

describe('a run sketch', () => {
  const message = (seq: number, text: string, time = seq): ReturnType<typeof decodeStored> =>
    decodeStored(lanchat.ChatMessage.encode({ origin: Buffer.alloc(32, 1), seq, time, nick: 'ann', room: '#a', text }).finish());

  it('may hold every part of every text it saw, in any case, and says its time range', () => {
    const sketch = readSketch(sketchOf([message(1, 'The printer is DOWN', 10), message(2, 'lunch at noon', 30)]))!;
    expect(sketch).toMatchObject({ flags: 0, minTime: 10, maxTime: 30 });
    for (const part of ['printer', 'PRINT', 'is down', 'lunch', 'noon', 'unc']) expect(mayHold(sketch, queryTrigrams(part.toLowerCase()))).toBe(true);
    // A short query has no trigram: every run may hold it.
    expect(queryTrigrams('ok')).toEqual([]);
  });

  it('tells most runs without a word apart (a Bloom filter: false positives only)', () => {
    const runs = Array.from({ length: 200 }, (_, r) => readSketch(sketchOf(Array.from({ length: 50 }, (_, i) => message(i + 1, `run ${r} line ${i} about the build and the coffee`))))!);
    const positives = runs.filter((s) => mayHold(s, queryTrigrams('zebra crossing'))).length;
    expect(positives).toBeLessThan(5);
  });

  it('flags a run with a private message, and is of a fixed size whatever the texts', () => {
    const whisper = decodeStored(lanchat.ChatMessage.encode({ origin: Buffer.alloc(32, 1), seq: 3, time: 9, nick: 'ann', to: { nodeId: Buffer.alloc(32, 2), nick: 'bob' }, sealed: { nonce: Buffer.alloc(12) } }).finish());
    expect(readSketch(sketchOf([message(1, 'hi'), whisper]))!.flags).toBe(1);
    const long = sketchOf([message(1, 'x'.repeat(16_000)), message(2, 'y'.repeat(16_000))]);
    expect(long.length).toBe(sketchOf([message(1, 'a'), message(2, 'b')]).length);
    expect(sketchOf(Array.from({ length: 500 }, (_, i) => message(i + 1, `line ${i}`))).length).toBe(18 + 2048);
  });

  it('reads as nothing from bytes that are not a sketch', () => {
    expect(readSketch(Buffer.alloc(3))).toBeUndefined();
    expect(readSketch(Buffer.alloc(18 + 100, 1))).toBeUndefined();
  });
});
