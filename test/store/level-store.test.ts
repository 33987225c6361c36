import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { isLanchatError } from '../../src/wire/errors.js';
import { Level } from 'level';
import { pageRecords } from '../../src/store/display-page.js';
import type { StoredMessage } from '../../src/store/history-store.js';
import { bucketKey, bucketOf, FORMAT, messageKey, vectorKey, writeVectorEntry } from '../../src/store/keys.js';
import { runRecords } from '../../src/store/message-run.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { chat, ALICE, BOB, historyStoreContract } from './history-store.contract.js';

// Real LevelDB in a temporary folder: no mock of it anywhere.
historyStoreContract('LevelDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanchat-store-'));
  return { open: () => LevelHistoryStore.open(join(dir, 'history')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});

/** Runs `body` on the location of a history in a temporary folder, removed afterwards. */
async function inHistoryFolder(body: (location: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lanchat-store-'));
  try {
    await body(join(dir, 'history'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `body` on the history at `location`, opened, and closes it afterwards. */
async function withStore(location: string, body: (store: LevelHistoryStore) => Promise<void>): Promise<void> {
  const store = await LevelHistoryStore.open(location);
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

/** What opening the history at `location` throws (undefined if it opens). */
async function openingError(location: string): Promise<unknown> {
  try {
    await (await LevelHistoryStore.open(location)).close();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** The LevelDB folder at `location`, opened with plain `level`: to write older formats, or read what is left. */
function rawLevel(location: string): Level<string, Uint8Array> {
  return new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
}

describe('LevelHistoryStore', () => {
  it('gives messages read out of part of a run as copies, not views that keep the whole run in memory', () =>
    inHistoryFolder(async (location) => {
      await withStore(location, async (store) => {
        const messages = Array.from({ length: 400 }, (_, i) => chat(ALICE, i + 1, i + 1, 'x'.repeat(100)));
        await store.append(messages); // one run of about 50 KB
        // since() with a part of the run: what a batch of the tails of many runs takes.
        const held = [await store.get(ALICE, 200), ...(await store.latest({ limit: 2 })).map((m) => m.bytes), ...(await store.since(ALICE, 390, 10))];
        for (const bytes of held) expect(bytes!.buffer.byteLength).toBeLessThan(10_000);
      });
    }));

  it('joins live messages, stored one at a time, into few records, and reads them all back in order', () =>
    inHistoryFolder(async (location) => {
      // Two authors taking turns in two rooms, a message per append as live chat comes; the store is
      // closed and opened again in the middle (its tails are lost there) and the chat goes on.
      const live = Array.from({ length: 200 }, (_, i) =>
        chat(i % 2 === 0 ? ALICE : BOB, Math.floor(i / 2) + 1, 1_000 + i, `line ${i}`, i % 5 === 0 ? '#dev' : '#lobby'),
      );
      await withStore(location, async (store) => {
        for (const m of live.slice(0, 90)) await store.append([m]);
      });
      await withStore(location, async (store) => {
        for (const m of live.slice(90)) await store.append([m]);
        const all: unknown[] = [];
        for await (const chunk of store.history()) all.push(...chunk.map((m) => m.message.text));
        expect(all).toEqual(live.map((m) => m.message.text));
        const dev: unknown[] = [];
        for await (const chunk of store.history({ room: '#dev' })) dev.push(...chunk.map((m) => m.message.text));
        expect(dev).toEqual(live.filter((m) => m.room === '#dev').map((m) => m.message.text));
        expect((await store.latest({ limit: 3, room: '#lobby' })).map((m) => m.message.text)).toEqual(['line 197', 'line 198', 'line 199']);
        expect((await store.since(BOB, 40, 100)).length).toBe(60);
        expect(await store.get(ALICE, 45)).toEqual(live[88]!.bytes);
        expect(store.versionVector()).toEqual(new Map([[ALICE, 100], [BOB, 100]]));
        expect(await store.count()).toBe(200);
      });
      const keys = await rawKeys(location);
      // A record per message would be 200 runs and 200 pages; joined, a few per origin and room.
      expect(keys.filter((k) => k.startsWith('s!')).length).toBeLessThan(20);
      expect(keys.filter((k) => k.startsWith('p!')).length).toBeLessThan(20);
    }));

  it('reads the whole history in display order across many origins, late arrivals and a clock that went back', () =>
    inHistoryFolder(async (location) => {
      // 70 origins (more than history() keeps cursors open for). Each origin's seq 2 is stored before
      // its seq 1 (two runs that never join), and its seq 4 was written by a clock set back: it shows
      // before seq 3, so reading in display order goes back in that origin's seqs.
      const origins = Array.from({ length: 70 }, (_, i) => (i + 16).toString(16).padStart(2, '0').repeat(32));
      const messages = origins.flatMap((origin, i) => [
        chat(origin, 2, 20_000 + i, `${i}/2`),
        chat(origin, 1, 10_000 + i, `${i}/1`),
        chat(origin, 3, 40_000 + i, `${i}/3`),
        chat(origin, 4, 30_000 + i, `${i}/4`),
      ]);
      await withStore(location, async (store) => {
        for (const m of messages) await store.append([m]);
        const read: unknown[] = [];
        for await (const chunk of store.history()) read.push(...chunk.map((m) => m.message.text));
        const inOrder = [...messages].sort((a, b) => a.time - b.time).map((m) => m.message.text);
        expect(read).toEqual(inOrder);
      });
    }));

  it('refuses a second opening of the same history with a clear error', () =>
    inHistoryFolder(async (location) => {
      await withStore(location, async (first) => {
        await first.append([chat(ALICE, 1, 1)]);
        expect(isLanchatError(await openingError(location), 'DATA_DIR_IN_USE')).toBe(true);
      });
    }));
});

/** Every key of a LevelDB folder, read with plain `level`: what an upgrade left on disk. */
async function rawKeys(location: string): Promise<string[]> {
  const raw = rawLevel(location);
  try {
    return await raw.keys().all();
  } finally {
    await raw.close();
  }
}

describe('LevelHistoryStore formats', () => {
  const hex = (value: number, width = 13): string => value.toString(16).padStart(width, '0');

  it('upgrades a history written in format 1 and keeps every message', () =>
    inHistoryFolder(async (location) => {
      // Format 1, as the first release wrote it: m!, a global t! and per-room r! index, 8-byte vector values.
      const old = rawLevel(location);
      const messages = [chat(ALICE, 1, 100, 'one'), chat(BOB, 1, 200, 'two', '#dev'), chat(ALICE, 2, 300, 'three'), chat(ALICE, 5, 500, 'five')];
      for (const m of messages) {
        const order = `${hex(m.time)}!${hex(0, 8)}!${m.origin}!${hex(m.seq)}`;
        await old.put(`m!${m.origin}!${hex(m.seq)}`, m.bytes);
        await old.put(`t!${order}`, new Uint8Array(0));
        await old.put(`r!${m.message.room}!${order}`, new Uint8Array(0));
      }
      const held = (seq: number): Uint8Array => Buffer.from(hex(seq, 16), 'hex');
      await old.put(`v!${ALICE}`, held(2));
      await old.put(`v!${BOB}`, held(1));
      await old.close();

      await withStore(location, async (store) => {
        expect((await store.latest({ limit: 10 })).map((m) => m.message.text)).toEqual(['one', 'two', 'three', 'five']);
        expect((await store.latest({ limit: 10, room: '#dev' })).map((m) => m.message.text)).toEqual(['two']);
        expect(store.versionVector()).toEqual(new Map([[ALICE, 2], [BOB, 1]]));
        expect(await store.lastSeq(ALICE)).toBe(5);
        expect((await store.missing([chat(ALICE, 4, 400), chat(ALICE, 5, 500)])).map((m) => m.seq)).toEqual([4]);
      });

      const keys = await rawKeys(location);
      expect(keys.filter((k) => k.startsWith('t!') || k.startsWith('r!') || k.startsWith('m!'))).toEqual([]);
      expect(keys.filter((k) => k.startsWith('p!')).length).toBe(2);
    }));

  it('upgrades a history written in format 2 (one index record per message) to display pages', () =>
    inHistoryFolder(async (location) => {
      const old = rawLevel(location);
      const messages = [chat(ALICE, 1, 100, 'one'), chat(BOB, 1, 200, 'two', '#dev'), chat(ALICE, 2, 300, 'three')];
      const entry = (held: number, top: number): Buffer => Buffer.concat([Buffer.from(hex(held, 16), 'hex'), Buffer.from(hex(top, 16), 'hex')]);
      await old.put('f!format', Buffer.from([0, 0, 0, 2]));
      for (const m of messages) {
        await old.put(`m!${m.origin}!${hex(m.seq)}`, m.bytes);
        await old.put(`d!${m.message.room}!${hex(m.time)}!${hex(0, 8)}!${m.origin}!${hex(m.seq)}`, new Uint8Array(0));
        await old.put(`b!${m.message.room}`, new Uint8Array(0));
      }
      await old.put(`v!${ALICE}`, entry(2, 2));
      await old.put(`v!${BOB}`, entry(1, 1));
      await old.close();

      await withStore(location, async (store) => {
        expect((await store.latest({ limit: 10 })).map((m) => m.message.text)).toEqual(['one', 'two', 'three']);
        expect((await store.latest({ limit: 10, room: '#dev' })).map((m) => m.message.text)).toEqual(['two']);
        expect(store.versionVector()).toEqual(new Map([[ALICE, 2], [BOB, 1]]));
      });

      const keys = await rawKeys(location);
      expect(keys.filter((k) => k.startsWith('d!') || k.startsWith('m!'))).toEqual([]);
      expect(keys.filter((k) => k.startsWith('p!')).length).toBe(2);
    }));

  /**
   * A history in format 3 (a record per message, display pages), as lanchat wrote it before runs; with
   * `inRuns`, as an upgrade to format 4 cut short leaves it: those in runs, the format key already at 4.
   */
  async function writeFormat3(location: string, messages: StoredMessage[], inRuns: StoredMessage[] = []): Promise<void> {
    const old = rawLevel(location);
    await old.open();
    const batch = old.batch();
    if (inRuns.length === 0) {
      batch.put('f!format', Buffer.from([0, 0, 0, 3]));
    } else {
      batch.put('f!format', Buffer.from([0, 0, 0, 4]));
      batch.put('f!upgrading', Buffer.from([0, 0, 0, 3]));
    }
    for (const m of messages) if (!inRuns.includes(m)) batch.put(messageKey(m.origin, m.seq), m.bytes);
    for (const [key, value] of runRecords(inRuns)) batch.put(key, value);
    for (const bucket of new Set(messages.map(bucketOf))) {
      batch.put(bucketKey(bucket), new Uint8Array(0));
      for (const [key, value] of pageRecords(bucket, messages.filter((m) => bucketOf(m) === bucket))) batch.put(key, value);
    }
    for (const origin of new Set(messages.map((m) => m.origin))) {
      const top = Math.max(...messages.filter((m) => m.origin === origin).map((m) => m.seq));
      batch.put(vectorKey(origin), writeVectorEntry({ held: top, top }));
    }
    await batch.write();
    await old.close();
  }

  it('upgrades a history written in format 3 (a record per message) to runs, whole or cut short before', async () => {
    const messages = [
      ...Array.from({ length: 30 }, (_, i) => chat(ALICE, i + 1, 100 + i * 10, `alice-${i + 1}`)),
      ...Array.from({ length: 20 }, (_, i) => chat(BOB, i + 1, 105 + i * 10, `bob-${i + 1}`, i % 2 === 0 ? '#dev' : '#lobby')),
    ];
    const byTime = [...messages].sort((a, b) => a.time - b.time).map((m) => m.message.text);
    for (const inRuns of [[], messages.filter((m) => m.origin === ALICE && m.seq <= 12)]) {
      await inHistoryFolder(async (location) => {
        await writeFormat3(location, messages, inRuns);
        await withStore(location, async (store) => {
          expect((await store.latest({ limit: 100 })).map((m) => m.message.text)).toEqual(byTime);
          expect(await store.count()).toBe(50);
          expect(store.versionVector()).toEqual(new Map([[ALICE, 30], [BOB, 20]]));
          expect((await store.since(BOB, 18, 10)).length).toBe(2);
          // Vector entries of format 3 say nothing of bytes: counted from the runs at opening.
          const size = (list: StoredMessage[]): number => list.reduce((sum, m) => sum + m.bytes.length + 1, 0);
          expect(store.originBytes(ALICE)).toBe(size(messages.filter((m) => m.origin === ALICE)));
          expect(store.totalBytes()).toBe(size(messages));
        });
        const keys = await rawKeys(location);
        expect(keys.filter((k) => k.startsWith('m!') || k === 'f!upgrading')).toEqual([]);
        expect(keys.filter((k) => k.startsWith('s!')).length).toBe(inRuns.length === 0 ? 2 : 3);
      });
    }
  });

  it('upgrades more messages than one upgrade batch holds, one origin’s run cut across batches', () =>
    inHistoryFolder(async (location) => {
      const messages = Array.from({ length: 6_200 }, (_, i) => chat(ALICE, i + 1, 1_000 + i, `line ${i + 1}`));
      await writeFormat3(location, messages);
      await withStore(location, async (store) => {
        expect(await store.count()).toBe(6_200);
        expect(store.versionVector()).toEqual(new Map([[ALICE, 6_200]]));
        const all = await store.since(ALICE, 0, 10_000);
        expect(all.map((bytes) => decodeStored(bytes).seq)).toEqual(messages.map((m) => m.seq));
        expect((await store.latest({ limit: 2 })).map((m) => m.message.text)).toEqual(['line 6199', 'line 6200']);
      });
    }));

  it('leaves an upgrade that stops half way in a format an earlier lanchat refuses', () =>
    inHistoryFolder(async (location) => {
      // Format 2, with one record that is not a message: rebuilding the display pages stops on it.
      const old = rawLevel(location);
      await old.put('f!format', Buffer.from([0, 0, 0, 2]));
      await old.put(messageKey(ALICE, 1), chat(ALICE, 1, 100).bytes);
      await old.put(messageKey(ALICE, 2), Buffer.from('not a message'));
      await old.close();
      expect(await openingError(location)).toBeDefined();
      const raw = rawLevel(location);
      const formatIn = async (key: string): Promise<number> => Buffer.from((await raw.get(key))!).readUInt32BE();
      try {
        expect(await formatIn('f!format')).toBe(FORMAT);
        expect(await formatIn('f!upgrading')).toBe(2);
      } finally {
        await raw.close();
      }
    }));

  it('refuses a history written by a newer lanchat, and leaves it as it was', () =>
    inHistoryFolder(async (location) => {
      const newer = rawLevel(location);
      await newer.put('f!format', Buffer.from([0, 0, 0, 99]));
      await newer.put('x!future', Buffer.from('kept'));
      await newer.close();
      expect(isLanchatError(await openingError(location), 'STORE_FORMAT')).toBe(true);
      expect(await rawKeys(location)).toEqual(['f!format', 'x!future']);
    }));
});
