import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../helpers/lanchat-process.js';

describe('nick pinning (real processes on loopback)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('warns when a nick seen before comes back with another key, and not for the same node coming back', async () => {
    const relay = await cluster.relay('keeper');
    const bob = await cluster.member('bob', relay.port);
    await relay.proc.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'joined');
    await bob.quit();
    const again = await cluster.member('bob', relay.port);
    await relay.proc.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'joined' && relay.proc.all('presence', (p) => p.nick === 'bob' && p.state === 'joined').length === 2);
    expect(relay.proc.all('notice', (e) => e.code === 'NICK_KEY_CHANGED')).toEqual([]);
    await again.quit();

    // Another data folder: another identity key, the same nick.
    await cluster.member('impostor', relay.port, ['--name', 'bob']);
    const warning = await relay.proc.waitFor('notice', (e) => e.code === 'NICK_KEY_CHANGED');
    expect(warning.text).toMatch(/^warning: bob now comes with another key/);
  });
});
