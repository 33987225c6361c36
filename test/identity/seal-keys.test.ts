import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSealKeys, saveSealKeys, SEAL_KEYS_FILE, SealKeyBook } from '../../src/identity/seal-keys.js';

const id = (n: number): string => n.toString(16).padStart(64, '0');
const key = (n: number): Buffer => Buffer.alloc(32, n);

describe('the seal key book', () => {
  it('finds a node by id or by the nick it was last seen with, as nicks compare', () => {
    const book = new SealKeyBook();
    expect(book.see(id(1), 'Bob', key(1))).toBe(true);
    expect(book.see(id(1), 'Bob', key(1))).toBe(false); // nothing new: no save
    expect(book.get(id(1))?.sealKey).toEqual(key(1));
    expect(book.byNick('bob')?.nodeId).toBe(id(1));
    // Another node later seen with that nick is the one byNick gives.
    book.see(id(2), 'bob', key(2));
    expect(book.byNick('BOB')?.nodeId).toBe(id(2));
    expect(book.byNick('carol')).toBeUndefined();
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

  it('is saved and loaded from the data folder, skipping entries that are not keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-keys-'));
    try {
      const book = new SealKeyBook();
      book.see(id(7), 'ann', key(7));
      await saveSealKeys(dir, book);
      const saved = JSON.parse(readFileSync(join(dir, SEAL_KEYS_FILE), 'utf8')) as unknown[];
      writeFileSync(join(dir, SEAL_KEYS_FILE), JSON.stringify([...saved, { nodeId: 'zz', nick: 'x', sealKey: 'aa' }, 5, null]));
      const loaded = await loadSealKeys(dir);
      expect(loaded.size).toBe(1);
      expect(loaded.byNick('ann')?.sealKey).toEqual(key(7));
      writeFileSync(join(dir, SEAL_KEYS_FILE), '{not json');
      expect((await loadSealKeys(dir)).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
