import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSealKeys, saveSealKeys, SEAL_KEYS_FILE, SealKeyBook } from '../../src/identity/seal-keys.js';

const id = (n: number): string => n.toString(16).padStart(64, '0');
const key = (n: number): Buffer => Buffer.alloc(32, n);

describe('the seal key book', () => {
  it('finds a node by id or by the nick it was seen with, as nicks compare', () => {
    const book = new SealKeyBook();
    expect(book.see(id(1), 'Bob', key(1))).toBe(true);
    expect(book.see(id(1), 'Bob', key(1))).toBe(false); // nothing new: no save
    expect(book.get(id(1))?.sealKey).toEqual(key(1));
    expect(book.byNick('bob')).toMatchObject({ nodeId: id(1) });
    expect(book.byNick('carol')).toBeUndefined();
    // Another node later seen with that nick: no answer by nick (the pins decide, see node/open.ts).
    book.see(id(2), 'bob', key(2));
    expect(book.byNick('BOB')).toBe('ambiguous');
    expect(book.get(id(2))?.sealKey).toEqual(key(2));
  });

  it('keeps at most its limit, forgetting those seen least lately', () => {
    const book = new SealKeyBook([], 3);
    for (let n = 1; n <= 3; n++) book.see(id(n), `n${n}`, key(n));
    book.see(id(1), 'n1', key(1)); // seen again: the newest
    book.see(id(4), 'n4', key(4));
    expect(book.size).toBe(3);
    expect(book.get(id(2))).toBeUndefined();
    expect(book.get(id(1))).toBeDefined();
  });

  it('learns a key from a line of history unless it holds a newer sight of that node', () => {
    const book = new SealKeyBook();
    expect(book.learn(id(1), 'bob', key(1), 1_000)).toBe(true);
    expect(book.get(id(1))).toMatchObject({ nick: 'bob', sealKey: key(1), at: 1_000 });
    // An older line teaches nothing, whatever its key or nick.
    expect(book.learn(id(1), 'robert', key(2), 999)).toBe(false);
    expect(book.learn(id(1), 'bob', key(1), 1_000)).toBe(false);
    expect(book.get(id(1))).toMatchObject({ nick: 'bob', sealKey: key(1) });
    // A newer one: its nick, and its key if that differs (both were proven by the caller).
    expect(book.learn(id(1), 'robert', key(3), 2_000)).toBe(true);
    expect(book.get(id(1))).toMatchObject({ nick: 'robert', sealKey: key(3), at: 2_000 });
    expect(book.byNick('robert')).toMatchObject({ nodeId: id(1) });
    // Seen online at 5,000: a line timed before that does not replace what was seen.
    book.see(id(1), 'bob', key(1), 5_000);
    expect(book.learn(id(1), 'rob', key(4), 4_000)).toBe(false);
    expect(book.get(id(1))).toMatchObject({ nick: 'bob', sealKey: key(1), at: 5_000 });
  });

  it('copies a learned key: it may be a view of a network chunk that is reused', () => {
    const chunk = Buffer.alloc(32, 9);
    const book = new SealKeyBook();
    book.learn(id(1), 'bob', chunk, 1);
    chunk.fill(0);
    expect(book.get(id(1))?.sealKey).toEqual(key(9));
  });

  it('forgets the node seen least lately by its clock when full, and finds a nick only when one node has it', () => {
    const book = new SealKeyBook([], 2);
    book.learn(id(1), 'ann', key(1), 3_000);
    book.learn(id(2), 'bob', key(2), 2_000);
    // Older than both: not kept.
    expect(book.learn(id(3), 'cat', key(3), 1_000)).toBe(false);
    expect(book.get(id(3))).toBeUndefined();
    // Newer than bob's: bob leaves, though ann was put first.
    expect(book.learn(id(3), 'bob', key(3), 2_500)).toBe(true);
    expect(book.get(id(2))).toBeUndefined();
    expect(book.size).toBe(2);
    expect(book.byNick('bob')).toMatchObject({ nodeId: id(3) });
    book.learn(id(1), 'bob', key(1), 3_500);
    // Two nodes called bob: anyone may write under a free nick, so the newest sight is no answer.
    expect(book.byNick('bob')).toBe('ambiguous');
  });

  it('is saved and loaded from the data folder, skipping entries that are not keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-keys-'));
    try {
      const book = new SealKeyBook();
      book.see(id(7), 'ann', key(7), 1_234);
      await saveSealKeys(dir, book);
      const saved = JSON.parse(readFileSync(join(dir, SEAL_KEYS_FILE), 'utf8')) as unknown[];
      writeFileSync(join(dir, SEAL_KEYS_FILE), JSON.stringify([...saved, { nodeId: 'zz', nick: 'x', sealKey: 'aa' }, 5, null]));
      const loaded = await loadSealKeys(dir);
      expect(loaded.size).toBe(1);
      expect(loaded.byNick('ann')).toMatchObject({ sealKey: key(7), at: 1_234 });
      // A file saved before the book kept `at`: its entries load, seen at 0 (any line teaches more).
      writeFileSync(join(dir, SEAL_KEYS_FILE), JSON.stringify([{ nodeId: id(8), nick: 'old', sealKey: key(8).toString('hex') }]));
      const older = await loadSealKeys(dir);
      expect(older.get(id(8))).toMatchObject({ nick: 'old', at: 0 });
      expect(older.learn(id(8), 'old', key(8), 1)).toBe(true);
      writeFileSync(join(dir, SEAL_KEYS_FILE), '{not json');
      expect((await loadSealKeys(dir)).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
