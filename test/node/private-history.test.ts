import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views.js';
import { type Identity, loadOrCreateIdentity } from '../../src/identity/identity.js';
import { seal } from '../../src/identity/seal.js';
import { type HistoryCursor, privateHistory } from '../../src/node/history.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';

/**
 * A private conversation's history read from a real LevelDB store holding everyone's private lines: alice's
 * with dana (both ways), alice's with bob, and lines between two others sealed to them (carried, unreadable).
 */
describe('a private conversation’s stored lines', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-private-history-'));
  let store: LevelHistoryStore;
  let alice: Identity;
  /** The texts of alice's conversation with dana, oldest first, as written. */
  const withDana: string[] = [];

  beforeAll(async () => {
    const [a, dana, bob, erin] = await Promise.all(
      ['alice', 'dana', 'bob', 'erin'].map((n) => {
        mkdirSync(join(root, n));
        return loadOrCreateIdentity(join(root, n));
      }),
    );
    alice = a!;
    store = await LevelHistoryStore.open(join(root, 'alice', 'history'));
    const chains = new Map<Identity, { seq: number; prev: Buffer | undefined }>();
    const t0 = Date.now() - 3_600_000;
    let time = t0;
    const write = (from: Identity, nick: string, to: Identity, toNick: string, text: string) => {
      const chain = chains.get(from) ?? { seq: 0, prev: undefined };
      const seq = ++chain.seq;
      const fields = { origin: from.nodeId, seq, time: ++time, counter: 0, nick, prev: chain.prev, to: { nodeId: to.nodeId, nick: toNick }, sealed: seal(text, to.sealKeyRaw, from.sealKeyRaw) };
      const bytes = signMessage(fields, from, 'lanchat');
      chain.prev = messageHash(bytes);
      chains.set(from, chain);
      return decodeStored(bytes);
    };
    const batch = [];
    for (let i = 0; i < 60; i++) {
      // Most private lines held are others': erin's to bob, sealed to bob.
      batch.push(write(erin!, 'erin', bob!, 'bob', `erin to bob ${i}`), write(erin!, 'erin', bob!, 'bob', `erin again ${i}`));
      if (i % 2 === 0) {
        batch.push(write(dana!, 'Dana', alice, 'alice', `dana says ${i}`));
        withDana.push(`dana says ${i}`);
      } else if (i % 3 === 0) {
        batch.push(write(alice, 'alice', dana!, 'dana', `alice answers ${i}`));
        withDana.push(`alice answers ${i}`);
      } else batch.push(write(bob!, 'bob', alice, 'alice', `bob says ${i}`));
    }
    await store.append(batch);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives the newest first page, oldest first, of that person’s lines alone, opened', async () => {
    const page = await privateHistory(store, alice, 'dana', 10, undefined, 5_000);
    expect(page.messages.map((m) => m.text)).toEqual(withDana.slice(-10));
    expect(page.messages.every((m) => m.history === true && m.room === null)).toBe(true);
    expect(page.resume).toBeDefined();
  });

  it.each([
    ['pages of 7, reading everything', 7, 5_000],
    ['pages of 50, reading at most 9 stored lines a call', 50, 9],
  ])('pages back to the start: %s', async (_name, count, scan) => {
    const got: MessageView[] = [];
    let resume: HistoryCursor | undefined;
    let calls = 0;
    do {
      const page = await privateHistory(store, alice, 'DANA', count, resume, scan);
      expect(page.messages.length).toBeLessThanOrEqual(count);
      got.unshift(...page.messages);
      resume = page.resume;
      calls++;
    } while (resume !== undefined && calls < 200);
    expect(resume).toBeUndefined();
    expect(got.map((m) => m.text)).toEqual(withDana);
    expect(new Set(got.map((m) => m.id)).size).toBe(got.length);
  });

  it('finds nothing with someone never written to, and nothing of lines between others', async () => {
    expect((await privateHistory(store, alice, 'erin', 10, undefined, 5_000)).messages).toEqual([]);
    const bobs = await privateHistory(store, alice, 'bob', 100, undefined, 5_000);
    expect(bobs.messages.every((m) => m.text.startsWith('bob says'))).toBe(true);
    expect(bobs.messages.length).toBeGreaterThan(0);
  });
});
