import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { seal } from '../../src/identity/seal.js';
import { privateHistory } from '../../src/node/history.js';
import type { StoredMessage } from '../../src/store/history-store.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';

const NETWORK = 'lanchat';
const ann = ephemeralIdentity();
const bob = ephemeralIdentity();
const cid = ephemeralIdentity();
const nicks = new Map<Identity, string>([
  [ann, 'ann'],
  [bob, 'Bob'],
  [cid, 'cid'],
]);

/** Chained lines of one author, a second apart from `t0`: [text, a room or a recipient] each. */
function lines(author: Identity, t0: number, items: [string, string | Identity][], from = 1): StoredMessage[] {
  let prev: Buffer | undefined;
  return items.map(([text, where], i) => {
    const common = { origin: author.nodeId, seq: from + i, time: t0 + i * 1000, counter: 0, nick: nicks.get(author)!, prev };
    const bytes =
      typeof where === 'string'
        ? signMessage({ ...common, room: where, text }, author, NETWORK)
        : signMessage({ ...common, to: { nodeId: where.nodeId, nick: nicks.get(where)! }, sealed: seal(text, where.sealKeyRaw, author.sealKeyRaw) }, author, NETWORK);
    prev = messageHash(bytes);
    return decodeStored(bytes);
  });
}

// What a private window shows when it opens (issue 17 item 6): the stored private lines with one person
// that this node can read, found among everyone's private lines, which are one display bucket.
describe('the stored private lines with one person', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lanchat-private-history-'));
  let store: LevelHistoryStore;

  beforeAll(async () => {
    store = await LevelHistoryStore.open(join(dir, 'history'));
    await store.append(lines(ann, 1_000_000, [['hi bob', bob], ['a room line', '#lobby'], ['hi cid', cid], ['still there?', bob]]));
    await store.append(lines(bob, 1_000_500, [['hi ann', ann], ['for cid alone', cid]]));
    await store.append(lines(cid, 1_000_700, [['cid to ann', ann]]));
    // Then many private lines between two others, newer than all of ann's: more than one page back.
    const many: [string, Identity][] = Array.from({ length: 1_200 }, (_, i) => [`bob to cid ${i}`, cid]);
    await store.append(lines(bob, 2_000_000, many, 3));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the lines both ways with that nick (any case), oldest first, opened and marked as history', async () => {
    const found = await privateHistory(store, ann, 'bob', 50);
    expect(found.map((v) => [v.from, v.to, v.text, v.own])).toEqual([
      ['ann', 'Bob', 'hi bob', true],
      ['Bob', 'ann', 'hi ann', false],
      ['ann', 'Bob', 'still there?', true],
    ]);
    expect(found.every((v) => v.history === true && v.room === null)).toBe(true);
    expect((await privateHistory(store, ann, 'CID', 50)).map((v) => v.text)).toEqual(['cid to ann', 'hi cid']);
  });

  it('gives the newest `count`, and reads back no further than `scan` private lines', async () => {
    expect((await privateHistory(store, ann, 'bob', 2)).map((v) => v.text)).toEqual(['hi ann', 'still there?']);
    expect(await privateHistory(store, ann, 'bob', 50, 1_000)).toEqual([]);
  });

  it('gives each of the two their side of it, and nothing with someone never written to', async () => {
    expect((await privateHistory(store, cid, 'bob', 5)).map((v) => v.text)).toEqual(['bob to cid 1195', 'bob to cid 1196', 'bob to cid 1197', 'bob to cid 1198', 'bob to cid 1199']);
    expect((await privateHistory(store, cid, 'ann', 50)).map((v) => v.text)).toEqual(['cid to ann', 'hi cid']);
    expect(await privateHistory(store, ann, 'nobody', 50)).toEqual([]);
  });
});
