import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/relay/relay.js';
import { DEFAULT_LIMITS } from '../../src/wire/limits.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { serve, WireClient } from '../helpers/wire-client.js';

// The relay's handling of the ephemeral conversation frames (issue 17) from a member that does not play
// by the rules: typing only to the room's members, with the sender the relay knows, floods bounded.
describe('typing, away and whois at the relay', () => {
  let relay: Relay;
  let server: Server;
  let port: number;
  const clients: WireClient[] = [];
  const join = async (nick: string, rooms: string[]): Promise<WireClient> => {
    const client = await WireClient.join(port, nick, rooms);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test' });
    ({ server, port } = await serve((conn) => relay.accept(conn)));
  });
  afterAll(async () => {
    relay.stop();
    for (const c of clients) c.conn.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes typing to the room only, as from its real sender, and a flood of it as a trickle', async () => {
    const mallory = await join('mallory', ['#dev']);
    const dev = await join('devon', ['#dev']);
    const outside = await join('olga', ['#ops']);
    // A forged sender is replaced with the one the relay knows.
    mallory.conn.sendFrame({ typing: { room: '#dev', from: { nodeId: outside.nodeId, nick: 'olga' } } });
    const seen = (await dev.next('typing')).frame.typing;
    expect(Buffer.from(seen.from!.nodeId!).equals(mallory.nodeId)).toBe(true);
    expect(seen.from!.nick).toBe('mallory');
    expect(seen.room).toBe('#dev');
    // A room mallory is not in: nobody is told.
    mallory.conn.sendFrame({ typing: { room: '#ops' } });
    // A flood: a thousand more at once.
    for (let i = 0; i < 1_000; i++) mallory.conn.sendFrame({ typing: { room: '#dev' } });
    // What follows on the same connection comes after them: once it is through, the flood was handled.
    mallory.conn.sendFrame({ join: { room: '#marker' } });
    await dev.next('presence', (f) => f.presence.room === '#marker');
    expect(dev.received('typing').length).toBeLessThanOrEqual(3);
    expect(outside.received('typing')).toHaveLength(0);
    expect(mallory.received('typing')).toHaveLength(0);
  });

  it('passes a private typing notice to its recipient alone', async () => {
    const ann = await join('ann', ['#p']);
    const bea = await join('bea', ['#p']);
    const cid = await join('cid', ['#p']);
    ann.conn.sendFrame({ typing: { to: { nodeId: bea.nodeId, nick: 'bea' } } });
    const seen = (await bea.next('typing')).frame.typing;
    expect(seen.room ?? '').toBe('');
    expect(Buffer.from(seen.from!.nodeId!).equals(ann.nodeId)).toBe(true);
    ann.conn.sendFrame({ join: { room: '#marker2' } });
    await cid.next('presence', (f) => f.presence.room === '#marker2');
    expect(cid.received('typing')).toHaveLength(0);
  });

  it('keeps away in the roster, cuts its reason, tells everyone, and bounds the flips', async () => {
    const flip = await join('flip', ['#a']);
    const watcher = await join('watcher', ['#b']);
    flip.conn.sendFrame({ away: { away: true, reason: 'x'.repeat(5_000) } });
    const told = (await watcher.next('presence', (f) => f.presence.state === lanchat.Presence.State.AWAY)).frame.presence;
    expect(told.peer!.away!.reason).toHaveLength(DEFAULT_LIMITS.awayReasonChars);
    // A newcomer's roster has it.
    const late = await join('late', ['#c']);
    const roster = (await late.next('welcome')).frame.welcome.roster!.peers!;
    expect(roster.find((p) => p.nick === 'flip')!.away!.reason).toHaveLength(DEFAULT_LIMITS.awayReasonChars);
    // Flipping in a loop: at most awayChangesPerMinute changes are told.
    for (let i = 0; i < 200; i++) flip.conn.sendFrame({ away: { away: i % 2 === 1, reason: 'r' } });
    flip.conn.sendFrame({ join: { room: '#marker3' } });
    await watcher.next('presence', (f) => f.presence.room === '#marker3');
    const changes = watcher.received('presence').filter(
      (f) => f.kind === 'presence' && (f.presence.state === lanchat.Presence.State.AWAY || f.presence.state === lanchat.Presence.State.BACK),
    );
    expect(changes.length).toBeLessThanOrEqual(DEFAULT_LIMITS.awayChangesPerMinute);
  });

  it('answers whois with the idle time, only for questions, and at most whoisPerMinute', async () => {
    const before = Date.now();
    const target = await join('target', ['#w']);
    const joined = Date.now();
    const asker = await join('asker', ['#w']);
    asker.conn.sendFrame({ whois: { nodeId: target.nodeId } });
    const answer = (await asker.next('whois')).frame.whois;
    expect(answer).toMatchObject({ answered: true, found: true });
    // Online since it was admitted, not since someone first asked about it.
    expect(Number(answer.connectedAt)).toBeGreaterThanOrEqual(before);
    expect(Number(answer.connectedAt)).toBeLessThanOrEqual(joined);
    expect(Number(answer.idleMs)).toBeGreaterThanOrEqual(0);
    asker.conn.sendFrame({ whois: { nodeId: randomBytes(32) } });
    expect((await asker.next('whois', (f) => f.whois.found !== true)).frame.whois.answered).toBe(true);
    // An "answer" sent to the relay is no question; a flood of questions is answered whoisPerMinute times.
    asker.conn.sendFrame({ whois: { nodeId: target.nodeId, answered: true } });
    for (let i = 0; i < 100; i++) asker.conn.sendFrame({ whois: { nodeId: target.nodeId } });
    asker.conn.sendFrame({ join: { room: '#marker4' } });
    await target.next('presence', (f) => f.presence.room === '#marker4');
    await asker.next('presence', (f) => f.presence.room === '#marker4');
    expect(asker.received('whois').length).toBeLessThanOrEqual(DEFAULT_LIMITS.whoisPerMinute);
    expect(target.received('whois')).toHaveLength(0);
  });
});
