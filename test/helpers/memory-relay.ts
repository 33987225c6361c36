import { type Dial, Member, type RelayAddress } from '../../src/member/member.js';
import type { Reconnect } from '../../src/net/link-policy.js';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import type { Replica } from '../../src/sync/replica.js';
import { tempReplica } from './replica.js';
import type { Connection } from '../../src/net/connection.js';
import type { DialOptions } from '../../src/net/dial.js';
import type { Identity } from '../../src/identity/identity.js';
import { encodeFrame } from '../../src/wire/codec.js';
import { PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { memoryDial } from '../fuzz/memory-dial.js';
import { memoryConnection, memoryPair } from '../fuzz/memory-socket.js';

/**
 * A stand-in relay in memory for a Member (its `dial` option): every dial, to any address, reaches it, and
 * every hello is welcomed. It records where the member dialed and with what options.
 */
export class MemoryRelay {
  readonly dials: { target: RelayAddress; options: DialOptions }[] = [];
  /** The relay's end of the latest link. */
  conn: Connection | undefined;
  readonly dial: Dial;

  constructor(relay: Identity, nick = 'relay') {
    const welcome = encodeFrame({
      welcome: { protocolVersion: PROTOCOL_VERSION, relayId: relay.nodeId, relayNick: nick, nick: 'member', rooms: ['#lobby'], roster: { peers: [] }, epoch: 1 },
    });
    const answer = memoryDial((options) => {
      const [memberEnd, relayEnd] = memoryPair();
      const conn = memoryConnection(relayEnd);
      conn.on('frame', (frame) => {
        if (frame.kind === 'hello') conn.send(welcome);
      });
      this.conn = conn;
      return memoryConnection(memberEnd, options);
    });
    this.dial = (host, port, options = {}) => {
      this.dials.push({ target: { host, port }, options });
      return answer(host, port, options);
    };
  }
}

/**
 * A Member dialing `relay` (in memory), started and welcomed; `stop` stops it and closes its store. Its
 * first target is `target` (the relay answers any address).
 */
export async function connectedMember(
  relay: MemoryRelay,
  { target = { host: '10.0.0.1', port: 1 }, reconnect }: { target?: RelayAddress; reconnect?: Reconnect } = {},
): Promise<{ member: Member; replica: Replica; stop: () => Promise<void> }> {
  const { replica, close } = await tempReplica();
  const member = new Member({
    identity: ephemeralIdentity(),
    network: 'test',
    nick: 'member',
    rooms: ['#lobby'],
    listenPort: 0,
    addresses: [],
    rank: { forced: false, weight: 0, startedAt: 1 },
    relay: target,
    replica,
    heartbeatMs: 0,
    dial: relay.dial,
    ...(reconnect === undefined ? {} : { reconnect }),
  });
  const welcomed = new Promise((resolve) => member.once('connected', resolve));
  member.start();
  await welcomed;
  return {
    member,
    replica,
    stop: async () => {
      await member.stop('quit', 0);
      await close();
    },
  };
}
