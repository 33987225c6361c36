import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../helpers/lanchat-process.js';
import { freePort } from '../helpers/free-port.js';

describe('a --host relay restarted (no mDNS)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('finding 7b: the member that took over merges back into it, and newcomers are not split from anyone', async () => {
    const port = await freePort();
    const hostArgs = ['--port', String(port)];
    const first = await cluster.relay('hub', hostArgs);
    const hubNode = (await first.proc.waitFor('ready')).node as string;
    const alice = await cluster.member('alice', port);

    await first.proc.kill('SIGKILL');
    await alice.waitFor('role', (e) => e.role === 'relay');

    // The same node (same data folder) starts again with --host: it leads on its own.
    const again = cluster.start('hub', ['--host', ...hostArgs]);
    await again.waitFor('role', (e) => e.role === 'relay');
    // alice probes the address where her relay was and steps down for it: one line, a hand-over.
    await alice.waitFor('notice', (e) => e.code === 'RELAY_CHANGED' && e.text === 'relay handed over to hub', 10_000);
    await alice.waitFor('role', (e) => e.role === 'member' && (e.relay as { id: string }).id === hubNode, 10_000);

    // A newcomer of the hub hears alice, and alice hears it.
    const carol = await cluster.member('carol', port);
    carol.send('carol after the restart');
    await alice.waitForText('carol after the restart');
    alice.send('alice hears carol');
    await carol.waitForText('alice hears carol');
    expect(alice.all('role', (e) => e.role === 'relay')).toHaveLength(1);
  });
});
