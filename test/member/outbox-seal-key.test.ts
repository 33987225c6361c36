import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { provenSealKey } from '../../src/identity/node-keys.js';
import { Outbox } from '../../src/member/outbox.js';
import { StoreQueue } from '../../src/member/store-queue.js';
import type { Replica } from '../../src/sync/replica.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { tempReplica } from '../helpers/replica.js';

const identity = ephemeralIdentity();

/** Which of this node's own lines carry its seal key (issue 17 item 8): the first after each start, and seq 1. */
describe('the seal key on own lines', () => {
  let replica: Replica;
  let close: () => Promise<void>;
  let queue: StoreQueue;
  let failures: number;
  let time = 1_700_000_000_000;

  beforeEach(async () => {
    ({ replica, close } = await tempReplica('net'));
    const appendOwn = replica.appendOwn.bind(replica);
    failures = 0;
    replica.appendOwn = async (encoded) => {
      if (failures-- > 0) throw new Error('No space left on device');
      return appendOwn(encoded);
    };
    queue = new StoreQueue();
  });
  afterEach(() => close());

  /** An outbox as a node builds one at start: its chain goes on from the store's head. */
  const start = async (): Promise<Outbox> => {
    const head = await replica.head(identity.nodeIdHex);
    return new Outbox({
      identity,
      network: 'net',
      replica,
      queue,
      ...head,
      tick: () => ({ time: ++time, counter: 0 }),
      route: () => undefined,
      connection: () => undefined,
      written: () => undefined,
      show: () => undefined,
      delivered: () => undefined,
      problem: () => undefined,
    });
  };
  const write = async (outbox: Outbox, text: string): Promise<void> => {
    outbox.write({ room: '#lobby', text }, 'ann');
    await new Promise((resolve) => setImmediate(resolve));
    await queue.idle();
  };
  /** For each stored line, in seq order: whether it carries this node's key, proven by its signature. */
  const carried = async (): Promise<boolean[]> => {
    const chain = (await replica.store.since(identity.nodeIdHex, 0, 100)).map(decodeStored);
    return chain.map((m) => {
      if (m.sealKey === undefined) return false;
      return provenSealKey(identity.nodeId, { publicKey: m.authorKey, sealKey: m.sealKey, sealKeySignature: m.sealKeySignature })?.equals(identity.sealKeyRaw) === true;
    });
  };

  it('is on the first line after each start, not on the others', async () => {
    const first = await start();
    await write(first, 'one');
    await write(first, 'two');
    await write(first, 'three');
    expect(await carried()).toEqual([true, false, false]);
    const restarted = await start();
    await write(restarted, 'four');
    await write(restarted, 'five');
    expect(await carried()).toEqual([true, false, false, true, false]);
  });

  it('is on the next line when the line that carried it could not be stored', async () => {
    await write(await start(), 'one');
    // Restarted: its first line (seq 2) carries the key, and is lost; seq 2 is given back.
    const outbox = await start();
    failures = 1;
    await write(outbox, 'lost');
    await write(outbox, 'two');
    await write(outbox, 'three');
    expect(await carried()).toEqual([true, true, false]);
  });
});
