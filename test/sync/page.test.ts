import { describe, expect, it } from 'vitest';
import {
  askFromWire,
  askToWire,
  holdsNews,
  nextPoint,
  type Offered,
  planAsk,
  planOffer,
  rangeOf,
  spansFromWire,
  spansToWire,
  SYNC_OFFER_ENTRIES,
  SYNC_PAGE_ENTRIES,
  type SyncAsk,
  toSend,
} from '../../src/sync/page.js';
import { type Span, START, type SyncPoint } from '../../src/sync/spans.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { DEFAULT_LIMITS } from '../../src/wire/limits.js';
const MAX_FRAME_BYTES = DEFAULT_LIMITS.frameBytes;

const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);
const C = 'cc'.repeat(32);
const D = 'dd'.repeat(32);

const s = (...pairs: [number, number][]): Span[] => pairs.map(([first, last]) => ({ first, last }));
const at = (origin: string, seq: number): SyncPoint => ({ origin, seq });
/** The same frame after a trip through the encoder and decoder. */
function overTheWire(frame: Parameters<typeof encodeFrame>[0]): ReturnType<typeof decodeFrame> {
  const bytes = encodeFrame(frame);
  return decodeFrame(bytes.subarray(bytes.length - lanchatLength(bytes)));
}
/** The payload length of an encoded frame (its varint prefix read). */
function lanchatLength(bytes: Buffer): number {
  let length = 0;
  for (let i = 0, shift = 0; ; i++, shift += 7) {
    length += (bytes[i]! & 0x7f) * 2 ** shift;
    if (bytes[i]! < 0x80) return length;
  }
}

describe('planning a request', () => {
  it.each([
    ['a fresh node: nothing listed, the whole walk', START, [], 3, { to: undefined, held: [] }],
    ['all of it fits', START, [[A, [[1, 5]]], [B, [[1, 2], [4, 4]]]], 3, { to: undefined, held: [[A, [[1, 5]]], [B, [[1, 2], [4, 4]]]] }],
    ['cut between origins: the range ends where the first span left out starts', START, [[A, [[1, 5]]], [B, [[1, 2]]], [C, [[3, 9]]]], 2, { to: at(C, 3), held: [[A, [[1, 5]]], [B, [[1, 2]]]] }],
    ['cut inside an origin with many gaps', at(A, 10), [[A, [[10, 11], [13, 14], [16, 17]]], [B, [[1, 1]]]], 2, { to: at(A, 16), held: [[A, [[10, 11], [13, 14]]]] }],
    ['origins holding nothing listed are skipped', START, [[A, []], [B, [[1, 1]]]], 1, { to: undefined, held: [[B, [[1, 1]]]] }],
  ] as [string, SyncPoint, [string, [number, number][]][], number, { to: SyncPoint | undefined; held: [string, [number, number][]][] }][])(
    '%s',
    (_, from, holdings, max, expected) => {
      const ask = planAsk(from, holdings.map(([origin, spans]) => [origin, s(...spans)] as const), max);
      expect(ask).toEqual({ from, to: expected.to, held: new Map(expected.held.map(([origin, spans]) => [origin, s(...spans)])) });
    },
  );

  it('a page at its worst (every field at its widest) fits in a frame with room to spare', () => {
    const holdings = Array.from({ length: SYNC_PAGE_ENTRIES + 1 }, (_, i) => [(i + 1).toString(16).padStart(64, '0'), s([2 ** 52, 2 ** 53 - 1])] as const);
    const ask = planAsk(at('0'.repeat(64), 2 ** 53 - 1), holdings);
    expect(ask.held.size).toBe(SYNC_PAGE_ENTRIES);
    expect(encodeFrame({ syncRequest: askToWire(ask) }).length).toBeLessThan(MAX_FRAME_BYTES / 4);
  });
});

describe('answering a request', () => {
  const ask = (from: SyncPoint, to: SyncPoint | undefined, held: [string, [number, number][]][] = []): SyncAsk => ({
    from,
    to,
    held: new Map(held.map(([origin, spans]) => [origin, s(...spans)])),
  });

  it.each([
    // ask, origin, what the answerer holds of it, what it sends
    ['the whole walk, asker holds nothing', ask(START, undefined), A, [[1, 10]], [[1, 10]]],
    ['asker holds past a gap: only the gap is sent', ask(START, undefined, [[A, [[2, 601]]]]), A, [[1, 601]], [[1, 1]]],
    ['a gap nobody can fill: nothing sent, nothing waited on', ask(START, undefined, [[A, [[2, 601]]]]), A, [[2, 601]], []],
    ['asker lacks the tail', ask(START, undefined, [[A, [[1, 4]]]]), A, [[1, 9]], [[5, 9]]],
    ['an origin before the range', ask(at(B, 0), undefined), A, [[1, 9]], []],
    ['an origin after the range', ask(START, at(B, 5)), C, [[1, 9]], []],
    ['the first origin of the range starts at its seq', ask(at(A, 5), undefined), A, [[1, 9]], [[5, 9]]],
    ['the last origin of the range ends before its seq', ask(START, at(A, 5)), A, [[1, 9]], [[1, 4]]],
    ['a range inside one origin', ask(at(A, 3), at(A, 7), [[A, [[4, 4]]]]), A, [[1, 9]], [[3, 3], [5, 6]]],
    ['an empty range', ask(at(A, 7), at(A, 7)), A, [[1, 9]], []],
  ] as [string, SyncAsk, string, [number, number][], [number, number][]][])('%s', (_, request, origin, mine, sent) => {
    expect(toSend(request, origin, s(...mine))).toEqual(s(...sent));
  });

  it('says which seqs of an origin a range covers', () => {
    expect(rangeOf({ from: at(A, 3), to: at(C, 2) }, B)).toEqual({ lo: 1, hi: Number.MAX_SAFE_INTEGER });
    expect(rangeOf({ from: at(A, 3), to: at(C, 2) }, C)).toEqual({ lo: 1, hi: 1 });
    expect(rangeOf({ from: at(A, 3), to: at(C, 1) }, C)).toBeUndefined();
    expect(rangeOf({ from: at(B, 0), to: undefined }, A)).toBeUndefined();
  });
});

describe('going on after an answer', () => {
  const asked = { from: at(A, 5), to: at(C, 1) };
  it.each([
    ['no more: on from the end of the range', { more: false, resume: undefined, count: 10 }, at(C, 1)],
    ['no more, last page: the round is done', { more: false, resume: undefined, count: 0 }, undefined, { from: START, to: undefined }],
    ['more: on from where the answer stopped', { more: true, resume: at(B, 40), count: 500 }, at(B, 40)],
    ['more without a message: stop, or the same answer comes again', { more: true, resume: at(B, 40), count: 0 }, undefined],
    ['more without a place: stop', { more: true, resume: undefined, count: 3 }, undefined],
    ['more, but no step forward: stop', { more: true, resume: at(A, 5), count: 3 }, undefined],
    ['more, past the range: stop', { more: true, resume: at(D, 1), count: 3 }, undefined],
  ] as [string, { more: boolean; resume: SyncPoint | undefined; count: number }, SyncPoint | undefined, typeof asked?][])('%s', (_, answer, next, ask = asked) => {
    expect(nextPoint(ask, answer)).toEqual(next);
  });
});

describe('offers', () => {
  it('list what changed since the last offer, each origin from the start and its top past a gap', () => {
    const offered: Offered = new Map();
    const vector = new Map([[A, 5], [B, 0]]);
    const tops = new Map([[A, 5], [B, 601]]);
    expect(planOffer(vector, tops, offered)).toEqual({ have: new Map([[A, s([1, 5])], [B, s([601, 601])]]), more: false });
    expect(planOffer(vector, tops, offered)).toEqual({ have: new Map(), more: false });
    expect(planOffer(new Map([[A, 6], [B, 0]]), new Map([[A, 6], [B, 601]]), offered)).toEqual({ have: new Map([[A, s([1, 6])]]), more: false });
  });

  it('stay bounded: past the limit they say "more", and the rest counts as offered', () => {
    const vector = new Map(Array.from({ length: 7_000 }, (_, i) => [i.toString(16).padStart(64, '0'), i + 1]));
    const offered: Offered = new Map();
    const first = planOffer(vector, vector, offered);
    expect(first.have.size).toBe(SYNC_OFFER_ENTRIES);
    expect(first.more).toBe(true);
    expect(encodeFrame({ syncOffer: { have: spansToWire(first.have), more: first.more } }).length).toBeLessThan(MAX_FRAME_BYTES / 16);
    expect(planOffer(vector, vector, offered)).toEqual({ have: new Map(), more: false });
  });

  it('look only at the origins said to have moved, when they are known: as much as the full walk finds', () => {
    const vector = new Map(Array.from({ length: 7_000 }, (_, i) => [i.toString(16).padStart(64, '0'), i + 1]));
    const walked: Offered = new Map();
    const told: Offered = new Map();
    planOffer(vector, vector, walked);
    planOffer(vector, vector, told);
    const [x, y] = [...vector.keys()].slice(10, 12) as [string, string];
    vector.set(x, 100_000);
    vector.set(y, 100_001);
    // Every read of the vector counted: the offer reads the two origins and no other.
    let reads = 0;
    const counted = new Proxy(vector, {
      get: (target, key) => {
        const value = Reflect.get(target, key, target) as unknown;
        if (key === 'get' || key === 'keys' || key === 'entries' || key === Symbol.iterator) reads++;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const full = planOffer(vector, vector, walked);
    reads = 0;
    // A repeat, and an origin the vector does not hold, change nothing.
    const some = planOffer(counted, counted, told, undefined, [x, y, x, 'f'.repeat(64)]);
    expect(some).toEqual(full);
    expect(some.have.size).toBe(2);
    // One read of the vector for each of the four, one of the tops for each of the three it holds.
    expect(reads).toBe(7);
    expect(told).toEqual(walked);
  });

  it('make the side that lacks something ask, and only that side', () => {
    const mine = new Map([[A, 5], [B, 0]]);
    const myTops = new Map([[A, 5], [B, 601]]);
    expect(holdsNews(new Map([[A, s([1, 6])]]), mine, myTops)).toBe(true);
    expect(holdsNews(new Map([[A, s([1, 5])], [B, s([601, 601])]]), mine, myTops)).toBe(false);
    expect(holdsNews(new Map([[C, s([3, 3])]]), mine, myTops)).toBe(true);
  });
});

describe('on the wire', () => {
  it('a request crosses unchanged, seq 0 and spans past a gap included', () => {
    const ask: SyncAsk = { from: at(A, 7), to: at(C, 2), held: new Map([[A, s([7, 9], [12, 12])], [B, s([2, 601])]]) };
    const frame = overTheWire({ syncRequest: askToWire(ask) });
    expect(frame.kind === 'syncRequest' && askFromWire(frame.syncRequest)).toEqual(ask);
    const whole = overTheWire({ syncRequest: askToWire({ from: START, to: undefined, held: new Map() }) });
    expect(whole.kind === 'syncRequest' && askFromWire(whole.syncRequest)).toEqual({ from: START, to: undefined, held: new Map() });
  });

  it("reads an older node's request: its whole vector, an entry of 0 holding nothing", () => {
    const frame = overTheWire({ syncRequest: { have: [{ origin: Buffer.from(A, 'hex'), seq: 3 }, { origin: Buffer.from(B, 'hex'), seq: 0 }] } });
    expect(frame.kind === 'syncRequest' && frame.syncRequest.have![1]!.seq).toBe(0);
    expect(frame.kind === 'syncRequest' && askFromWire(frame.syncRequest)).toEqual({ from: START, to: undefined, held: new Map([[A, s([1, 3])]]) });
  });

  it.each([
    ['an origin of the wrong size', { origin: new Uint8Array(5), seq: 1 }],
    ['a negative seq', { origin: Buffer.from(A, 'hex'), seq: -1 }],
    ['a seq past 2^53', { origin: Buffer.from(A, 'hex'), seq: 2 ** 60 }],
    ['a span that ends before it starts', { origin: Buffer.from(A, 'hex'), seq: 3, first: 5 }],
    ['no origin', { seq: 3 }],
  ])('skips an entry with %s', (_, entry) => {
    expect(spansFromWire([entry, { origin: Buffer.from(C, 'hex'), seq: 2 }])).toEqual(new Map([[C, s([1, 2])]]));
  });

  it('keeps what a request lists inside its range, merged', () => {
    const request = { from: { origin: Buffer.from(B, 'hex'), seq: 3 }, have: [A, B, B, C].map((o, i) => ({ origin: Buffer.from(o, 'hex'), seq: 9, first: i })) };
    expect(askFromWire(request).held).toEqual(new Map([[B, s([3, 9])], [C, s([3, 9])]]));
    // A malformed range is no range: at worst the asker is sent what it holds.
    expect(askFromWire({ from: { origin: new Uint8Array(3), seq: 1 }, to: { seq: 4 } })).toEqual({ from: START, to: undefined, held: new Map() });
  });
});
