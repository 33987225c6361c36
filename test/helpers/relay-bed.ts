import type { Server } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { Relay } from '../../src/relay/relay.js';
import type { Replica, ReplicaOptions } from '../../src/sync/replica.js';
import type { Limits } from '../../src/wire/limits.js';
import { tempReplica } from './replica.js';
import { serve, WireClient } from './wire-client.js';

/**
 * A relay with a real LevelDB store on loopback for one describe block (set up before, stopped after), and
 * the wire clients its tests open (closed after). `replicaOptions` and `limits` set its bounds.
 */
export function relayForSuite(network: string, replicaOptions: ReplicaOptions = {}, limits: Partial<Limits> = {}) {
  let relay: Relay;
  let server: Server;
  let port: number;
  let replica: Replica;
  let closeReplica: () => Promise<void>;
  const clients: WireClient[] = [];
  const own = ephemeralIdentity();
  beforeAll(async () => {
    ({ replica, close: closeReplica } = await tempReplica(network, { own: own.nodeIdHex, ...replicaOptions }));
    relay = new Relay({ nodeId: own.nodeId, identity: own, nick: 'relay', network, replica, limits });
    ({ server, port } = await serve((conn) => relay.accept(conn)));
  });
  afterAll(async () => {
    relay.stop();
    for (const c of clients) c.conn.close();
    await relay.stored();
    await new Promise((resolve) => server.close(resolve));
    await closeReplica();
  });
  /** A member with its own key, welcomed. */
  const join = async (nick: string, identity: Identity = ephemeralIdentity()): Promise<WireClient> => {
    const client = await WireClient.connect(port, identity);
    clients.push(client);
    client.hello(nick, ['#lobby'], network);
    await client.next('welcome');
    return client;
  };
  return { relay: () => relay, port: () => port, replica: () => replica, own, clients, join };
}
