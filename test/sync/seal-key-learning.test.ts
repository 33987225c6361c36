import { randomBytes, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity, type Identity, SEAL_KEY_DOMAIN } from '../../src/identity/identity.js';
import { SealKeyBook } from '../../src/identity/seal-keys.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { keyCandidates, learnSealKeys } from '../../src/sync/seal-key-learning.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';
import { tempReplica } from '../helpers/replica.js';

const NETWORK = 'test';
const T0 = 1_700_000_000_000;

/** Seal-key fields as a line carries them: `of`'s own by default. */
type KeyFields = { sealKey?: Uint8Array; sealKeySignature?: Uint8Array };
const own = (of: Identity): KeyFields => ({ sealKey: of.sealKeyRaw, sealKeySignature: of.sealKeySignature });

/** `author`'s chained room lines, seq 1 on, one per entry of `keys` (undefined: a line without a key). */
function lines(author: Identity, keys: (KeyFields | undefined)[], { nick = 'alice', time = T0 } = {}): Buffer[] {
  const out: Buffer[] = [];
  let prev: Buffer | undefined;
  keys.forEach((fields, i) => {
    const bytes = signMessage({ origin: author.nodeId, seq: i + 1, time: time + i, counter: 0, nick, room: '#lobby', text: `line ${i + 1}`, prev, ...fields }, author, NETWORK);
    out.push(bytes);
    prev = messageHash(bytes);
  });
  return out;
}

const decoded = (bytes: Buffer[]) => bytes.map((b) => decodeStored(b));

describe('learning seal keys from history', () => {
  const alice = ephemeralIdentity();
  const mallory = ephemeralIdentity();
  const closes: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closes.splice(0)) await close();
  });

  /** A replica on LevelDB that learns into `book`, as a node's does (node/open.ts). */
  async function learningReplica(book: SealKeyBook, self?: string) {
    const learn = async (messages: readonly Parameters<typeof learnSealKeys>[0][number][]): Promise<void> => {
      await learnSealKeys(messages, book, self === undefined ? {} : { self });
    };
    const { replica, close } = await tempReplica(NETWORK, { learn });
    closes.push(close);
    return replica;
  }

  it('records a proven key, with the nick and clock of the line, when a replica stores it', async () => {
    const book = new SealKeyBook();
    const replica = await learningReplica(book);
    const result = await replica.ingest(lines(alice, [own(alice), undefined]));
    expect(result.fresh).toHaveLength(2);
    expect(book.get(alice.nodeIdHex)).toEqual({ nodeId: alice.nodeIdHex, nick: 'alice', sealKey: alice.sealKeyRaw, at: T0 });
    expect(book.byNick('alice')).toMatchObject({ sealKey: alice.sealKeyRaw });
  });

  it('records nothing from a line whose key its author did not sign', async () => {
    const book = new SealKeyBook();
    const replica = await learningReplica(book);
    // Mallory's line naming alice's key with alice's signature: the signature is not by mallory's key.
    const borrowed = await replica.ingest(lines(mallory, [own(alice)], { nick: 'mallory' }));
    expect(borrowed.fresh).toHaveLength(1); // an authentic line all the same
    // Another author's own key with a random signature.
    const eve = ephemeralIdentity();
    const forged = await replica.ingest(lines(eve, [{ sealKey: eve.sealKeyRaw, sealKeySignature: randomBytes(64) }], { nick: 'eve' }));
    expect(forged.fresh).toHaveLength(1);
    expect(book.get(mallory.nodeIdHex)).toBeUndefined();
    expect(book.get(eve.nodeIdHex)).toBeUndefined();
    expect(book.size).toBe(0);
  });

  it('refuses a line whose key fields are malformed, like any malformed line, and learns nothing', async () => {
    const book = new SealKeyBook();
    const replica = await learningReplica(book);
    const result = await replica.ingest(lines(alice, [{ sealKey: alice.sealKeyRaw.subarray(0, 31), sealKeySignature: alice.sealKeySignature }]));
    expect(result.fresh).toHaveLength(0);
    expect(result.dropped?.[0]?.reason).toMatch(/^sealKey:/);
    expect(replica.droppedCount).toBe(1);
    expect(book.size).toBe(0);
  });

  it('checks no signature for the key already held: a newer line only updates the nick', async () => {
    const book = new SealKeyBook();
    book.see(alice.nodeIdHex, 'alice', alice.sealKeyRaw, T0);
    // The same key with a signature that proves nothing: taken without a check (it is the key held).
    const later = decoded(lines(alice, [undefined, { sealKey: alice.sealKeyRaw, sealKeySignature: Buffer.alloc(64) }], { nick: 'ally', time: T0 + 10 }));
    expect(keyCandidates(later, (o) => book.get(o))).toMatchObject([{ origin: alice.nodeIdHex, nick: 'ally', check: false }]);
    expect(await learnSealKeys(later, book)).toBe(true);
    expect(book.get(alice.nodeIdHex)).toMatchObject({ nick: 'ally', sealKey: alice.sealKeyRaw, at: T0 + 11 });
    // Another key with that same signature is checked, and fails.
    const other = decoded(lines(alice, [{ sealKey: mallory.sealKeyRaw, sealKeySignature: Buffer.alloc(64) }], { time: T0 + 50 }));
    expect(keyCandidates(other, (o) => book.get(o))).toMatchObject([{ check: true }]);
    expect(await learnSealKeys(other, book)).toBe(false);
    expect(book.get(alice.nodeIdHex)?.sealKey).toEqual(alice.sealKeyRaw);
  });

  it('considers one line per author and batch, the newest, and none older than what is held', () => {
    // A member putting a different key on every line: one candidate, one check, however many lines.
    const batch = decoded(lines(mallory, Array.from({ length: 200 }, () => ({ sealKey: randomBytes(32), sealKeySignature: randomBytes(64) }))));
    const candidates = keyCandidates(batch, () => undefined);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]!.at).toBe(T0 + 199);
    // Held from a sighting newer than every line: no candidate at all.
    expect(keyCandidates(batch, () => ({ sealKey: Buffer.alloc(32), at: T0 + 199 }))).toEqual([]);
    // This node's own lines teach it nothing.
    expect(keyCandidates(decoded(lines(alice, [own(alice)])), () => undefined, alice.nodeIdHex)).toEqual([]);
  });

  it('keeps the newest of two proven keys by the clock, whatever order the lines come in', async () => {
    // Both signed by alice's own key, so either is hers: the later line's wins, on every node alike.
    const otherKey = ephemeralIdentity().sealKeyRaw;
    const signedOther = { sealKey: otherKey, sealKeySignature: sign(null, Buffer.concat([Buffer.from(SEAL_KEY_DOMAIN), otherKey]), alice.privateKey) };
    const history = decoded(lines(alice, [own(alice), undefined, signedOther]));
    for (const order of [history, [...history].reverse()]) {
      const book = new SealKeyBook();
      for (const m of order) await learnSealKeys([m], book);
      expect(book.get(alice.nodeIdHex)).toMatchObject({ sealKey: otherKey, at: T0 + 2 });
    }
  });

  it('gives the event loop a turn between signature checks of many authors', async () => {
    const authors = Array.from({ length: 4 }, () => ephemeralIdentity());
    const batch = authors.flatMap((a) => decoded(lines(a, [own(a)])));
    const run = async (sliceChecks: number): Promise<{ turned: boolean; learned: number }> => {
      const book = new SealKeyBook();
      let turned = false;
      setImmediate(() => (turned = true));
      await learnSealKeys(batch, book, { sliceChecks });
      return { turned, learned: book.size };
    };
    expect(await run(100)).toEqual({ turned: false, learned: 4 });
    expect(await run(2)).toEqual({ turned: true, learned: 4 });
  });
});
