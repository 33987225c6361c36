import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { readableText, seal } from '../../src/identity/seal.js';
import type { StoredMessage } from '../../src/store/history-store.js';
import { FORMAT_KEY, prefixEnd } from '../../src/store/keys.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { searchNeedle } from '../../src/store/search-match.js';
import { SKETCH_PREFIX } from '../../src/store/search-sketch.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';

const NETWORK = 'lanchat';
const ann = ephemeralIdentity();
const bob = ephemeralIdentity();
const cid = ephemeralIdentity();

/** Chained messages of one author: [text, room or a recipient] each, at times from `t0` a second apart. */
function lines(author: typeof ann, t0: number, items: [string, string | typeof ann][], from = 1): StoredMessage[] {
  let prev: Buffer | undefined;
  return items.map(([text, where], i) => {
    const common = { origin: author.nodeId, seq: from + i, time: t0 + i * 1000, counter: 0, nick: 'n', prev };
    const bytes =
      typeof where === 'string'
        ? signMessage({ ...common, room: where, text }, author, NETWORK)
        : signMessage({ ...common, to: { nodeId: where.nodeId, nick: 'x' }, sealed: seal(text, where.sealKeyRaw, author.sealKeyRaw) }, author, NETWORK);
    prev = messageHash(bytes);
    return decodeStored(bytes);
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function location(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanchat-search-'));
  dirs.push(dir);
  return join(dir, 'history');
}

const texts = (found: StoredMessage[], reader = ann): string[] => found.map((m) => (m.isPrivate ? `[${readableText(m, reader)}]` : m.shown.text ?? ''));

describe('searching the stored history', () => {
  it('finds a text in any case, newest first, in a room or everywhere, with the private messages this node can read', async () => {
    const store = await LevelHistoryStore.open(location());
    try {
      await store.append(lines(ann, 1_000_000, [['The Printer is down', '#ops'], ['lunch?', '#lobby'], ['printer fixed', '#lobby'], ['psst: printer key', bob]]));
      await store.append(lines(bob, 1_000_500, [['who broke the PRINTER', '#ops'], ['printer for cid only', cid]]));
      const all = await store.search({ needle: searchNeedle('printer'), limit: 10, privateText: (m) => readableText(m, ann) });
      // bob's private line to cid is sealed to them: ann cannot read it, and it is not found.
      expect(texts(all)).toEqual(['[psst: printer key]', 'printer fixed', 'who broke the PRINTER', 'The Printer is down']);
      // cid reads bob's line to him, as its recipient.
      const forCid = await store.search({ needle: searchNeedle('printer'), limit: 10, privateText: (m) => readableText(m, cid) });
      expect(texts(forCid, cid)).toEqual(['printer fixed', '[printer for cid only]', 'who broke the PRINTER', 'The Printer is down']);
      const ops = await store.search({ needle: searchNeedle('PRINTER'), room: '#ops', limit: 10, privateText: (m) => readableText(m, ann) });
      expect(texts(ops)).toEqual(['who broke the PRINTER', 'The Printer is down']);
      expect(await store.search({ needle: searchNeedle('zebra'), limit: 10, privateText: () => undefined })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('gives the newest `limit` of many matches, reading runs newest first', async () => {
    const store = await LevelHistoryStore.open(location());
    try {
      // Three authors, many runs each (appends of 7), interleaved in time.
      for (const [k, author] of [ann, bob, cid].entries()) {
        for (let batch = 0; batch < 20; batch++) {
          const items: [string, string][] = Array.from({ length: 7 }, (_, i) => [`build ${batch * 7 + i} of ${k}`, '#dev']);
          await store.append(lines(author, 2_000_000 + k * 10 + batch * 7_000_000, items, batch * 7 + 1));
        }
      }
      const found = await store.search({ needle: searchNeedle('BUILD'), limit: 5, privateText: () => undefined });
      const times = found.map((m) => m.time);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const everything = await store.search({ needle: searchNeedle('build'), limit: 1_000, privateText: () => undefined });
      expect(everything).toHaveLength(420);
      expect(found.map((m) => m.time)).toEqual(everything.slice(0, 5).map((m) => m.time));
    } finally {
      await store.close();
    }
  });

  it('builds the sketches of a store written before them (format 4) when it is opened, with progress', async () => {
    const at = location();
    let store = await LevelHistoryStore.open(at);
    await store.append(lines(ann, 3_000_000, [['old words here', '#lobby'], ['more old words', '#lobby']]));
    await store.close();
    // As format 4 left it: no sketches, and its format key.
    const db = new ClassicLevel<string, Uint8Array>(at, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.clear({ gte: SKETCH_PREFIX, lt: prefixEnd(SKETCH_PREFIX) });
    const four = Buffer.alloc(4);
    four.writeUInt32BE(4);
    await db.put(FORMAT_KEY, four);
    await db.close();
    const progress: [number, number][] = [];
    store = await LevelHistoryStore.open(at, { onUpgrade: (done, total) => progress.push([done, total]) });
    try {
      expect(progress.at(-1)).toEqual([2, 2]);
      expect(texts(await store.search({ needle: searchNeedle('OLD words'), limit: 10, privateText: () => undefined }))).toEqual(['more old words', 'old words here']);
    } finally {
      await store.close();
    }
  });
});
