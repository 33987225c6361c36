import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import type { Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import type { Replica } from '../../src/sync/replica.js';
import { SYNC_PIPELINE_DEPTH, SyncLink } from '../../src/sync/sync-link.js';
import type { StoredMessage } from '../../src/store/history-store.js';
import { authored } from '../helpers/authored.js';
import { tempReplica } from '../helpers/replica.js';

const ann = ephemeralIdentity();
const bob = ephemeralIdentity();
const cid = ephemeralIdentity();

/** Two replicas joined by a real TCP connection on loopback, a SyncLink on each end. */
async function linked(left: Replica, right: Replica): Promise<{ a: SyncLink; b: SyncLink; b2a: Connection; close: () => void }> {
  let accepted!: (conn: Connection) => void;
  const inbound = new Promise<Connection>((resolve) => (accepted = resolve));
  const { server, port } = await listen(0, (conn) => accepted(conn), { heartbeatMs: 0 }, '127.0.0.1');
  const outbound = await dial('127.0.0.1', port, { heartbeatMs: 0 });
  const other = await inbound;
  const a = new SyncLink(outbound, left);
  const b = new SyncLink(other, right);
  outbound.on('frame', (frame) => a.handle(frame));
  other.on('frame', (frame) => b.handle(frame));
  return { a, b, b2a: other, close: () => (outbound.close(), other.close(), server.close()) };
}

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

  it('a store that fails mid-sync ends the round with a refusal, and the next round brings everything', async () => {
    await left.ingest(authored(ann, 'net', 1_200));
    const { b, close } = await linked(left, right);
    const append = right.store.append.bind(right.store);
    let failures = 1;
    right.store.append = async (messages: readonly StoredMessage[]) => {
      if (failures-- > 0) throw new Error('disk full');
      return append(messages);
    };
    const refused = new Promise<string>((resolve) => b.once('refused', (r) => resolve(r[0]!.reason)));
    const first = settled(b);
    b.request();
    expect(await refused).toMatch(/not stored: disk full/);
    await first;
    const second = settled(b);
    b.request();
    await second;
    expect(right.vector).toEqual(left.vector);
    close();
  });
});
