import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type LanchatProcess } from '../helpers/lanchat-process.js';

// Issue 17 items 1-5 and 7, as a script sees them: real `lanchat --json` processes on 127.0.0.1.
describe('conversation: actions, away, typing, topics, whois, ignore', () => {
  const cluster = new Cluster();
  let port: number;
  let alice: LanchatProcess;
  let bob: LanchatProcess;

  beforeAll(async () => {
    ({ proc: alice, port } = await cluster.relay('alice'));
    bob = await cluster.member('bob', port);
    await alice.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'joined');
  });
  afterAll(() => cluster.cleanup());

  it('sends /me as a stored line with the action flag', async () => {
    bob.send('/me waves');
    const seen = await alice.waitForText('waves');
    expect(seen).toMatchObject({ from: 'bob', room: '#lobby', action: true, own: false });
    expect(await bob.waitForText('waves')).toMatchObject({ own: true, action: true });
    // Stored like any line: the history has it, still an action.
    alice.send('/history 5');
    await alice.waitFor('message', (e) => e.text === 'waves' && e.history === true && e.action === true);
  });

  it('says away with a reason, and back, to everyone; /who-style people and /whois show it', async () => {
    bob.send('/away at lunch');
    const away = await alice.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'away');
    expect(away).toMatchObject({ reason: 'at lunch', room: null, self: false });
    await bob.waitFor('presence', (e) => e.state === 'away' && e.self === true);
    alice.send('/who');
    expect(await alice.waitFor('who', (e) => e.away !== undefined)).toMatchObject({ room: '#lobby', away: ['bob'] });
    alice.send('/whois bob');
    const whois = await alice.waitFor('whois', (e) => e.nick === 'bob');
    expect(whois).toMatchObject({ away: true, reason: 'at lunch', rooms: ['#lobby'] });
    bob.send('/back');
    await alice.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'back');
  });

  it('answers /whois with node id, key fingerprint, address, port, online since, idle time and rooms', async () => {
    const bobReady = bob.events.find((e) => e.event === 'ready')!;
    const before = alice.all('whois').length;
    alice.send('/whois BOB');
    await alice.waitFor('whois', () => alice.all('whois').length > before);
    const whois = alice.all('whois').at(-1)!;
    expect(whois).toMatchObject({ nick: 'bob', node: bobReady.node, port: bobReady.port, address: '127.0.0.1', away: false, rooms: ['#lobby'] });
    expect(whois.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(typeof whois.idleMs).toBe('number');
    expect(whois.onlineSince).toBeLessThanOrEqual(Date.now());
    alice.send('/whois nobody-here');
    await alice.waitFor('error', (e) => e.code === 'NO_SUCH_NICK');
  });

  it('passes typing to the room, not to the typist, and not with --no-typing', async () => {
    bob.send('/typing');
    expect(await alice.waitFor('typing', (e) => e.nick === 'bob')).toEqual({ event: 'typing', nick: 'bob', room: '#lobby' });
    // A private one names no room.
    bob.send('/typing alice');
    await alice.waitFor('typing', (e) => e.nick === 'bob' && e.room === null);
    expect(bob.all('typing')).toHaveLength(0);
    const quiet = await cluster.member('quiet', port, ['--no-typing']);
    quiet.send('/typing');
    quiet.send('marker after quiet typing');
    await alice.waitForText('marker after quiet typing');
    expect(alice.all('typing', (e) => e.nick === 'quiet')).toHaveLength(0);
  });

  it('replicates a topic: on change to everyone, and after the join to a node that comes later', async () => {
    bob.send('/topic release on friday');
    const topic = await alice.waitFor('topic', (e) => e.room === '#lobby');
    expect(topic).toMatchObject({ event: 'topic', room: '#lobby', topic: 'release on friday', by: 'bob' });
    expect(typeof topic.ts).toBe('number');
    // A newcomer was never told live: its sync brings it, after its join.
    const carol = await cluster.member('carol', port);
    expect(await carol.waitFor('topic', (e) => e.room === '#lobby')).toMatchObject({ topic: 'release on friday', by: 'bob', ts: topic.ts });
    // Asked, it is the same.
    carol.send('/topic');
    await carol.waitFor('topic', () => carol.all('topic').length >= 2);
    expect(carol.all('topic').at(-1)).toMatchObject({ topic: 'release on friday' });
    // The latest wins on every node; a topic is not a line of the room.
    carol.send('/topic #lobby ship it');
    for (const p of [alice, bob, carol]) await p.waitFor('topic', (e) => e.topic === 'ship it' && e.by === 'carol');
    expect(alice.messages('ship it')).toHaveLength(0);
    // Too long: refused before it leaves.
    carol.send(`/topic ${'x'.repeat(391)}`);
    expect(await carol.waitFor('error', (e) => e.code === 'TEXT_INVALID')).toMatchObject({ message: 'a topic is 1 to 390 bytes of text' });
    // A room with none says so.
    carol.send('/join #empty');
    carol.send('/topic');
    await carol.waitFor('notice', (e) => e.code === 'NO_TOPIC');
  });

  it('ignores by node id: through a nick change and a restart', async () => {
    const dave = await cluster.member('dave', port);
    alice.send('/ignore dave');
    await alice.waitFor('notice', (e) => e.code === 'IGNORED');
    dave.send('from dave before');
    // Once bob has it, the relay has passed it to alice too, before bob's marker: the marker then proves it.
    await bob.waitForText('from dave before');
    bob.send('marker one');
    await alice.waitForText('marker one');
    expect(alice.messages('from dave before')).toHaveLength(0);
    dave.send('/nick davey');
    await alice.waitFor('presence', (e) => e.state === 'renamed' && e.nick === 'davey');
    dave.send('from davey');
    dave.send('/typing');
    await bob.waitForText('from davey');
    await bob.waitFor('typing', (e) => e.nick === 'davey');
    bob.send('marker two');
    await alice.waitForText('marker two');
    expect(alice.messages('from davey')).toHaveLength(0);
    expect(alice.all('typing', (e) => e.nick === 'davey')).toHaveLength(0);
    alice.send('/ignore');
    expect(await alice.waitFor('ignored')).toMatchObject({ people: [{ nick: 'dave', node: dave.events.find((e) => e.event === 'ready')!.node }] });
    // Restart alice on the same data folder: the list is kept.
    expect(await alice.quit()).toBe(0);
    alice = cluster.start('alice', ['--host', '--port', String(port)]);
    await alice.waitFor('role', (e) => e.role === 'relay');
    alice.send('/ignore');
    expect(await alice.waitFor('ignored')).toMatchObject({ people: [{ nick: 'dave' }] });
    await dave.waitFor('role', () => dave.all('role').length >= 2);
    dave.send('from davey after restart');
    await bob.waitForText('from davey after restart');
    bob.send('marker three');
    await alice.waitForText('marker three');
    expect(alice.messages('from davey after restart')).toHaveLength(0);
    alice.send('/unignore davey');
    await alice.waitFor('notice', (e) => e.code === 'UNIGNORED');
    dave.send('from davey unignored');
    await alice.waitForText('from davey unignored');
  });
});

describe('a topic set on both sides of a partition', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('is the latest by the hybrid clock on every node once they sync, the other never shown over it', async () => {
    const { proc: alice, port } = await cluster.relay('alice');
    // Carol is cut off from alice: a relay of her own, on the same network name.
    let carol = (await cluster.relay('carol')).proc;
    carol.send('/topic from the far side');
    await carol.waitFor('topic', (e) => e.topic === 'from the far side');
    carol.send('written on the far side');
    await carol.waitForText('written on the far side');
    alice.send('/topic from the near side');
    const near = await alice.waitFor('topic', (e) => e.topic === 'from the near side');
    expect(await carol.quit()).toBe(0);
    // The partition heals: carol joins alice, and the two histories sync.
    carol = await cluster.member('carol', port);
    expect(await carol.waitFor('topic', (e) => e.topic === 'from the near side')).toMatchObject({ by: 'alice', ts: near.ts });
    await alice.waitForText('written on the far side');
    alice.send('/topic');
    await alice.waitFor('topic', () => alice.all('topic').length >= 2);
    expect(alice.all('topic').map((e) => e.topic)).toEqual(['from the near side', 'from the near side']);
    carol.send('/topic');
    await carol.waitFor('topic', () => carol.all('topic').length >= 2);
    expect(carol.all('topic').at(-1)).toMatchObject({ topic: 'from the near side' });
  });
});

