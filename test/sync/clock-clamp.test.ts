import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS } from '../../src/chat/clock.js';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { Replica } from '../../src/sync/replica.js';
import { signMessage } from '../../src/sync/signature.js';

const T0 = 1_800_000_000_000;
const ann = ephemeralIdentity();
const bob = ephemeralIdentity();
const line = (who: typeof ann, time: number, text: string): Buffer =>
  signMessage({ origin: who.nodeId, seq: 1, time, counter: 0, nick: 'n', room: '#lobby', text }, who, 'net');

describe('a synced message far ahead of the receiver’s clock', () => {
  let dir: string;
  let store: LevelHistoryStore;
  let now: number;
  let replica: Replica;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanchat-clamp-'));
    store = await LevelHistoryStore.open(join(dir, 'history'));
    now = T0;
    replica = new Replica(store, 'net', () => now);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is stored, placed at most MAX_CLOCK_SKEW_MS after the clock it arrived by, and lines written later sort after it', async () => {
    const future = line(ann, Date.UTC(10889, 0, 1), 'from the future');
    const result = await replica.ingest([future], { whole: true });
    expect(result.fresh.map((m) => m.time)).toEqual([T0 + MAX_CLOCK_SKEW_MS]);
    now = T0 + 2 * MAX_CLOCK_SKEW_MS;
    await replica.ingest([line(bob, now, 'written later')], { whole: true });
    const latest = await store.latest({ limit: 2 });
    expect(latest.map((m) => m.shown.text)).toEqual(['from the future', 'written later']);
    // The bytes are the author's: the signature still holds for anyone it is synced on to.
    expect(Buffer.from((await store.get(ann.nodeIdHex, 1))!).equals(future)).toBe(true);
  });

  it('leaves a message within the skew where its author put it', async () => {
    const result = await replica.ingest([line(ann, T0 + MAX_CLOCK_SKEW_MS, 'just ahead')]);
    expect(result.fresh.map((m) => m.time)).toEqual([T0 + MAX_CLOCK_SKEW_MS]);
  });
});
