import type { Dial, RelayAddress } from '../../src/member/member.js';
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
