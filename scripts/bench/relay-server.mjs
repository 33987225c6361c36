/**
 * The relay under test, alone in its own process so it has a core to itself: the real lanchat Relay
 * from dist/, fed by the real Connection class, listening on 127.0.0.1 on a free port.
 *
 * dist/net/listener.js `listen()` binds every interface and takes no host, and the benchmark must keep
 * all traffic on loopback; so this does what `listen()` does (a net server whose sockets are wrapped in
 * `new Connection(socket)`) with the host pinned to 127.0.0.1. The per-connection code path is the same.
 *
 * Talks to the benchmark over child_process IPC: sends {type:'ready', port} once listening, answers
 * {type:'stats', id} with its CPU time, RSS and session count, exits on {type:'stop'}, SIGTERM or when
 * the parent goes away. Exiting through process.exit() lets `node --cpu-prof` write its profile.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Connection } from '../../dist/net/connection.js';
import { Relay } from '../../dist/relay/relay.js';
import { serveStats } from './relay-ipc.mjs';

const relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'bench' });
const server = createServer((socket) => relay.accept(new Connection(socket)));
server.listen(0, '127.0.0.1', () => serveStats(server.address().port, () => relay.sessionCount));
