import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { Member } from '../../src/member/member.js';
import { Relay } from '../../src/relay/relay.js';
import type { StoredMessage } from '../../src/store/history-store.js';
import type { Replica } from '../../src/sync/replica.js';
import { authored } from '../helpers/authored.js';
import { loopbackMember } from '../helpers/loopback-relay.js';
import { tempReplica } from '../helpers/replica.js';
import { serve } from '../helpers/wire-client.js';

/** What LevelDB says when the disk is full. */
const diskFull = (): Error => Object.assign(new Error('IO error: No space left on device'), { code: 'ENOSPC' });

/**
 * Every append to `replica`'s store fails from now on, but for a node's own lines (`except`: its node
 * id), which still fit; `tried` resolves at the first attempt that fails.
 */
function fillDisk(replica: Replica, except?: string): { tried: Promise<void> } {
  let attempt!: () => void;
  const tried = new Promise<void>((resolve) => (attempt = resolve));
  const append = replica.store.append.bind(replica.store);
  replica.store.append = async (messages: readonly StoredMessage[]): Promise<StoredMessage[]> => {
    if (messages.every((m) => m.origin === except)) return append(messages);
    attempt();
    throw diskFull();
  };
  return { tried };
}

// A real Relay and real Members with their own LevelDB on loopback; one side's disk is full.
describe('a full disk during a sync', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  const replica = async (): Promise<Replica> => {
    const made = await tempReplica();
    cleanups.push(made.close);
    return made.replica;
  };
  const relayOn = async (held: Replica): Promise<number> => {
    const relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test', replica: held });
    const { server, port }: { server: Server; port: number } = await serve((conn) => relay.accept(conn));
    cleanups.push(async () => {
      relay.stop();
      await relay.stored();
      await new Promise((resolve) => server.close(resolve));
    });
    return port;
  };
  const member = (port: number, nick: string, held: Replica, identity = ephemeralIdentity()): Member => {
    const m = new Member(loopbackMember(port, nick, held, identity));
    cleanups.push(() => m.stop());
    return m;
  };
  const connected = (m: Member): Promise<void> => new Promise((resolve) => m.once('connected', () => resolve()));

  it('is STORE_FAILED at the member whose disk is full, not a forgery, and the member stays on', async () => {
    const relayHeld = await replica();
    await relayHeld.ingest(authored(ephemeralIdentity(), 'test', 1_200));
    const port = await relayOn(relayHeld);
    const mine = await replica();
    const me = ephemeralIdentity();
    // Full for what the sync brings; the line it writes below still fits.
    fillDisk(mine, me.nodeIdHex);
    const full = member(port, 'full', mine, me);
    const problems: { code: string; cause?: string; what?: string }[] = [];
    const reported = new Promise<void>((resolve) => full.on('problem', (p) => (problems.push(p), resolve())));
    full.on('disconnected', () => problems.push({ code: 'DISCONNECTED' }));
    const up = connected(full);
    full.start();
    await up;
    await reported;
    // A line there and back through the relay: whatever the failed round left in flight is done by then.
    const reader = member(port, 'reader', await replica());
    const readerUp = connected(reader);
    reader.start();
    await readerUp;
    const heard = new Promise<void>((resolve) => reader.on('message', (m) => m.text === 'still here' && resolve()));
    full.say('still here');
    await heard;
    expect(problems.map((p) => p.code)).toEqual(['STORE_FAILED']);
    expect(problems[0]).toMatchObject({ what: 'received', cause: 'IO error: No space left on device' });
    expect(full.isConnected).toBe(true);
  });

  it('costs the member nothing when the relay is the one whose disk is full', async () => {
    const relayHeld = await replica();
    const { tried } = fillDisk(relayHeld);
    const port = await relayOn(relayHeld);
    // A member back with lines the relay lacks: the relay asks for them, and cannot store them.
    const mine = await replica();
    await mine.ingest(authored(ephemeralIdentity(), 'test', 40));
    const back = member(port, 'back', mine);
    const events: string[] = [];
    back.on('disconnected', () => events.push('disconnected'));
    back.on('problem', (p) => events.push(p.code));
    const up = connected(back);
    back.start();
    await up;
    await tried;
    const reader = member(port, 'reader', await replica());
    const readerUp = connected(reader);
    reader.start();
    await readerUp;
    const heard = new Promise<void>((resolve) => reader.on('message', (m) => m.text === 'after the failure' && resolve()));
    const dropped = new Promise<void>((resolve) => back.once('disconnected', () => resolve()));
    back.say('after the failure');
    await Promise.race([heard, dropped]);
    expect(events).toEqual([]);
    expect(back.isConnected).toBe(true);
  });
});
