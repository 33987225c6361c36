import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { Relay } from '../../src/relay/relay.js';
import { serve, WireClient } from '../helpers/wire-client.js';

// A node's relay and its own member, which dials it over loopback a moment after it opens: a member whose
// hello comes first must still find the relay's own user in its welcome (the names line is made from it).
describe('a new relay welcomes others once its own user is in', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0).reverse()) await clean();
  });

  async function relayOf(ownMemberFirstMs?: number): Promise<{ relay: Relay; port: number; self: ReturnType<typeof ephemeralIdentity> }> {
    const self = ephemeralIdentity();
    const relay = new Relay({
      nodeId: self.nodeId,
      nick: 'hal',
      network: 'test',
      awaitOwnMember: true,
      ...(ownMemberFirstMs === undefined ? {} : { limits: { ownMemberFirstMs } }),
    });
    const { server, port }: { server: Server; port: number } = await serve((conn) => relay.accept(conn));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    cleanups.push(() => relay.stop());
    return { relay, port, self };
  }

  const client = async (port: number, who = ephemeralIdentity()): Promise<WireClient> => {
    const c = await WireClient.connect(port, who);
    cleanups.push(() => c.conn.close());
    return c;
  };
  const rosterOf = async (c: WireClient): Promise<string[]> =>
    ((await c.next('welcome')).frame.welcome.roster?.peers ?? []).map((p) => p.nick ?? '').sort();

  it('a member whose hello comes before the relay’s own: welcomed after it, with it in the roster', async () => {
    const { port, self } = await relayOf(60_000);
    const bob = await client(port);
    bob.hello('bob');
    const cat = await client(port);
    cat.hello('cat');
    // Held: no welcome yet while the relay's own member is not in.
    await expect(bob.next('welcome', () => true, 300)).rejects.toThrow();
    const hal = await client(port, self);
    hal.hello('hal');
    expect(await rosterOf(hal)).toEqual(['hal']);
    expect(await rosterOf(bob)).toEqual(['bob', 'hal']);
    // In the order they came: cat after bob.
    expect(await rosterOf(cat)).toEqual(['bob', 'cat', 'hal']);
  });

  it('a relay whose own member never comes welcomes the others after ownMemberFirstMs', async () => {
    const { port } = await relayOf(200);
    const bob = await client(port);
    bob.hello('bob');
    expect(await rosterOf(bob)).toEqual(['bob']);
  });

  it('a held member that sends anything but a heartbeat before its welcome is closed; one that goes is forgotten', async () => {
    const { port, self } = await relayOf(60_000);
    const eager = await client(port);
    eager.hello('eager');
    eager.conn.sendFrame({ heartbeat: { time: 1 } });
    eager.conn.sendFrame({ join: { room: '#x' } });
    await eager.closed;
    const gone = await client(port);
    gone.hello('gone');
    gone.conn.close();
    await gone.closed;
    const hal = await client(port, self);
    hal.hello('hal');
    expect(await rosterOf(hal)).toEqual(['hal']);
    const bob = await client(port);
    bob.hello('bob');
    expect(await rosterOf(bob)).toEqual(['bob', 'hal']);
  });
});
