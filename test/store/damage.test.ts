import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/store/history-db.js';
import { prefixEnd, readRunKey, RUN_PREFIX, vectorKey, writeVectorEntry } from '../../src/store/keys.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { runRecords } from '../../src/store/message-run.js';
import { rebuildDerived, repairHistory } from '../../src/store/repair.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { isLanchatError } from '../../src/wire/errors.js';
import { chat, ALICE } from './history-store.contract.js';
import { filledDataDir, fixtureCopies, garbleManifest, manifest, snapshot, tables, truncateTable } from '../helpers/damage.js';

// Real LevelDB folders, damaged on purpose: the ways the finding saw a history lost or stuck.
const COUNT = 1_500;

describe('a damaged history', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-damage-'));
  const fixture = join(root, 'fixture');
  let originals: Buffer[] = [];
  let origin = '';
  beforeAll(async () => {
    const filled = await filledDataDir(fixture, COUNT);
    originals = filled.messages;
    origin = filled.identity.nodeIdHex;
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const copyFolder = fixtureCopies(root, fixture);
  /** A fresh copy of the filled data folder; returns its history folder. */
  const copy = (): string => join(copyFolder(), 'history');

  const openError = (location: string): Promise<unknown> =>
    LevelHistoryStore.open(location).then(
      async (store) => {
        await store.close();
        return undefined;
      },
      (err: unknown) => err,
    );

  /** Every message the history at `location` holds, by seq, and its vector entry for the fixture's origin. */
  const contents = async (location: string): Promise<{ bySeq: Map<number, Buffer>; held: number; top: number }> => {
    const store = await LevelHistoryStore.open(location);
    try {
      const bySeq = new Map<number, Buffer>();
      for await (const chunk of store.history()) for (const m of chunk) bySeq.set(m.seq, Buffer.from(m.bytes));
      return { bySeq, held: store.versionVector().get(origin) ?? 0, top: await store.lastSeq(origin) };
    } finally {
      await store.close();
    }
  };

  /** Every message held is byte for byte the one written. */
  const expectIntact = (bySeq: Map<number, Buffer>): void => {
    for (const [seq, bytes] of bySeq) expect(bytes.equals(originals[seq - 1]!)).toBe(true);
  };

  it('spreads over several tables (else the damage below would prove little)', () => {
    expect(tables(join(fixture, 'history')).length).toBeGreaterThanOrEqual(3);
  });

  it('without CURRENT: refused, naming the file, the folder left as it was (never opened as a new, empty one)', async () => {
    const location = copy();
    unlinkSync(join(location, 'CURRENT'));
    const before = snapshot(location);
    const err = await openError(location);
    expect(isLanchatError(err, 'STORE_DAMAGED')).toBe(true);
    expect((err as Error).message).toContain(`${join(location, 'CURRENT')}, the file that names the others, is missing`);
    expect((err as Error).message).toContain('lanchat repair');
    expect(snapshot(location)).toEqual(before);

    const report = await repairHistory(location);
    expect(report).toMatchObject({ messages: COUNT, origins: 1, missing: 0 });
    expect(snapshot(report.backup)).toEqual(before);
    const after = await contents(location);
    expect(after.bySeq.size).toBe(COUNT);
    expect(after.held).toBe(COUNT);
    expectIntact(after.bySeq);
  });

  it('a truncated table: refused, naming the table; repair keeps every message of the other tables, and the vector says what is missing', async () => {
    const location = copy();
    const damaged = tables(location)[1]!;
    truncateTable(location, damaged);
    const tablesBefore = snapshot(location, (name) => name.endsWith('.ldb'));
    const err = await openError(location);
    expect(isLanchatError(err, 'STORE_DAMAGED')).toBe(true);
    // Found at opening by its size (the manifest lists every table's), not later by the first read of it.
    expect((err as Error).message).toContain(`the table ${join(location, damaged)} is cut short`);
    // LevelDB did open it (and may have begun a new log): every table it had is still there, unchanged.
    expect(snapshot(location, (name) => name.endsWith('.ldb'))).toMatchObject(tablesBefore);

    const report = await repairHistory(location);
    expect(snapshot(report.backup, (name) => name.endsWith('.ldb'))).toMatchObject(tablesBefore);
    const after = await contents(location);
    expectIntact(after.bySeq);
    const lost = originals.map((_, i) => i + 1).filter((seq) => !after.bySeq.has(seq));
    // One table's worth, at most: the seqs of one 2 MB table are one run of seqs, less than half of them.
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.length).toBeLessThan(COUNT / 2);
    expect(lost.at(-1)! - lost[0]! + 1).toBe(lost.length);
    expect(report).toMatchObject({ messages: COUNT - lost.length, origins: 1, missing: lost.length });
    // Held up to the gap, not beyond: the next sync asks for the rest.
    expect(after.held).toBe(lost[0]! - 1);
    expect(after.top).toBe(COUNT);

    // As a sync brings them back: the store takes them, and holds all again.
    const store = await LevelHistoryStore.open(location);
    try {
      await store.append(lost.map((seq) => decodeStored(originals[seq - 1]!)));
      expect(store.versionVector().get(origin)).toBe(COUNT);
      expect(await store.count()).toBe(COUNT);
    } finally {
      await store.close();
    }
    expectIntact((await contents(location)).bySeq);
  });

  it('a garbled manifest: refused, naming the manifest; repair brings back every message', async () => {
    const location = copy();
    const name = manifest(location);
    garbleManifest(location);
    const err = await openError(location);
    expect(isLanchatError(err, 'STORE_DAMAGED')).toBe(true);
    expect((err as Error).message).toContain(`${join(location, name)} cannot be read`);
    expect((err as Error).message).not.toMatch(/: Database failed to open$/);

    expect(await repairHistory(location)).toMatchObject({ messages: COUNT, missing: 0 });
    const after = await contents(location);
    expect(after.bySeq.size).toBe(COUNT);
    expectIntact(after.bySeq);
  });

  it('a sound history comes out of a repair as it went in', async () => {
    const location = copy();
    expect(await repairHistory(location)).toMatchObject({ messages: COUNT, origins: 1, missing: 0 });
    const after = await contents(location);
    expect(after.bySeq.size).toBe(COUNT);
    expectIntact(after.bySeq);
  });

  it('an absent or empty folder, or one a first start killed early left with no table or log, is a new history', async () => {
    const absent = join(root, 'new-absent', 'history');
    const empty = join(root, 'new-empty', 'history');
    const early = join(root, 'new-early', 'history');
    mkdirSync(empty, { recursive: true });
    mkdirSync(early, { recursive: true });
    // Killed before CURRENT was renamed into place: a manifest naming nothing, and its temporary file.
    for (const name of ['LOCK', 'LOG', 'MANIFEST-000001', '000001.dbtmp']) writeFileSync(join(early, name), '');
    for (const location of [absent, empty, early]) {
      const store = await LevelHistoryStore.open(location);
      expect(await store.count()).toBe(0);
      await store.close();
    }
  });

  // Seen in the full suite: LevelDB compacts right after opening and deletes the tables it replaced,
  // between the reading of the table list and the look at the files. Level-0 tables that overlap are
  // compacted at once: before the list was read again, about one opening in six was refused.
  it('a compaction begun at opening is not taken for a missing table', async () => {
    const base = join(root, 'compacting');
    const db = new ClassicLevel<string, Uint8Array>(base, { writeBufferSize: 64 * 1024, valueEncoding: 'view' });
    await db.open();
    for (let pass = 0; pass < 3; pass++) {
      for (let i = 0; i < 200; i++) await db.put(`s!${String(i).padStart(6, '0')}`, Buffer.alloc(1000, pass + i));
    }
    await db.close();
    expect(tables(base).length).toBeGreaterThanOrEqual(4);
    for (let round = 0; round < 20; round++) {
      const location = join(root, `compacting-${round}`);
      cpSync(base, location, { recursive: true });
      const opened = await openHistoryDb(location);
      await opened.close();
    }
  });

  it('a history path that is a file is DATA_DIR_ACCESS, not a crash', async () => {
    const dir = join(root, 'a-file');
    mkdirSync(dir);
    writeFileSync(join(dir, 'history'), 'not a folder');
    expect(isLanchatError(await openError(join(dir, 'history')), 'DATA_DIR_ACCESS')).toBe(true);
  });

  it('a repair merges runs that overlap (deletions lost with a file bring old records back), each message once', async () => {
    const location = join(root, 'overlap', 'history');
    const messages = Array.from({ length: 10 }, (_, i) => chat(ALICE, i + 1, 1_700_000_000_000 + i));
    (await LevelHistoryStore.open(location)).close();
    const db = new ClassicLevel<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    await db.open();
    // Seqs 1-10 in one run, 3-4 and 9-12 in runs written before it was joined, 14 alone; a vector that
    // claims more than is held.
    const more = [11, 12, 14].map((seq) => chat(ALICE, seq, 1_700_000_000_000 + seq));
    const records = [...runRecords(messages), ...runRecords(messages.slice(2, 4)), ...runRecords([...messages.slice(8), ...more.slice(0, 2)]), ...runRecords(more.slice(2))];
    await db.batch(records.map(([key, value]) => ({ type: 'put' as const, key, value })));
    await db.put(vectorKey(ALICE), writeVectorEntry({ held: 20, top: 20 }));
    expect(await rebuildDerived(db)).toEqual({ origins: 1, missing: 1 });
    const spans = (await db.keys({ gte: RUN_PREFIX, lt: prefixEnd(RUN_PREFIX) }).all()).map(readRunKey);
    await db.close();
    expect(spans.map(({ first, last }) => [first, last])).toEqual([
      [1, 12],
      [14, 14],
    ]);
    const store = await LevelHistoryStore.open(location);
    try {
      expect(await store.count()).toBe(13);
      expect(store.versionVector().get(ALICE)).toBe(12);
      expect(await store.lastSeq(ALICE)).toBe(14);
      const shown: number[] = [];
      for await (const chunk of store.history()) shown.push(...chunk.map((m) => m.seq));
      expect(shown).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]);
    } finally {
      await store.close();
    }
  });

  it('keeps its copy beside the history, whatever the repair does to the folder', async () => {
    const location = copy();
    const report = await repairHistory(location, new Date('2030-01-02T03:04:05.678Z'));
    expect(report.backup).toBe(`${location}.bak-2030-01-02T03-04-05-678Z`);
    expect(readdirSync(join(location, '..')).sort()).toEqual(['history', 'history.bak-2030-01-02T03-04-05-678Z', 'identity.pem']);
  });
});
