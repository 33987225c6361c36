import type { RelayInfo } from '../chat/views.js';
import { isLoopback } from '../net/address.js';
import type { Connection } from '../net/connection.js';
import type { Relay } from '../relay/relay.js';
import type { Frame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import { challengeHello } from './hello-challenge.js';
import type { lanchat } from '../wire/protobuf.js';

/** What an inbound link's first frame is routed by, read when it arrives. */
export interface InboundRoutes {
  /** This node's id: its own member's hello, over loopback, is never throttled; a challenge names it. */
  nodeId: Buffer;
  network: string;
  stopping: () => boolean;
  /** This node's relay, while it has the role. */
  relay: () => Relay | undefined;
  /** The relay this node's member is attached to, if it is a member of one: a caller is pointed there. */
  memberOf: () => RelayInfo | undefined;
  /** Another relay's probe: answered and read (relay-probes.ts). */
  probe: (conn: Connection, probe: lanchat.Probe.$Properties) => void;
}

/** An inbound connection has helloTimeoutMs (wire/limits.ts) to say what it is; its first frame decides who takes it. */
export function routeInbound(conn: Connection, routes: InboundRoutes): void {
  if (routes.stopping()) {
    conn.close();
    return;
  }
  const timer = setTimeout(() => conn.close('HELLO_TIMEOUT', 'no hello within the time limit'), DEFAULT_LIMITS.helloTimeoutMs);
  timer.unref();
  conn.once('close', () => clearTimeout(timer));
  conn.once('frame', (frame) => {
    clearTimeout(timer);
    onFirstFrame(conn, frame, routes);
  });
}

function onFirstFrame(conn: Connection, frame: Frame, routes: InboundRoutes): void {
  if (frame.kind === 'probe') {
    routes.probe(conn, frame.probe);
    return;
  }
  const relay = routes.relay();
  if (relay !== undefined) {
    if (frame.kind === 'hello' && conn.proofMaterial() === undefined) {
      // An open network: the node proves its id first (hello-challenge.ts). The relay may have handed
      // over in the meantime: then the hello is answered as any node's would be.
      challengeHello(conn, frame.hello, { network: routes.network, nodeId: routes.nodeId }, (proven) => onFirstFrame(conn, proven, routes));
      return;
    }
    // The relay's own user is trusted with any rate: its member is this process.
    if (isOwnMember(conn, frame, routes.nodeId)) conn.unthrottle();
    relay.accept(conn, frame);
    return;
  }
  // A member dialed by mistake points the caller at its relay (--connect works against any node).
  const memberOf = routes.memberOf();
  if (frame.kind === 'hello' && memberOf !== undefined) {
    conn.sendFrame({ redirect: { relayId: Buffer.from(memberOf.id, 'hex'), host: memberOf.host, port: memberOf.port } });
    conn.close();
  } else {
    conn.close('NOT_RELAY', 'this node is not the relay and does not know one yet');
  }
}

function isOwnMember(conn: Connection, frame: Frame, nodeId: Buffer): boolean {
  return frame.kind === 'hello' && isLoopback(conn.remoteAddress) && nodeId.equals(frame.hello.nodeId ?? EMPTY);
}

const EMPTY = Buffer.alloc(0);
