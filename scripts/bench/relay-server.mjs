/**
 * The relay under test, alone in its own process so it has a core to itself: the real lanchat Relay
 * from dist/, fed by the real Connection class through the real listener, on 127.0.0.1 on a free port;
 * with a passphrase argument, behind the room secret's TLS as a node with a secret runs it.
 *
 * Talks to the benchmark over child_process IPC: sends {type:'ready', port} once listening, answers
 * {type:'stats', id} with its CPU time, RSS and session count, exits on {type:'stop'}, SIGTERM or when
 * the parent goes away. Exiting through process.exit() lets `node --cpu-prof` write its profile.
 */
import { ephemeralIdentity } from '../../dist/identity/identity.js';
import { listen } from '../../dist/net/listener.js';
import { deriveSecret } from '../../dist/net/secret.js';
import { Relay } from '../../dist/relay/relay.js';
import { serveStats } from './relay-ipc.mjs';

// argv[2]: the room secret's passphrase, if any: then every link is TLS and every hello proven.
const passphrase = process.argv[2];
const secret = passphrase === undefined ? undefined : await deriveSecret(passphrase, 'bench');
const identity = ephemeralIdentity();
const relay = new Relay({ nodeId: identity.nodeId, identity, nick: 'relay', network: 'bench' });
const { port } = await listen(0, (conn) => relay.accept(conn), secret === undefined ? {} : { secret }, '127.0.0.1');
serveStats(port, () => relay.sessionCount);
