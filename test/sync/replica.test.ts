import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { ASK_ALL, type SyncAsk } from '../../src/sync/page.js';
import { SYNC_BATCH_BYTES } from '../../src/sync/replica.js';
import { SYNC_BATCH_MESSAGES, type Replica } from '../../src/sync/replica.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { signMessage } from '../../src/sync/signature.js';
import { authored, freshAuthor } from '../helpers/authored.js';
import { tempReplica } from '../helpers/replica.js';

const ann = ephemeralIdentity();
const bob = ephemeralIdentity();

describe('Replica (real LevelDB)', () => {
  let replica: Replica;
  let close: () => Promise<void>;
  beforeEach(async () => ({ replica, close } = await tempReplica('net')));
  afterEach(() => close());

  it('stores verified messages once; a replay of them is known, not fresh', async () => {
    const chain = authored(ann, 'net', 3);
    expect((await replica.ingest(chain)).fresh.map((m) => m.seq)).toEqual([1, 2, 3]);
    const again = await replica.ingest(chain);
    expect(again.fresh).toEqual([]);
    expect(again.known.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(await replica.store.count()).toBe(3);
  });

  it('refuses forged and altered messages, counts them, and stores the honest ones', async () => {
    const honest = authored(ann, 'net', 2);
    const altered = Buffer.from(authored(bob, 'net', 1)[0]!);
    altered[altered.indexOf(Buffer.from('line 1'))] = 'X'.charCodeAt(0);
    const result = await replica.ingest([...honest, altered]);
    expect(result.fresh.map((m) => m.origin)).toEqual([ann.nodeIdHex, ann.nodeIdHex]);
    expect(result.refused).toEqual([{ reason: 'bad signature', origin: bob.nodeIdHex, seq: 1 }]);
    expect(replica.refusedCount).toBe(1);
    expect(await replica.store.has(bob.nodeIdHex, 1)).toBe(false);
  });

  it('drops a signed message that breaks a message rule, live or in a whole sync batch, and stores the rest', async () => {
    const [good] = authored(ann, 'net', 1);
    const [oversized] = authored(bob, 'net', 1, { room: '#Not A Room' });
    for (const whole of [false, true]) {
      const result = await replica.ingest([good!, oversized!], { whole });
      expect(result.refused).toEqual([]);
      expect(result.dropped?.map((d) => [d.origin, d.seq, d.reason.split(':')[0]])).toEqual([[bob.nodeIdHex, 1, 'room']]);
    }
    expect(await replica.store.has(ann.nodeIdHex, 1)).toBe(true);
    expect(await replica.store.has(bob.nodeIdHex, 1)).toBe(false);
    expect(replica.droppedCount).toBe(2);
  });

  it('refuses an altered copy of a held message: it does not pass for the one held', async () => {
    const chain = authored(ann, 'net', 2);
    await replica.ingest(chain);
    const altered = Buffer.from(chain[1]!);
    altered[altered.indexOf(Buffer.from('line 2'))] = 'X'.charCodeAt(0);
    const result = await replica.ingest([altered]);
    expect(result.known).toEqual([]);
    expect(result.refused).toEqual([{ reason: 'bad signature', origin: ann.nodeIdHex, seq: 2 }]);
    expect(Buffer.from((await replica.store.get(ann.nodeIdHex, 2))!)).toEqual(Buffer.from(chain[1]!));
  });

  it('does not verify the same bytes twice in a row, and still refuses an altered copy of them', async () => {
    const chain = authored(ann, 'net', 3);
    await replica.ingest(chain);
    const before = replica.verifications;
    expect((await replica.ingest(chain)).known).toHaveLength(3);
    expect(replica.verifications).toBe(before);
    const altered = Buffer.from(chain[2]!);
    altered[altered.indexOf(Buffer.from('line 3'))] = 'X'.charCodeAt(0);
    expect((await replica.ingest([altered])).refused).toHaveLength(1);
    expect(replica.verifications).toBe(before + 1);
  });

  it('counts a message stored meanwhile by another ingest into the same store as known', async () => {
    const [line] = authored(ann, 'net', 1);
    const [first, second] = await Promise.all([replica.ingest([line!]), replica.ingest([line!])]);
    expect(first.fresh.map((m) => m.seq)).toEqual([1]);
    expect(second.fresh).toEqual([]);
    expect(second.known.map((m) => m.seq)).toEqual([1]);
  });

  it('refuses a truncated or corrupt sync batch whole: nothing of it is stored', async () => {
    await replica.ingest(authored(ann, 'net', 1));
    const batch = authored(bob, 'net', 3);
    const truncated = [...batch.slice(0, 2), batch[2]!.subarray(0, 30)];
    expect((await replica.ingest(truncated, { whole: true })).refused).toHaveLength(1);
    const corrupt = batch.map((b, i) => (i === 1 ? Buffer.concat([b.subarray(0, b.length - 1), Buffer.from([b.at(-1)! ^ 1])]) : b));
    expect((await replica.ingest(corrupt, { whole: true })).fresh).toEqual([]);
    expect(await replica.store.count()).toBe(1);
    expect(replica.vector).toEqual(new Map([[ann.nodeIdHex, 1]]));
  });

  it('answers an ask with what it lacks, in bounded batches', async () => {
    await replica.ingest(authored(ann, 'net', SYNC_BATCH_MESSAGES + 20));
    await replica.ingest(authored(bob, 'net', 5));
    const holding = (entries: [string, number][]): SyncAsk => ({ ...ASK_ALL, held: new Map(entries.map(([origin, seq]) => [origin, [{ first: 1, last: seq }]])) });
    const first = await replica.batchFor(holding([[bob.nodeIdHex, 3]]));
    expect(first.more).toBe(true);
    expect(first.messages).toHaveLength(SYNC_BATCH_MESSAGES);
    const caughtUp = await replica.batchFor(holding([[ann.nodeIdHex, SYNC_BATCH_MESSAGES + 20], [bob.nodeIdHex, 3]]));
    expect(caughtUp).toMatchObject({ more: false });
    expect(caughtUp.messages).toHaveLength(2);
    expect((await replica.batchFor(holding([...replica.vector]))).messages).toEqual([]);
  });

  it('answers a page of the walk alone, and says where it stopped', async () => {
    const first = freshAuthor('0');
    const last = freshAuthor('f');
    await replica.ingest(authored(first, 'net', SYNC_BATCH_MESSAGES + 20));
    await replica.ingest(authored(last, 'net', 5));
    const seqs = (messages: Uint8Array[]) => messages.map((m) => [decodeStored(m).origin, decodeStored(m).seq]);
    // The whole walk: a batch of the first origin, and where to go on.
    const page = await replica.batchFor(ASK_ALL);
    expect(page).toMatchObject({ more: true, resume: { origin: first.nodeIdHex, seq: SYNC_BATCH_MESSAGES + 1 } });
    expect(page.messages).toHaveLength(SYNC_BATCH_MESSAGES);
    // From there, to the third seq of the last origin: the rest of the first, the last's first two.
    const rest = await replica.batchFor({ from: page.resume!, to: { origin: last.nodeIdHex, seq: 3 }, held: new Map() });
    expect(rest.more).toBe(false);
    expect(seqs(rest.messages)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => [first.nodeIdHex, SYNC_BATCH_MESSAGES + 1 + i]),
      [last.nodeIdHex, 1],
      [last.nodeIdHex, 2],
    ]);
  });

  it('never sends a stored message too big for a batch on its own, and goes on past it', async () => {
    const author = freshAuthor();
    const lines = authored(author, 'net', 3);
    const huge = signMessage({ origin: author.nodeId, seq: 4, time: 1, counter: 0, nick: 'n', room: '#lobby', text: 'x'.repeat(SYNC_BATCH_BYTES) }, author, 'net');
    const after = signMessage({ origin: author.nodeId, seq: 5, time: 2, counter: 0, nick: 'n', room: '#lobby', text: 'after' }, author, 'net');
    // Stored as an older node may have stored it, before any limit: the store takes what it is given.
    await replica.store.append([...lines, huge, after].map(decodeStored));
    const answer = await replica.batchFor(ASK_ALL);
    expect(answer.more).toBe(false);
    expect(answer.messages.map((m) => decodeStored(m).seq)).toEqual([1, 2, 3, 5]);
  });
});

describe('Replica storage bounds (real LevelDB)', () => {
  let replica: Replica;
  let close: () => Promise<void>;
  const told: string[] = [];
  // Each of these lines is some 200 bytes.
  beforeEach(async () => {
    told.length = 0;
    ({ replica, close } = await tempReplica('net', { own: ann.nodeIdHex, limits: { originBytes: 1_000, historyBytes: 2_500, addressSyncBytes: 600, addressSyncWindowMs: 60_000 } }));
    replica.whenBound((reason) => told.push(reason));
  });
  afterEach(() => close());

  it("keeps an origin's chain up to its share, shows the rest as unkept, and tells the bound once", async () => {
    const lines = authored(bob, 'net', 10);
    const result = await replica.ingest(lines);
    const kept = result.fresh.map((m) => m.seq);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i + 1));
    expect(result.unkept.map((u) => [u.message.seq, u.reason])).toEqual(lines.slice(kept.length).map((_, i) => [kept.length + 1 + i, 'ORIGIN_FULL']));
    expect(replica.store.originBytes(bob.nodeIdHex)).toBeLessThanOrEqual(1_000);
    await replica.ingest(authored(bob, 'net', 12).slice(10));
    expect(told).toEqual(['ORIGIN_FULL']);
    expect(replica.unkeptCount).toBe(12 - kept.length);
  });

  it('counts a sync link\'s window, and never its own lines against any bound', async () => {
    const link = { window: { start: 0, bytes: 0 } };
    const result = await replica.ingest(replica.decode([...authored(freshAuthor(), 'net', 2), ...authored(freshAuthor(), 'net', 2)]), { whole: true, link });
    expect(result.unkept.map((u) => u.reason)).toContain('LINK_OVER');
    expect(link.window.bytes).toBeLessThanOrEqual(600);
    expect(link.window.bytes).toBe(replica.store.totalBytes());
    const mine = await replica.ingest(authored(ann, 'net', 20));
    expect(mine.fresh).toHaveLength(20);
    expect(replica.store.totalBytes()).toBeGreaterThan(2_500);
    expect(told).toEqual([]);
  });
});
