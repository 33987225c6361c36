import { beforeAll, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { encodeMessageFrame } from '../../src/wire/codec.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';
import { type Author, authored, freshAuthor } from '../helpers/authored.js';
import { relayForSuite } from '../helpers/relay-bed.js';
import { WireClient } from '../helpers/wire-client.js';

const NETWORK = 'test';
/** How long a wait on the relay may take on a busy machine (a ceiling, not a pace: each wait ends on its frame). */
const PATIENCE_MS = 10_000;

/**
 * What one member can make a relay store (README, "Storage bounds"), on real sockets: members written
 * with the project's own codec, a relay with a real LevelDB whose bounds are set small.
 */

/** `count` chained lines of `author` of 15 KiB each: the biggest a line may be, near enough. */
function bulky(author: Author, count: number, nick = 'mallory'): Buffer[] {
  const out: Buffer[] = [];
  let prev: Buffer | undefined;
  for (let seq = 1; seq <= count; seq++) {
    const bytes = signMessage({ origin: author.nodeId, seq, time: Date.now(), counter: 0, nick, room: '#lobby', text: `${seq} ${'x'.repeat(15 * 1024)}`, prev }, author, NETWORK);
    out.push(bytes);
    prev = messageHash(bytes);
  }
  return out;
}

/** Answers the relay's next sync request (the n-th this client got) with `messages`. */
async function answerRequest(client: WireClient, n: number, messages: Buffer[], more = false, resumeSeq = 0): Promise<void> {
  await client.next('syncRequest', () => client.received('syncRequest').length >= n, PATIENCE_MS);
  const resume = more ? { resume: { origin: Buffer.alloc(32, 0xff), seq: resumeSeq } } : {};
  client.conn.sendFrame({ syncBatch: { messages, more, ranged: true, ...resume } });
}

/**
 * Waits until the relay has handled every frame `client` sent before: a request answered comes after
 * them (a connection's frames are handled in order). A request listing nothing held asks the relay for
 * nothing in return.
 */
async function handled(client: WireClient): Promise<void> {
  const before = client.received('syncBatch').length;
  client.conn.sendFrame({ syncRequest: { have: [], from: { origin: Buffer.alloc(32, 0xff), seq: 1 } } });
  await client.next('syncBatch', () => client.received('syncBatch').length > before, PATIENCE_MS);
}

describe('a sync batch the relay did not ask for', () => {
  const bed = relayForSuite(NETWORK, {}, { unaskedBatches: 3 });

  it('is dropped unread (not stored, not offered on), counted, and a fourth closes the connection', async () => {
    const watcher = await bed.join('watcher');
    await answerRequest(watcher, 1, []);
    const pusher = freshAuthor();
    const mallory = await bed.join('mallory');
    await answerRequest(mallory, 1, []);
    await handled(mallory);

    const lines = authored(pusher, NETWORK, 5);
    mallory.conn.sendFrame({ syncBatch: { messages: lines, more: false } });
    await handled(mallory);
    expect(bed.relay().syncCounters.unasked).toBe(1);
    await bed.relay().stored();
    expect(await bed.replica().store.get(pusher.nodeIdHex, 1)).toBeUndefined();
    expect(bed.replica().store.totalBytes()).toBe(0);

    for (let i = 0; i < 3; i++) mallory.conn.sendFrame({ syncBatch: { messages: lines, more: false, ranged: true } });
    const error = await mallory.next('error');
    expect(error.frame.error.code).toBe('SYNC_ABUSE');
    await mallory.closed;
    expect(bed.relay().syncCounters.unasked).toBe(4);
    expect(await bed.replica().store.get(pusher.nodeIdHex, 1)).toBeUndefined();
    // Nothing was offered on: the watcher heard of no origin.
    expect(watcher.received('syncOffer').flatMap((f) => (f.kind === 'syncOffer' ? f.syncOffer.have ?? [] : []))).toEqual([]);
  });
});

describe('one member pushing far over its bounds', () => {
  const LINK = 300_000;
  const ORIGIN = 60_000;
  const bed = relayForSuite(NETWORK, { limits: { addressSyncBytes: LINK, originBytes: ORIGIN, historyBytes: 50_000_000 } });

  it("gets the rest not kept, by origin and by connection, while an honest member's lines arrive and are stored", async () => {
    const watcher = await bed.join('watcher');
    await answerRequest(watcher, 1, []);
    const honest = ephemeralIdentity();
    const bob = await bed.join('bob', honest);
    await answerRequest(bob, 1, []);

    // Mallory answers each of the relay's requests with a full batch and "more": its own chain past its
    // share, then batches of fresh identities (they cost nothing to make), 40 batches in all.
    const mallory = ephemeralIdentity();
    const pusher = await bed.join('mallory', mallory);
    const own = bulky(mallory, 20);
    const bobLines = authored(honest, NETWORK, 4, { nick: 'bob' });
    let pushed = 0;
    for (let n = 1; n <= 40; n++) {
      const batch = n <= 2 ? own.slice((n - 1) * 10, n * 10) : Array.from({ length: 10 }, () => bulky(freshAuthor(), 1)).flat();
      pushed += batch.reduce((sum, b) => sum + b.length, 0);
      await answerRequest(pusher, n, batch, n < 40, n + 1);
      // Bob types meanwhile; his lines reach the watcher.
      if (n % 10 === 0) bob.conn.send(encodeMessageFrame(bobLines[n / 10 - 1]!));
    }
    await pusher.next('syncRequest', () => pusher.received('syncRequest').length >= 40, PATIENCE_MS);
    await handled(pusher);
    for (let i = 1; i <= 4; i++) await watcher.next('message', () => watcher.received('message').length >= i, PATIENCE_MS);
    await bed.relay().stored();

    const store = bed.replica().store;
    expect(pushed).toBeGreaterThan(10 * LINK);
    // Its own chain: at most its share, and what is held is the chain's beginning (no hole).
    expect(store.originBytes(mallory.nodeIdHex)).toBeLessThanOrEqual(ORIGIN);
    expect(store.versionVector().get(mallory.nodeIdHex)).toBe(store.topVector().get(mallory.nodeIdHex));
    // All it brought: at most the connection's window.
    expect(store.totalBytes() - store.originBytes(honest.nodeIdHex)).toBeLessThanOrEqual(LINK);
    expect(bed.replica().unkeptCount).toBeGreaterThan(0);
    // Bob's four lines are stored.
    expect(store.versionVector().get(honest.nodeIdHex)).toBe(4);

    // Back on a new connection from the same address, under a new node id: the same window, still spent.
    pusher.conn.close();
    const before = store.totalBytes();
    const again = await bed.join('mallory2');
    await answerRequest(again, 1, Array.from({ length: 5 }, () => bulky(freshAuthor(), 1)).flat());
    await handled(again);
    await bed.relay().stored();
    expect(store.totalBytes()).toBe(before);
  });
});

describe('a full history', () => {
  const LIMIT = 100_000;
  const told: string[] = [];
  const bed = relayForSuite(NETWORK, { limits: { historyBytes: LIMIT } });
  beforeAll(() => bed.replica().whenBound((reason) => told.push(reason)));

  it("keeps what it holds and the node's own lines, shows but no longer keeps others' lines, and says so once", async () => {
    const watcher = await bed.join('watcher');
    await answerRequest(watcher, 1, []);
    const alice = ephemeralIdentity();
    const aliceLink = await bed.join('alice', alice);
    await answerRequest(aliceLink, 1, []);
    const self = await bed.join('relay', bed.own);
    await answerRequest(self, 1, []);

    const lines = bulky(alice, 10, 'alice');
    for (const line of lines) aliceLink.conn.send(encodeMessageFrame(line));
    await watcher.next('message', () => watcher.received('message').length >= 10, PATIENCE_MS);
    await bed.relay().stored();
    const store = bed.replica().store;
    const kept = store.versionVector().get(alice.nodeIdHex)!;
    // Lines up to the limit are kept, the rest shown (forwarded) but not kept; what is kept is her chain's beginning.
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(10);
    expect(store.topVector().get(alice.nodeIdHex)).toBe(kept);
    expect(store.totalBytes()).toBeLessThanOrEqual(LIMIT);

    // The node's own lines are kept over the limit.
    const mine = bulky(bed.own, 3, 'relay');
    for (const line of mine) self.conn.send(encodeMessageFrame(line));
    await watcher.next('message', () => watcher.received('message').length >= 13, PATIENCE_MS);
    await bed.relay().stored();
    expect(store.versionVector().get(bed.own.nodeIdHex)).toBe(3);
    expect(store.totalBytes()).toBeGreaterThan(LIMIT);
    // Nothing held was evicted.
    expect(store.versionVector().get(alice.nodeIdHex)).toBe(kept);
    for (let seq = 1; seq <= kept; seq++) expect(await store.get(alice.nodeIdHex, seq)).toBeDefined();
    // One more line of hers: not kept, and not told again.
    aliceLink.conn.send(encodeMessageFrame(lines[kept]!));
    await handled(aliceLink);
    await bed.relay().stored();
    expect(told).toEqual(['HISTORY_FULL']);
  });
});

describe('a flood of sync requests', () => {
  const bed = relayForSuite(NETWORK, {}, { syncAnswersQueued: 2, unaskedBatches: 3 });

  it('queues at most syncAnswersQueued answers for a connection, drops the rest and closes it past the limit', async () => {
    const seeder = await bed.join('seeder');
    await answerRequest(seeder, 1, authored(freshAuthor(), NETWORK, 300));
    await bed.relay().stored();

    const flooder = await bed.join('flooder');
    await answerRequest(flooder, 1, []);
    // A thousand requests for everything, in as few writes as the socket takes.
    for (let i = 0; i < 1_000; i++) flooder.conn.sendFrame({ syncRequest: { have: [] } });
    const error = await flooder.next('error', () => true, PATIENCE_MS);
    expect(error.frame.error.code).toBe('SYNC_ABUSE');
    await flooder.closed;
    const counters = bed.relay().syncCounters;
    expect(counters.answersQueuedMost).toBeLessThanOrEqual(2);
    expect(counters.requests).toBe(4);
    expect(flooder.received('syncBatch').length).toBeLessThanOrEqual(1 + 2);
  });
});

describe("the relay's store failing", () => {
  const bed = relayForSuite(NETWORK, {});

  it("is told to the relay's own user once while it lasts, whichever path hits it, and members still get the lines", async () => {
    const failures: number[] = [];
    bed.relay().on('storeFailed', (_err, count) => failures.push(count));
    const watcher = await bed.join('watcher');
    await answerRequest(watcher, 1, []);
    const alice = ephemeralIdentity();
    const link = await bed.join('alice', alice);
    await answerRequest(link, 1, []);
    // The store stops writing (as a full disk or a LevelDB error would).
    await bed.replica().store.close();

    const lines = authored(alice, NETWORK, 6, { nick: 'alice' });
    link.conn.send(encodeMessageFrame(lines[0]!));
    await watcher.next('message', () => watcher.received('message').length >= 1);
    await bed.relay().stored();
    expect(failures).toEqual([1]);
    // More live lines, and a sync batch the relay asked for: still forwarded, not told again.
    link.conn.send(encodeMessageFrame(lines[1]!));
    link.conn.send(encodeMessageFrame(lines[2]!));
    await watcher.next('message', () => watcher.received('message').length >= 3);
    await bed.relay().stored();
    link.conn.sendFrame({ syncOffer: { have: [{ origin: alice.nodeId, seq: 6 }] } });
    await answerRequest(link, 2, lines.slice(3));
    await handled(link);
    await bed.relay().stored();
    expect(failures).toEqual([1]);
    expect(link.received('error')).toEqual([]);
  });
});
