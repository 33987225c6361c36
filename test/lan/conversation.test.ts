import { describe, expect, it } from 'vitest';
import { lanForSuite, lanTestsRunnable } from '../helpers/lan.js';
import type { LanchatProcess } from '../helpers/lanchat-process.js';

const relayOf = (n: LanchatProcess): string | undefined => (n.all('role').at(-1)?.relay as { id: string } | undefined)?.id;

/** Waits, event by event, until the relay `node` follows now satisfies `wanted`. */
async function followsRelay(node: LanchatProcess, wanted: (relayId: string | undefined) => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!wanted(relayOf(node))) await node.nextEvent(node.events.length, deadline - Date.now());
}

// Issue 17 on a LAN of network namespaces with mDNS: topics, actions, away and back, and a topic set on
// both sides of a partition that every node agrees on once it heals.
describe.runIf(lanTestsRunnable())('conversation on a LAN of network namespaces', () => {
  const lan = lanForSuite('lcv', 3);

  it('acts, goes away and back, and agrees on the latest topic after a partition heals', async () => {
    const nodes = ['ca', 'cb', 'cc'].map((name, i) => lan.start(i + 1, name));
    const [a, b, c] = nodes as [LanchatProcess, LanchatProcess, LanchatProcess];
    const ids = (await Promise.all(nodes.map((n) => n.waitFor('ready')))).map((r) => r.node as string);
    await Promise.all(nodes.map((n) => n.waitFor('role')));
    await Promise.all(nodes.map((n) => followsRelay(n, (r) => r !== undefined && r === relayOf(a))));

    a.send('/me waves');
    await Promise.all([b, c].map((n) => n.waitFor('message', (e) => e.text === 'waves' && e.action === true && e.from === 'ca', 15_000)));
    b.send('/away coffee');
    await Promise.all([a, c].map((n) => n.waitFor('presence', (e) => e.nick === 'cb' && e.state === 'away' && e.reason === 'coffee', 15_000)));
    b.send('/back');
    await Promise.all([a, c].map((n) => n.waitFor('presence', (e) => e.nick === 'cb' && e.state === 'back', 15_000)));

    lan.cut(3);
    try {
      await followsRelay(c, (r) => r === ids[2], 20_000);
      await Promise.all([a, b].map((n) => followsRelay(n, (r) => r !== undefined && r !== ids[2], 20_000)));
      c.send('/topic set on the lone side');
      await c.waitFor('topic', (e) => e.topic === 'set on the lone side');
      c.send('marker on the lone side');
      a.send('/topic set on the pair side');
      await b.waitFor('topic', (e) => e.topic === 'set on the pair side', 15_000);
      b.send('marker on the pair side');
      await a.waitForText('marker on the pair side', 15_000);
    } finally {
      lan.heal(3);
    }
    // The pair's topic was set later by the hybrid clock: it wins everywhere, the lone side's too.
    await c.waitFor('topic', (e) => e.topic === 'set on the pair side', 30_000);
    await c.waitForText('marker on the pair side', 30_000);
    // The lone side's topic came with its line: the pair holds it, and still shows its own.
    await Promise.all([a, b].map((n) => n.waitForText('marker on the lone side', 30_000)));
    for (const n of nodes) {
      const before = n.all('topic').length;
      n.send('/topic');
      await n.waitFor('topic', () => n.all('topic').length > before, 15_000);
      expect(n.all('topic').at(-1)).toMatchObject({ room: '#lobby', topic: 'set on the pair side', by: 'ca' });
    }
    expect(a.all('topic', (e) => e.topic === 'set on the lone side')).toHaveLength(0);
    expect(b.all('topic', (e) => e.topic === 'set on the lone side')).toHaveLength(0);
    await Promise.all(nodes.map((n) => n.quit()));
  });
});
