import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import type { Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import type { Replica } from '../../src/sync/replica.js';
import { SYNC_PIPELINE_DEPTH, SyncLink } from '../../src/sync/sync-link.js';
import type { StoredMessage } from '../../src/store/history-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { encodeFrame } from '../../src/wire/codec.js';
import { DEFAULT_LIMITS } from '../../src/wire/limits.js';
import { messageHash } from '../../src/sync/signature.js';
import { authored, freshAuthor, oneLineEach } from '../helpers/authored.js';
import { tempReplica } from '../helpers/replica.js';
const MAX_FRAME_BYTES = DEFAULT_LIMITS.frameBytes;

const ann = ephemeralIdentity();
const bob = ephemeralIdentity();
const cid = ephemeralIdentity();

/** Two replicas joined by a real TCP connection on loopback, a SyncLink on each end. */
async function linked(left: Replica, right: Replica): Promise<{ a: SyncLink; b: SyncLink; a2b: Connection; b2a: Connection; close: () => void }> {
  let accepted!: (conn: Connection) => void;
  const inbound = new Promise<Connection>((resolve) => (accepted = resolve));
  const { server, port } = await listen(0, (conn) => accepted(conn), { heartbeatMs: 0 }, '127.0.0.1');
  const outbound = await dial('127.0.0.1', port, { heartbeatMs: 0 });
  const other = await inbound;
  const a = new SyncLink(outbound, left);
  const b = new SyncLink(other, right);
  outbound.on('frame', (frame) => a.handle(frame));
  other.on('frame', (frame) => b.handle(frame));
  return { a, b, a2b: outbound, b2a: other, close: () => (outbound.close(), other.close(), server.close()) };
}

/** The size of every frame `conn` sends from now on, by kind. */
function frameSizes(conn: Connection): Map<string, number[]> {
  const sizes = new Map<string, number[]>();
  const sendFrame = conn.sendFrame.bind(conn);
  conn.sendFrame = (frame) => {
    const kind = Object.keys(frame).find((k) => k.startsWith('sync')) ?? 'other';
    let size = Infinity;
    try {
      size = encodeFrame(frame).length;
    } catch {
      // Too large to encode: recorded as such.
    }
    sizes.set(kind, [...(sizes.get(kind) ?? []), size]);
    return sendFrame(frame);
  };
  return sizes;
}

/** The same messages, as the store takes them without verifying (a source's history is written fast). */
const stored = (encoded: Buffer[]): StoredMessage[] => encoded.map(decodeStored);

const settled = (link: SyncLink) => new Promise<number>((resolve) => link.once('settled', ({ fresh }) => resolve(fresh)));

describe('SyncLink', () => {
  let left: Replica;
  let right: Replica;
  const closers: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    const l = await tempReplica('net');
    const r = await tempReplica('net');
    left = l.replica;
    right = r.replica;
    closers.push(l.close, r.close);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('brings both sides to the same history, each side pulling what it lacks in batches', async () => {
    await left.ingest(authored(ann, 'net', 1_200));
    await left.ingest(authored(cid, 'net', 3));
    await right.ingest(authored(bob, 'net', 7));
    await right.ingest(authored(cid, 'net', 5));
    const { a, b, close } = await linked(left, right);
    const batches: number[] = [];
    b.on('learned', (fresh) => batches.push(fresh.length));
    const [leftGot, rightGot] = await Promise.all([settled(a), settled(b), a.request(), b.request()]);
    expect(leftGot).toBe(7 + 2);
    expect(rightGot).toBe(1_200);
    expect(Math.max(...batches)).toBeLessThanOrEqual(500);
    expect(left.vector).toEqual(right.vector);
    expect(await left.store.count()).toBe(1_212);
    expect(await right.store.count()).toBe(1_212);
    close();
  });

  it('fills a gap: messages stored out of order are completed by the next request', async () => {
    const chain = authored(ann, 'net', 10);
    await left.ingest(chain);
    await right.ingest([chain[0]!, chain[5]!, chain[9]!]);
    expect(right.vector.get(ann.nodeIdHex)).toBe(1);
    const { b, close } = await linked(left, right);
    const done = settled(b);
    b.request();
    expect(await done).toBe(7);
    expect(right.vector.get(ann.nodeIdHex)).toBe(10);
    close();
  });

  it('an offer makes the side that lacks something ask for it', async () => {
    await left.ingest(authored(ann, 'net', 4));
    const { a, b, close } = await linked(left, right);
    const done = settled(b);
    a.offer();
    expect(await done).toBe(4);
    close();
  });

  it('asks for the next batch while one is being stored, never holding more than the pipeline depth', async () => {
    await left.ingest(authored(ann, 'net', 2_600)); // six batches of at most 500
    const { b, b2a, close } = await linked(left, right);
    // The asker's store is held shut until released: batches pile up unstored.
    let release!: () => void;
    const shut = new Promise<void>((resolve) => (release = resolve));
    const append = right.store.append.bind(right.store);
    right.store.append = async (messages: readonly StoredMessage[]) => {
      await shut;
      return append(messages);
    };
    let requests = 0;
    let batches = 0;
    const send = b2a.sendFrame.bind(b2a);
    b2a.sendFrame = (frame) => {
      if (frame.syncRequest) requests++;
      return send(frame);
    };
    const pilingUp = new Promise<void>((resolve) =>
      b2a.on('frame', (frame) => frame.kind === 'syncBatch' && ++batches === SYNC_PIPELINE_DEPTH + 1 && resolve()),
    );
    const done = settled(b);
    b.request();
    await pilingUp;
    // One request to start, one per batch received while fewer than the depth wait: then it waits.
    expect(requests).toBe(1 + SYNC_PIPELINE_DEPTH);
    release();
    expect(await done).toBe(2_600);
    expect(requests).toBe(6);
    expect(right.vector).toEqual(left.vector);
    close();
  });

  it('syncs a history of 7,000 origins to a fresh node completely, in pages, no frame over the limit, both ways', { timeout: 90_000 }, async () => {
    await left.store.append(stored(oneLineEach(7_000, 'net')));
    await right.store.append(stored(oneLineEach(300, 'net')));
    const { a, b, a2b, b2a, close } = await linked(left, right);
    const sent = [frameSizes(a2b), frameSizes(b2a)];
    const requests: { to: boolean; entries: number }[] = [];
    a2b.on('frame', (frame) => frame.kind === 'syncRequest' && requests.push({ to: frame.syncRequest.to != null, entries: frame.syncRequest.have?.length ?? 0 }));
    const [rightGot, leftGot] = await Promise.all([settled(b), settled(a), b.request(), a.request()]);
    expect([rightGot, leftGot]).toEqual([7_000, 300]);
    expect(await right.store.count()).toBe(7_300);
    expect(right.vector).toEqual(left.vector);
    // Now both hold 7,300 origins: a round asks in pages of at most 1,000 entries and brings nothing.
    requests.length = 0;
    const again = settled(b);
    b.request();
    expect(await again).toBe(0);
    expect(requests.length).toBeGreaterThanOrEqual(8);
    expect(requests.every((r) => r.entries <= 1_000)).toBe(true);
    expect(requests.filter((r) => !r.to)).toHaveLength(1);
    // An offer of everything is bounded too.
    a.offer();
    const sizes = sent.flatMap((bySize) => [...bySize.values()].flat());
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(sent[0]!.get('syncOffer')).toHaveLength(1);
    close();
  });

  it('an origin withheld at its first seq holds nothing else back, and a round that cannot fill it ends', async () => {
    // Ground to sort first, as in the trial: every answer began with its 500 held messages.
    const mallory = freshAuthor('00');
    const chain = authored(mallory, 'net', 601);
    await left.ingest(chain.slice(1));
    await left.ingest(authored(ann, 'net', 3));
    await left.ingest(authored(bob, 'net', 700));
    const { b, close } = await linked(left, right);
    const first = settled(b);
    b.request();
    expect(await first).toBe(600 + 3 + 700);
    expect(right.vector).toEqual(new Map([[mallory.nodeIdHex, 0], [ann.nodeIdHex, 3], [bob.nodeIdHex, 700]]));
    // Nobody holds seq 1: the next round asks, is sent nothing, and ends.
    const second = settled(b);
    b.request();
    expect(await second).toBe(0);
    close();
  });

  it('is sent only what it lacks: what it holds past a gap is skipped', async () => {
    const chain = authored(ann, 'net', 1_400);
    await left.ingest(chain);
    await right.ingest([...chain.slice(1, 600), ...chain.slice(900)]);
    const { b, b2a, close } = await linked(left, right);
    const batches: number[] = [];
    b2a.on('frame', (frame) => frame.kind === 'syncBatch' && batches.push(frame.syncBatch.messages?.length ?? 0));
    const done = settled(b);
    b.request();
    expect(await done).toBe(1 + 300);
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(301);
    expect(right.vector).toEqual(left.vector);
    close();
  });

  it('a store that fails mid-sync is a store failure, said once while it lasts, not a refusal; the next round brings everything', async () => {
    await left.ingest(authored(ann, 'net', 1_200));
    const { b, close } = await linked(left, right);
    const append = right.store.append.bind(right.store);
    let full = true;
    right.store.append = async (messages: readonly StoredMessage[]) => {
      if (full) throw Object.assign(new Error('IO error: No space left on device'), { code: 'ENOSPC' });
      return append(messages);
    };
    const said: string[] = [];
    const refused: unknown[] = [];
    b.on('storeFailed', (err) => said.push(err.message));
    b.on('refused', (r) => refused.push(r));
    const round = async (): Promise<number> => {
      const done = settled(b);
      b.request();
      return done;
    };
    expect(await round()).toBe(0);
    expect(await round()).toBe(0);
    // The disk is still full at the second round: nothing new to say.
    expect(said).toEqual(['IO error: No space left on device']);
    full = false;
    expect(await round()).toBe(1_200);
    expect(right.vector).toEqual(left.vector);
    // Full again after it worked: that is news again.
    await left.ingest(authored(ann, 'net', 1, { from: 1_201, prev: messageHash(authored(ann, 'net', 1_200).at(-1)!) }));
    full = true;
    await round();
    expect(said).toHaveLength(2);
    expect(refused).toEqual([]);
    close();
  });
});
