import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import type { MemberOptions } from '../../src/member/member.js';
import { Relay } from '../../src/relay/relay.js';
import type { Replica } from '../../src/sync/replica.js';
import { tempReplica } from './replica.js';
import { serve } from './wire-client.js';

/**
 * A real Relay with a history of its own on loopback for one describe block; `closers` are run after it
 * stops (the stores the block's tests opened).
 */
export function relayForSuite(closers: (() => Promise<void>)[]): { relay: () => Relay; port: () => number } {
  let relay: Relay;
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const made = await tempReplica();
    closers.push(made.close);
    relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test', replica: made.replica });
    ({ server, port } = await serve((conn) => relay.accept(conn)));
  });
  afterAll(async () => {
    relay.stop();
    await relay.stored();
    await new Promise((resolve) => server.close(resolve));
    for (const close of closers) await close();
  });
  return { relay: () => relay, port: () => port };
}

/** The options of a member of network "test" in #lobby that dials 127.0.0.1:`port`. */
export function loopbackMember(port: number, nick: string, replica: Replica, identity: Identity = ephemeralIdentity()): MemberOptions {
  return {
    replica,
    identity,
    network: 'test',
    nick,
    rooms: ['#lobby'],
    listenPort: 0,
    addresses: [],
    rank: { forced: false, weight: 0, startedAt: Date.now() },
    relay: { host: '127.0.0.1', port },
  };
}
