import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, type LanchatEvent, type LanchatProcess } from '../helpers/lanchat-process.js';
import { freePort } from '../helpers/free-port.js';

/**
 * Issue 16 items 1-3, as a script reading `lanchat --json` sees them: a relay change is one notice, the
 * relay's own user is said to have left exactly once, nobody else is said to leave or join again, and a
 * fresh start raises no alarm. On 127.0.0.1 without mDNS: the roster picks the successor.
 */

/** Events of `proc` from index `from` on. */
const since = (proc: LanchatProcess, from: number): LanchatEvent[] => proc.events.slice(from);

const networkPresence = (events: LanchatEvent[], state: 'joined' | 'left'): LanchatEvent[] =>
  events.filter((e) => e.event === 'presence' && e.state === state && e.room === null);

/**
 * Every node says a line and hears everyone else's: then each is on the new relay, and each has heard the
 * new relay announce (or list in its welcome) everyone it had been waiting for, so nothing about them is
 * still to come.
 */
async function chatRound(nodes: LanchatProcess[], tag: string): Promise<void> {
  nodes.forEach((n, i) => n.send(`${tag} from ${i}`));
  await Promise.all(nodes.flatMap((n) => nodes.map((_, i) => n.waitForText(`${tag} from ${i}`, 10_000))));
}

describe('a relay change, as --json tells it (issue 16 items 1 and 2)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('relay killed: one change notice naming the new relay, its user left once, nobody else left or joined', async () => {
    const hal = await cluster.relay('hal');
    // ann starts first, so she outranks the others (older wins): every member picks her as the successor.
    const ann = await cluster.member('ann', hal.port);
    const ben = await cluster.member('ben', hal.port);
    const cat = await cluster.member('cat', hal.port);
    // Everyone knows everyone before the kill.
    await Promise.all([ann, ben].map((n) => n.waitFor('presence', (e) => e.nick === 'cat' && e.state === 'joined')));
    await ann.waitFor('presence', (e) => e.nick === 'ben' && e.state === 'joined');
    const nodes = [ann, ben, cat];
    const marks = nodes.map((n) => n.events.length);

    await hal.proc.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.waitFor('notice', (e) => e.code === 'RELAY_CHANGED', 10_000)));
    await chatRound(nodes, 'after the kill');

    nodes.forEach((n, i) => {
      const after = since(n, marks[i]!);
      const changes = after.filter((e) => e.event === 'notice' && e.code === 'RELAY_CHANGED');
      expect(changes.map((e) => e.text)).toEqual([n === ann ? 'relay hal lost; you took over' : 'relay hal lost; ann took over']);
      expect(networkPresence(after, 'left').map((e) => [e.nick, e.reason])).toEqual([['hal', 'connection lost']]);
      expect(networkPresence(after, 'joined')).toEqual([]);
      // One calm line: no "lost the relay", no "retrying" (a loopback failover takes milliseconds).
      expect(after.filter((e) => e.event === 'notice' && e.code === 'RELAY_LOST')).toEqual([]);
      expect(after.filter((e) => e.event === 'connection' && e.state === 'disconnected')).toEqual([]);
      // The new relay, for the title bar and for scripts.
      expect(after.filter((e) => e.event === 'role').map((e) => (e.relay as { nick: string }).nick)).toEqual(['ann']);
    });
  });

  it('relay quits cleanly: worded as a hand-over, its user left once (quit)', async () => {
    const hub = await cluster.relay('hub');
    const amy = await cluster.member('amy', hub.port);
    const bo = await cluster.member('bo', hub.port);
    await amy.waitFor('presence', (e) => e.nick === 'bo' && e.state === 'joined');
    const nodes = [amy, bo];
    const marks = nodes.map((n) => n.events.length);

    hub.proc.send('/quit');
    expect(await hub.proc.exited).toBe(0);
    await Promise.all(nodes.map((n) => n.waitFor('notice', (e) => e.code === 'RELAY_CHANGED', 10_000)));
    await chatRound(nodes, 'after the quit');

    nodes.forEach((n, i) => {
      const after = since(n, marks[i]!);
      const changes = after.filter((e) => e.event === 'notice' && e.code === 'RELAY_CHANGED');
      expect(changes.map((e) => e.text)).toEqual([n === amy ? 'relay handed over to you' : 'relay handed over to amy']);
      expect(networkPresence(after, 'left').map((e) => [e.nick, e.reason])).toEqual([['hub', 'quit']]);
      expect(networkPresence(after, 'joined')).toEqual([]);
    });
  });
});

describe('a fresh start raises no alarm (issue 16 item 3)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('members up before their relay: no disconnected and no RELAY_LOST before the first role', async () => {
    const port = await freePort();
    // Two members dial a relay that is not listening yet (their first dials fail at once), then it starts.
    const early = [cluster.start('eli', ['--connect', `127.0.0.1:${port}`]), cluster.start('fay', ['--connect', `127.0.0.1:${port}`])];
    await Promise.all(early.map((n) => n.waitFor('ready')));
    const relay = cluster.start('gil', ['--host', '--port', String(port)]);
    const nodes = [...early, relay];
    const firstRoles = await Promise.all(nodes.map((n) => n.waitFor('role', () => true, 10_000)));

    nodes.forEach((n, i) => {
      const before = n.events.slice(0, n.events.indexOf(firstRoles[i]!));
      expect(before.filter((e) => e.event === 'connection' && e.state === 'disconnected')).toEqual([]);
      expect(before.filter((e) => e.event === 'notice' && e.code === 'RELAY_LOST')).toEqual([]);
    });
  });
});
