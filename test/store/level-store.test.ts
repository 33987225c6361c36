import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { isLanchatError } from '../../src/wire/errors.js';
import { chat, ALICE, historyStoreContract } from './history-store.contract.js';

// Real LevelDB in a temporary folder: no mock of it anywhere.
historyStoreContract('LevelDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanchat-store-'));
  return { open: () => LevelHistoryStore.open(join(dir, 'history')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
});

describe('LevelHistoryStore', () => {
  it('refuses a second opening of the same history with a clear error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-store-'));
    const first = await LevelHistoryStore.open(join(dir, 'history'));
    try {
      await first.append([chat(ALICE, 1, 1)]);
      let error: unknown;
      try {
        await LevelHistoryStore.open(join(dir, 'history'));
      } catch (err) {
        error = err;
      }
      expect(isLanchatError(error, 'DATA_DIR_IN_USE')).toBe(true);
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
