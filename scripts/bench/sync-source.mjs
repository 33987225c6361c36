/**
 * The other node of bench:store's sync case, in its own process as on a real LAN: it opens a history
 * (`argv[2]`), listens on 127.0.0.1 on a free port, prints `{"port":N}`, and answers sync requests
 * with SyncLink. When its stdin ends it prints `{"batchForMs":T,"cpuMs":C}` (time spent reading batches, CPU time of the process from the first connection) and exits.
 */
import { listen } from '../../dist/net/listener.js';
import { LevelHistoryStore } from '../../dist/store/level-store.js';
import { Replica } from '../../dist/sync/replica.js';
import { SyncLink } from '../../dist/sync/sync-link.js';

const [, , location, network] = process.argv;
const store = await LevelHistoryStore.open(location);
const replica = new Replica(store, network);
let batchForMs = 0;
/** CPU time from the first connection on: what serving the sync cost, not opening the store. */
let cpuAtConnect;
const batchFor = replica.batchFor.bind(replica);
replica.batchFor = async (theirs) => {
  const t0 = performance.now();
  try {
    return await batchFor(theirs);
  } finally {
    batchForMs += performance.now() - t0;
  }
};
const { server, port } = await listen(
  0,
  (conn) => {
    cpuAtConnect ??= process.cpuUsage();
    const link = new SyncLink(conn, replica);
    conn.on('frame', (frame) => link.handle(frame));
  },
  { heartbeatMs: 0 },
  '127.0.0.1',
);
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  server.close();
  await store.close();
  const { user, system } = process.cpuUsage(cpuAtConnect);
  process.stdout.write(`${JSON.stringify({ batchForMs, cpuMs: (user + system) / 1000 })}\n`);
  process.exit(0);
});
