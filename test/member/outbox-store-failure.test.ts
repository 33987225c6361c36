import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/chat/views.js';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { Outbox } from '../../src/member/outbox.js';
import { StoreQueue } from '../../src/member/store-queue.js';
import type { Replica } from '../../src/sync/replica.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, verifyMessages } from '../../src/sync/signature.js';
import { tempReplica } from '../helpers/replica.js';

const identity = ephemeralIdentity();

describe('Outbox when a store fails', () => {
  let replica: Replica;
  let close: () => Promise<void>;
  let queue: StoreQueue;
  let problems: Problem[];
  let outbox: Outbox;
  /** The next appendOwn calls that fail (a full disk), counted down. */
  let failures: number;
  /** When set, a failing appendOwn fails only once the test opens this gate. */
  let gate: Promise<void> | undefined;
  let time: number;

  beforeEach(async () => {
    ({ replica, close } = await tempReplica('net'));
    const appendOwn = replica.appendOwn.bind(replica);
    failures = 0;
    gate = undefined;
    replica.appendOwn = async (encoded) => {
      if (failures-- <= 0) return appendOwn(encoded);
      await gate;
      throw new Error('No space left on device');
    };
    queue = new StoreQueue();
    problems = [];
    time = 1_700_000_000_000;
    outbox = new Outbox({
      identity,
      network: 'net',
      replica,
      queue,
      tick: () => ({ time: ++time, counter: 0 }),
      route: () => undefined,
      connection: () => undefined,
      written: () => undefined,
      show: () => undefined,
      delivered: () => undefined,
      problem: (p) => problems.push(p),
    });
  });
  afterEach(() => close());

  /** Lets the turn end (the outbox stores a turn's lines together) and the store queue drain. */
  const settle = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    await queue.idle();
  };

  it('gives back the seq and chain hash of a line it could not store: the next line takes them', async () => {
    outbox.write({ room: '#lobby', text: 'first' }, 'ann');
    await settle();
    failures = 1;
    outbox.write({ room: '#lobby', text: 'lost' }, 'ann');
    await settle();
    expect(problems.map((p) => p.code)).toEqual(['STORE_FAILED']);
    outbox.write({ room: '#lobby', text: 'after' }, 'ann');
    await settle();
    const chain = await replica.store.since(identity.nodeIdHex, 0, 10);
    expect(chain.map((b) => Buffer.from(b).includes('after'))).toEqual([false, true]);
    const [first, second] = chain.map(decodeStored);
    expect(second?.prev && Buffer.from(second.prev).equals(messageHash(first!.bytes))).toBe(true);
    expect(verifyMessages([first!, second!], 'net').refused).toEqual([]);
    expect(replica.vector.get(identity.nodeIdHex)).toBe(2);
  });

  it('drops the lines written after a failed one, chained onto it, and goes on from the given-back seq', async () => {
    failures = 1;
    let open = (): void => undefined;
    gate = new Promise((resolve) => (open = resolve));
    outbox.write({ room: '#lobby', text: 'lost' }, 'ann');
    // Written in the next turn, while 'lost' is being stored: chained onto it.
    await new Promise((resolve) => setImmediate(resolve));
    outbox.write({ room: '#lobby', text: 'chained' }, 'ann');
    await new Promise((resolve) => setImmediate(resolve));
    open();
    await settle();
    expect(problems.map((p) => p.code)).toEqual(['STORE_FAILED', 'STORE_FAILED']);
    outbox.write({ room: '#lobby', text: 'fresh' }, 'ann');
    await settle();
    const chain = await replica.store.since(identity.nodeIdHex, 0, 10);
    expect(chain).toHaveLength(1);
    expect(Buffer.from(chain[0]!).includes('fresh')).toBe(true);
    expect(replica.vector.get(identity.nodeIdHex)).toBe(1);
  });
});
