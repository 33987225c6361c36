import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryStore, StoredMessage } from '../../src/store/history-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { lanchat } from '../../src/wire/protobuf.js';

export const ALICE = 'a1'.repeat(32);
export const BOB = 'b2'.repeat(32);

/** A decoded ChatMessage, as a replica hands it to its store (signatures are the replica's business). */
export function chat(origin: string, seq: number, time: number, text = `${origin.slice(0, 2)}-${seq}`, room = '#lobby'): StoredMessage {
  return decodeStored(lanchat.ChatMessage.encode({ origin: Buffer.from(origin, 'hex'), seq, time, counter: 0, nick: 'n', room, text }).finish());
}

/** A private message (its body in clear: sealing is not the store's business). */
export function whisper(origin: string, seq: number, time: number, text: string): StoredMessage {
  return decodeStored(lanchat.ChatMessage.encode({ origin: Buffer.from(origin, 'hex'), seq, time, counter: 0, nick: 'n', to: { nick: 'someone' }, text }).finish());
}

/** A small seeded generator (mulberry32): the same interleavings on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const seqs = (encoded: Uint8Array[]): number[] => encoded.map((bytes) => decodeStored(bytes).seq);

/** The whole history (of `room`) as `history()` gives it, chunks joined. */
async function readHistory(store: HistoryStore, room?: string): Promise<StoredMessage[]> {
  const all: StoredMessage[] = [];
  for await (const chunk of store.history(room === undefined ? {} : { room })) all.push(...chunk);
  return all;
}

/**
 * What every history store must do, run against each implementation (today: LevelDB). `open` gives a
 * store on `location`; the same location opened again must show what was stored before.
 */
export function historyStoreContract(name: string, fresh: () => { open: () => Promise<HistoryStore>; cleanup: () => void }): void {
  describe(`HistoryStore contract: ${name}`, () => {
    let place: ReturnType<typeof fresh>;
    let store: HistoryStore;
    beforeEach(async () => {
      place = fresh();
      store = await place.open();
    });
    afterEach(async () => {
      await store.close();
      place.cleanup();
    });

    it('stores a message once, whatever the number of copies', async () => {
      const first = await store.append([chat(ALICE, 1, 100), chat(ALICE, 1, 100)]);
      expect(first.map((m) => [m.origin, m.seq])).toEqual([[ALICE, 1]]);
      expect(await store.append([chat(ALICE, 1, 100)])).toEqual([]);
      expect(await store.count()).toBe(1);
      // Copies out of seq order in one batch (live messages come in any order).
      const mixed = await store.append([3, 2, 3, 4, 2, 4].map((seq) => chat(ALICE, seq, seq * 100)));
      expect(mixed.map((m) => m.seq)).toEqual([3, 2, 4]);
      expect(await store.count()).toBe(4);
      expect(await store.has(ALICE, 4)).toBe(true);
      expect(await store.has(ALICE, 5)).toBe(false);
    });

    it('counts the bytes it holds per origin and in all, duplicates once, also after reopening', async () => {
      expect(store.totalBytes()).toBe(0);
      const alice = [chat(ALICE, 1, 100, 'a'.repeat(200)), chat(ALICE, 3, 300)];
      const bob = chat(BOB, 1, 100);
      // A length prefix of 2 bytes for a message of 128 bytes or more, 1 below.
      const size = (m: StoredMessage): number => m.bytes.length + (m.bytes.length >= 128 ? 2 : 1);
      await store.append([...alice, bob, alice[0]!]);
      await store.append([alice[1]!]);
      expect(store.originBytes(ALICE)).toBe(size(alice[0]!) + size(alice[1]!));
      expect(store.originBytes(BOB)).toBe(size(bob));
      expect(store.totalBytes()).toBe(size(alice[0]!) + size(alice[1]!) + size(bob));
      await store.close();
      store = await place.open();
      expect(store.originBytes(ALICE)).toBe(size(alice[0]!) + size(alice[1]!));
      expect(store.totalBytes()).toBe(size(alice[0]!) + size(alice[1]!) + size(bob));
    });

    it('knows the last seq of an origin, gaps or not', async () => {
      expect(await store.lastSeq(ALICE)).toBe(0);
      await store.append([chat(ALICE, 1, 100), chat(ALICE, 7, 700), chat(BOB, 3, 300)]);
      expect(await store.lastSeq(ALICE)).toBe(7);
      expect(await store.lastSeq(BOB)).toBe(3);
      await store.close();
      store = await place.open();
      expect(await store.lastSeq(ALICE)).toBe(7);
    });

    it('tells held from missing around an out-of-order arrival, also after reopening', async () => {
      await store.append([chat(ALICE, 1, 100), chat(ALICE, 4, 400)]);
      const lacking = async (): Promise<number[]> =>
        (await store.missing([1, 2, 3, 4, 5].map((seq) => chat(ALICE, seq, seq * 100)))).map((m) => m.seq);
      expect(await lacking()).toEqual([2, 3, 5]);
      await store.close();
      store = await place.open();
      expect(await lacking()).toEqual([2, 3, 5]);
      expect((await store.append([chat(ALICE, 3, 300), chat(ALICE, 4, 400)])).map((m) => m.seq)).toEqual([3]);
      await store.append([chat(ALICE, 2, 200)]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 4]]));
    });

    it('keeps the version vector at the highest seq without a gap', async () => {
      await store.append([chat(ALICE, 1, 100), chat(ALICE, 3, 300), chat(BOB, 2, 200)]);
      // BOB is held from seq 2 only: listed at 0, so that its message is still offered to others.
      expect(store.versionVector()).toEqual(new Map([[ALICE, 1], [BOB, 0]]));
      await store.append([chat(ALICE, 2, 200), chat(BOB, 1, 100)]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 3], [BOB, 2]]));
    });

    it('lists the origins each append moved, and none for copies of what it holds', async () => {
      const start = store.vectorChanges.end;
      await store.append([chat(ALICE, 1, 100), chat(BOB, 2, 200)]);
      const after = store.vectorChanges.end;
      expect([...(store.vectorChanges.since(start) ?? [])].sort()).toEqual([ALICE, BOB]);
      await store.append([chat(ALICE, 1, 100)]);
      expect(store.vectorChanges.since(after)).toEqual([]);
      // Out of order: BOB's top stays, its vector entry moves past the gap.
      await store.append([chat(BOB, 1, 100)]);
      expect(store.vectorChanges.since(after)).toEqual([BOB]);
    });

    it('reads an origin’s messages after a seq, in seq order, bounded', async () => {
      await store.append([5, 1, 4, 2, 3].map((seq) => chat(ALICE, seq, seq * 10)));
      expect(seqs(await store.since(ALICE, 2, 2))).toEqual([3, 4]);
      expect(seqs(await store.since(ALICE, 5, 10))).toEqual([]);
      expect(seqs(await store.since(BOB, 0, 10))).toEqual([]);
    });

    it('reads across many appends, gaps and batches bigger than any record, within bounds of count and bytes', async () => {
      // A big batch, then a gap filled later by a live message, then more: what a catch-up and live chat leave.
      await store.append(Array.from({ length: 1_200 }, (_, i) => chat(ALICE, i + 1, i + 1)));
      await store.append([chat(ALICE, 1_202, 1_202), chat(ALICE, 1_203, 1_203)]);
      expect(seqs(await store.since(ALICE, 1_195, 10))).toEqual([1_196, 1_197, 1_198, 1_199, 1_200, 1_202, 1_203]);
      await store.append([chat(ALICE, 1_201, 1_201)]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 1_203]]));
      expect(await store.count()).toBe(1_203);
      expect(seqs(await store.since(ALICE, 0, 1_203))).toEqual(Array.from({ length: 1_203 }, (_, i) => i + 1));
      expect(seqs(await store.since(ALICE, 499, 3))).toEqual([500, 501, 502]);
      // Reading stops at the first message past the bytes (it is given, so the caller knows more remain).
      const size = (await store.get(ALICE, 11))!.length; // 11 to 14 are of one size
      expect(seqs(await store.since(ALICE, 10, 100, { bytes: size * 3 }))).toEqual([11, 12, 13, 14]);
      expect(seqs(await store.since(ALICE, 10, 100, { bytes: 0 }))).toEqual([11]);
      for (const seq of [1, 500, 501, 1_200, 1_201, 1_203]) expect(decodeStored((await store.get(ALICE, seq))!).seq).toBe(seq);
      expect(await store.get(ALICE, 1_204)).toBeUndefined();
      expect((await store.missing([1_199, 1_201, 1_204].map((seq) => chat(ALICE, seq, seq)))).map((m) => m.seq)).toEqual([1_204]);
      expect((await store.latest({ limit: 3 })).map((m) => m.seq)).toEqual([1_201, 1_202, 1_203]);
      const chunks: number[] = [];
      const all: number[] = [];
      for await (const chunk of store.history()) {
        chunks.push(chunk.length);
        all.push(...chunk.map((m) => m.seq));
      }
      expect(all).toEqual(Array.from({ length: 1_203 }, (_, i) => i + 1));
      expect(chunks.length).toBeGreaterThan(1); // a chunk at a time, not the whole history at once
    });

    it('fills gaps between earlier out-of-order arrivals and moves the vector past them all', async () => {
      await store.append([chat(ALICE, 2, 2), chat(ALICE, 4, 4), chat(ALICE, 5, 5), chat(ALICE, 8, 8)]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 0]]));
      expect((await store.missing([1, 2, 3, 4, 5, 6, 7, 8, 9].map((seq) => chat(ALICE, seq, seq)))).map((m) => m.seq)).toEqual([1, 3, 6, 7, 9]);
      await store.append([chat(ALICE, 3, 3), chat(ALICE, 1, 1)]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 5]]));
      await store.append([chat(ALICE, 7, 7), chat(ALICE, 6, 6)]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 8]]));
      expect(seqs(await store.since(ALICE, 0, 100))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(await store.count()).toBe(8);
    });

    it('tells the spans held past a gap and the top of each origin, after a reopening too', async () => {
      const spans = (after: number, limit = 10) => store.heldSpans(ALICE, after, limit);
      await store.append([chat(ALICE, 1, 1), chat(ALICE, 2, 2), chat(BOB, 1, 1)]);
      expect(await spans(0)).toEqual([{ first: 1, last: 2 }]);
      expect(await spans(1)).toEqual([{ first: 2, last: 2 }]);
      expect(await spans(2)).toEqual([]);
      // 5-6 and 9-12, stored in two appends (two runs that join), and 20.
      await store.append([chat(ALICE, 5, 5), chat(ALICE, 6, 6), chat(ALICE, 9, 9), chat(ALICE, 10, 10)]);
      await store.append([chat(ALICE, 11, 11), chat(ALICE, 12, 12), chat(ALICE, 20, 20)]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 2], [BOB, 1]]));
      expect(store.topVector()).toEqual(new Map([[ALICE, 20], [BOB, 1]]));
      const all = [{ first: 1, last: 2 }, { first: 5, last: 6 }, { first: 9, last: 12 }, { first: 20, last: 20 }];
      expect(await spans(0)).toEqual(all);
      expect(await spans(0, 2)).toEqual(all.slice(0, 2));
      expect(await spans(10)).toEqual([{ first: 11, last: 12 }, { first: 20, last: 20 }]);
      expect(await spans(20)).toEqual([]);
      expect(await spans(0, 0)).toEqual([]);
      expect(await store.heldSpans(BOB, 0, 5)).toEqual([{ first: 1, last: 1 }]);
      expect(await store.heldSpans(ALICE.replace('a', 'c'), 0, 5)).toEqual([]);
      await store.close();
      store = await place.open();
      expect(store.topVector()).toEqual(new Map([[ALICE, 20], [BOB, 1]]));
      expect(await spans(3)).toEqual(all.slice(1));
    });

    it('gives the latest messages in display order: clock, then origin, then seq', async () => {
      await store.append([chat(BOB, 1, 200), chat(ALICE, 2, 300), chat(ALICE, 1, 200), chat(BOB, 2, 100, 'dev', '#dev')]);
      expect((await store.latest({ limit: 10 })).map((m) => m.message.text)).toEqual(['dev', 'a1-1', 'b2-1', 'a1-2']);
      expect((await store.latest({ limit: 2, room: '#lobby' })).map((m) => m.message.text)).toEqual(['b2-1', 'a1-2']);
      expect((await store.latest({ limit: 10, room: '#dev' })).map((m) => m.message.text)).toEqual(['dev']);
    });

    it('keeps a room apart from one whose name goes on past it', async () => {
      // A room name no relay accepts, but a message that came by sync may carry any text.
      await store.append([chat(ALICE, 1, 100, 'lobby'), chat(BOB, 1, 200, 'not lobby', '#lobby!x'), chat(ALICE, 2, 300, 'lobby again')]);
      expect((await store.latest({ limit: 10, room: '#lobby' })).map((m) => m.message.text)).toEqual(['lobby', 'lobby again']);
      expect((await readHistory(store, '#lobby')).map((m) => m.message.text)).toEqual(['lobby', 'lobby again']);
      expect((await readHistory(store)).map((m) => m.message.text)).toEqual(['lobby', 'not lobby', 'lobby again']);
    });

    it('merges rooms and private messages into one display order', async () => {
      await store.append([
        chat(ALICE, 1, 100, 'lobby-1'),
        whisper(BOB, 1, 150, 'pm-1'),
        chat(BOB, 2, 200, 'dev-1', '#dev'),
        chat(ALICE, 2, 300, 'lobby-2'),
        whisper(ALICE, 3, 400, 'pm-2'),
      ]);
      expect((await store.latest({ limit: 10 })).map((m) => m.message.text)).toEqual(['lobby-1', 'pm-1', 'dev-1', 'lobby-2', 'pm-2']);
      expect((await store.latest({ limit: 3 })).map((m) => m.message.text)).toEqual(['dev-1', 'lobby-2', 'pm-2']);
      expect((await store.latest({ limit: 10, room: '#lobby' })).map((m) => m.message.text)).toEqual(['lobby-1', 'lobby-2']);
    });

    it('pages back: the latest shown before a given message, in a room or in all', async () => {
      const lines = [1, 2, 3, 4, 5].map((seq) => chat(ALICE, seq, 100, `same-ms-${seq}`)); // one millisecond
      await store.append([...lines, chat(BOB, 1, 50, 'dev-1', '#dev')]);
      const before = lines[3]!;
      expect((await store.latest({ limit: 2, room: '#lobby', before })).map((m) => m.seq)).toEqual([2, 3]);
      expect((await store.latest({ limit: 10, before })).map((m) => m.message.text)).toEqual(['dev-1', 'same-ms-1', 'same-ms-2', 'same-ms-3']);
      expect(await store.latest({ limit: 10, room: '#lobby', before: lines[0]! })).toEqual([]);
    });

    it('keeps one display order over appends whose times interleave, read whole or paged back', async () => {
      // A partition heals: batches of old and new messages arrive in any order, over hours of clock time
      // (more than one display page spans). The model is the same messages sorted by the display rule.
      const random = seeded(7);
      const origins = [ALICE, BOB, 'c3'.repeat(32)];
      const all = origins.flatMap((origin) =>
        Array.from({ length: 120 }, (_, i) => chat(origin, i + 1, Math.floor(random() * 3 * 3_600_000), `${origin.slice(0, 2)}-${i + 1}`)),
      );
      const shuffled = [...all].sort(() => random() - 0.5);
      for (let i = 0; i < shuffled.length; ) {
        const size = 1 + Math.floor(random() * 60);
        await store.append(shuffled.slice(i, i + size));
        i += size;
      }
      const order = [...all].sort((a, b) => a.time - b.time || a.counter - b.counter || (a.origin < b.origin ? -1 : 1) || a.seq - b.seq);
      const texts = (list: StoredMessage[]): (string | null | undefined)[] => list.map((m) => m.message.text);
      for (const limit of [1, 50, 359, 1_000]) expect(texts(await store.latest({ limit }))).toEqual(texts(order.slice(-limit)));
      const pagedBack: StoredMessage[] = [];
      for (let page = await store.latest({ limit: 37 }); page.length > 0; page = await store.latest({ limit: 37, before: page[0]! })) {
        pagedBack.unshift(...page);
        expect(pagedBack.length).toBeLessThanOrEqual(all.length);
      }
      expect(texts(pagedBack)).toEqual(texts(order));
      // Read whole, oldest first, a chunk at a time: the same order.
      expect(texts(await readHistory(store))).toEqual(texts(order));
      const lobby = order.filter((m) => m.room === '#lobby');
      expect(texts(await readHistory(store, '#lobby'))).toEqual(texts(lobby));
      expect(await readHistory(store, '#nowhere')).toEqual([]);
    });

    it('counts a room\u2019s messages as history() gives them, over many appends and after reopening', async () => {
      // Live lines one at a time (small pages, joined as they add up), then a big batch, in two rooms.
      for (let seq = 1; seq <= 40; seq++) await store.append([chat(ALICE, seq, seq * 1_000, `a-${seq}`, seq % 3 === 0 ? '#dev' : '#lobby')]);
      await store.append(Array.from({ length: 1_300 }, (_, i) => chat(BOB, i + 1, 500 + i * 100, `b-${i}`, i % 5 === 0 ? '#dev' : '#lobby')));
      await store.append([whisper(ALICE, 41, 99_000, 'psst')]);
      const counted = async (): Promise<number[]> => [await store.count({ room: '#lobby' }), await store.count({ room: '#dev' }), await store.count({ room: '#nowhere' })];
      const read = async (): Promise<number[]> => [(await readHistory(store, '#lobby')).length, (await readHistory(store, '#dev')).length, 0];
      expect(await counted()).toEqual([27 + 1_040, 13 + 260, 0]);
      expect(await counted()).toEqual(await read());
      expect(await store.count()).toBe(1_341);
      await store.close();
      store = await place.open();
      expect(await counted()).toEqual(await read());
    });

    it('lists what it lacks of a batch, and gives stored bytes back unchanged', async () => {
      const first = chat(ALICE, 1, 100);
      await store.append([first]);
      expect((await store.missing([chat(ALICE, 1, 100), chat(ALICE, 2, 200)])).map((m) => m.seq)).toEqual([2]);
      expect(Buffer.from((await store.get(ALICE, 1))!)).toEqual(Buffer.from(first.bytes));
      expect(await store.get(ALICE, 2)).toBeUndefined();
    });

    it('shows the same history when opened again', async () => {
      await store.append([chat(ALICE, 1, 100), chat(ALICE, 2, 200)]);
      await store.close();
      store = await place.open();
      expect((await store.latest({ limit: 10 })).map((m) => m.seq)).toEqual([1, 2]);
      expect(store.versionVector()).toEqual(new Map([[ALICE, 2]]));
    });
  });
}
