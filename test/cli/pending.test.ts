import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../helpers/lanchat-process.js';
import { freePort } from '../helpers/free-port.js';

describe('a line typed before any relay is up (issue 16 item 9)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('is shown pending, then delivered once the relay holds it, and reaches the others once, after the join', async () => {
    const port = await freePort();
    // bob is told where the relay will be; nothing listens there yet (--connect keeps dialing it).
    const bob = cluster.start('bob', ['--connect', `127.0.0.1:${port}`]);
    await bob.waitFor('ready');
    bob.send('typed before the relay');
    const typed = await bob.waitForText('typed before the relay');
    expect(typed).toMatchObject({ own: true, pending: true });
    expect(bob.all('delivered')).toEqual([]);

    const { proc: hub } = await cluster.relay('hub', ['--port', String(port)]);
    const delivered = await bob.waitFor('delivered', (e) => e.id === typed.id, 10_000);
    expect(delivered).toEqual({ event: 'delivered', id: typed.id });
    // The relay's own user hears the line once, after bob's arrival.
    const heard = await hub.waitForText('typed before the relay');
    expect(heard).toMatchObject({ id: typed.id, from: 'bob', own: false });
    expect(heard.pending).toBeUndefined();
    const joined = hub.events.findIndex((e) => e.event === 'presence' && e.nick === 'bob' && e.state === 'joined');
    expect(joined).toBeGreaterThanOrEqual(0);
    expect(joined).toBeLessThan(hub.events.indexOf(heard));

    // A line bob types now, with the relay there, is not pending; after it, the first is still heard once.
    bob.send('typed with the relay');
    expect((await bob.waitForText('typed with the relay')).pending).toBeUndefined();
    await hub.waitForText('typed with the relay');
    expect(hub.messages('typed before the relay')).toHaveLength(1);
    expect(bob.all('delivered')).toHaveLength(1);
  });
});
