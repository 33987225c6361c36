/**
 * The IPC side shared by both relays under test (lanchat and raw), so the benchmark talks to them the
 * same way: announce the port, answer stats requests, and exit cleanly when told to or orphaned.
 */

/** Starts answering the parent. `connections` counts the members the relay has admitted. */
export function serveStats(port, connections) {
  process.send({ type: 'ready', port });
  process.on('message', (msg) => {
    if (msg.type === 'stats') {
      const cpu = process.cpuUsage();
      process.send({
        type: 'stats',
        id: msg.id,
        connections: connections(),
        cpuUs: cpu.user + cpu.system,
        wallUs: performance.now() * 1000,
        rssBytes: process.memoryUsage.rss(),
      });
    } else if (msg.type === 'stop') {
      process.exit(0);
    }
  });
  // Never outlive the benchmark: a lost parent, or a kill, ends this process.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}
