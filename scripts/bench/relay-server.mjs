/**
 * The relay under test, alone in its own process so it has a core to itself: the real lanchat Relay
 * from dist/, fed by the real Connection class through the real listener, on 127.0.0.1 on a free port.
 *
 * Talks to the benchmark over child_process IPC: sends {type:'ready', port} once listening, answers
 * {type:'stats', id} with its CPU time, RSS and session count, exits on {type:'stop'}, SIGTERM or when
 * the parent goes away. Exiting through process.exit() lets `node --cpu-prof` write its profile.
 */
import { randomBytes } from 'node:crypto';
import { listen } from '../../dist/net/listener.js';
import { Relay } from '../../dist/relay/relay.js';
import { serveStats } from './relay-ipc.mjs';

const relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'bench' });
const { port } = await listen(0, (conn) => relay.accept(conn), {}, '127.0.0.1');
serveStats(port, () => relay.sessionCount);
