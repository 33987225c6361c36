import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type LanchatProcess } from '../helpers/lanchat-process.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

// Real lanchat processes in --json mode on 127.0.0.1: one relay (alice) and members joining it with --connect.
describe('chat through a relay', () => {
  const cluster = new Cluster();
  let port: number;
  let alice: LanchatProcess;
  let bob: LanchatProcess;
  let carol: LanchatProcess;
  let dave: LanchatProcess;

  beforeAll(async () => {
    ({ proc: alice, port } = await cluster.relay('alice'));
    [bob, carol, dave] = await Promise.all([
      cluster.member('bob', port),
      cluster.member('carol', port),
      cluster.member('dave', port),
    ]);
  });
  afterAll(() => cluster.cleanup());

  it('delivers a broadcast to every other member exactly once', async () => {
    bob.send('hello from bob');
    bob.send('marker after hello');
    for (const other of [alice, carol, dave]) {
      await other.waitForText('marker after hello');
      const received = other.messages('hello from bob');
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ from: 'bob', room: '#lobby', to: null, own: false });
    }
    // The author sees its own line once, as its own, and never gets it back from the relay.
    expect(bob.messages('hello from bob')).toEqual([expect.objectContaining({ own: true, from: 'bob' })]);
  });

  it('gives a message the same id on every node', async () => {
    carol.send('one id everywhere');
    const ids = await Promise.all([carol, alice, bob, dave].map((p) => p.waitForText('one id everywhere')));
    expect(new Set(ids.map((e) => e.id)).size).toBe(1);
  });

  it('delivers a private message to its target only', async () => {
    bob.send('/msg carol a secret for carol');
    bob.send('@Carol another secret');
    bob.send('marker after secrets');
    const secret = await carol.waitForText('a secret for carol');
    expect(secret).toMatchObject({ from: 'bob', to: 'carol', room: null });
    await carol.waitForText('another secret');
    for (const other of [alice, dave]) {
      await other.waitForText('marker after secrets');
      expect(other.messages('a secret for carol')).toHaveLength(0);
      expect(other.messages('another secret')).toHaveLength(0);
    }
  });

  it('reads "@bob:hello" and "@bob: hello" as private messages (issue 16 item 8)', async () => {
    bob.send('@carol:colon glued');
    bob.send('@carol: colon spaced');
    bob.send('marker after colons');
    expect(await carol.waitForText('colon glued')).toMatchObject({ from: 'bob', to: 'carol', room: null });
    expect(await carol.waitForText('colon spaced')).toMatchObject({ from: 'bob', to: 'carol', room: null });
    for (const other of [alice, dave]) {
      await other.waitForText('marker after colons');
      expect(other.messages('colon glued')).toHaveLength(0);
      expect(other.messages('colon spaced')).toHaveLength(0);
    }
  });

  it('refuses a private message to someone not online', async () => {
    bob.send('@nobody hi');
    const error = await bob.waitFor('error', (e) => e.code === 'NO_SUCH_NICK');
    expect(error.message).toContain('nobody');
  });

  it('keeps rooms apart', async () => {
    bob.send('/join #dev');
    carol.send('/join #Dev');
    await alice.waitFor('presence', (e) => e.nick === 'carol' && e.room === '#dev' && e.state === 'joined');
    await alice.waitFor('presence', (e) => e.nick === 'bob' && e.room === '#dev' && e.state === 'joined');
    bob.send('only for dev');
    bob.send('/join #lobby');
    bob.send('back in the lobby');
    await carol.waitForText('only for dev');
    await dave.waitForText('back in the lobby');
    expect(dave.messages('only for dev')).toHaveLength(0);
    expect(alice.messages('only for dev')).toHaveLength(0);
    expect(carol.messages('only for dev')[0]).toMatchObject({ room: '#dev' });

    // The answer to this /who, not the who event sent unasked after bob's own join.
    const earlier = new Set(bob.all('who'));
    bob.send('/who #dev');
    const who = await bob.waitFor('who', (e) => e.room === '#dev' && !earlier.has(e));
    expect(who.nicks).toEqual(['bob', 'carol']);
    bob.send('/rooms');
    const rooms = await bob.waitFor('rooms');
    expect(rooms.rooms).toEqual([
      { room: '#dev', people: 2, joined: true },
      { room: '#lobby', people: 4, joined: true },
    ]);

    carol.send('/part #dev');
    await bob.waitFor('presence', (e) => e.nick === 'carol' && e.room === '#dev' && e.state === 'left');
    bob.send('/who #dev');
    await bob.waitFor('who', (e) => e.room === '#dev' && JSON.stringify(e.nicks) === '["bob"]');
  });

  it('says who is here, unasked, on start and after each join of your own (issue 16 item 5)', async () => {
    const gus = await cluster.member('gus', port);
    const lobby = await gus.waitFor('who', (e) => e.room === '#lobby');
    expect(lobby.nicks).toEqual(['alice', 'bob', 'carol', 'dave', 'gus']);
    gus.send('/join #dev');
    const dev = await gus.waitFor('who', (e) => e.room === '#dev');
    expect(dev.nicks).toEqual(['bob', 'gus']);
    // The same event /who answers with, and none for the others' joins.
    expect(gus.all('who')).toHaveLength(2);
    expect(bob.all('who', (e) => e.room === '#dev' && (e.nicks as string[]).includes('gus'))).toHaveLength(0);
    expect(await gus.quit()).toBe(0);
  });

  it('announces joins, renames and leaves', async () => {
    const erin = await cluster.member('erin', port);
    const joined = await dave.waitFor('presence', (e) => e.nick === 'erin' && e.state === 'joined');
    expect(joined).toMatchObject({ room: null, rooms: ['#lobby'], self: false });

    erin.send('/nick erin_x');
    await dave.waitFor('presence', (e) => e.state === 'renamed' && e.from === 'erin' && e.nick === 'erin_x');
    await erin.waitFor('presence', (e) => e.state === 'renamed' && e.self === true && e.nick === 'erin_x');
    erin.send('renamed and talking');
    expect(await dave.waitForText('renamed and talking')).toMatchObject({ from: 'erin_x' });

    expect(await erin.quit()).toBe(0);
    const left = await dave.waitFor('presence', (e) => e.nick === 'erin_x' && e.state === 'left');
    expect(left).toMatchObject({ room: null, reason: 'quit' });
  });

  it('settles a nick clash, case-insensitively, with a free suggestion', async () => {
    const other = cluster.start('Bob', ['--connect', `127.0.0.1:${port}`]);
    const clash = await other.waitFor('error', (e) => e.code === 'NICK_IN_USE');
    expect(clash.suggestion).toBe('Bob2');
    await other.waitFor('presence', (e) => e.state === 'renamed' && e.self === true && e.nick === 'Bob2');
    other.send('I am the other bob');
    expect(await carol.waitForText('I am the other bob')).toMatchObject({ from: 'Bob2' });

    bob.send('/nick CAROL');
    const refused = await bob.waitFor('error', (e) => e.code === 'NICK_IN_USE' && String(e.message).includes('CAROL'));
    expect(refused.suggestion).toBe('CAROL2');
    bob.send('still bob');
    expect(await carol.waitForText('still bob')).toMatchObject({ from: 'bob' });
    await other.quit();
  });

  it('drops a raw socket sending garbage or a huge length while the room goes on', async () => {
    const garbage = await rawSocket(port);
    garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: lanchat\r\n\r\n'.repeat(4)));
    const huge = await rawSocket(port);
    const hugeReply = collect(huge);
    huge.write(Buffer.from([0xff, 0xff, 0xff, 0x7f]));
    await Promise.all([closed(garbage), closed(huge)]);
    // The relay said why before closing: an Error frame naming the limit.
    expect(Buffer.concat(hugeReply).toString('latin1')).toContain('FRAME_TOO_LARGE');

    bob.send('the room goes on');
    for (const other of [alice, carol, dave]) await other.waitForText('the room goes on');
  });

  it('points a node that dials a member at the relay (--connect works against any node)', async () => {
    const bobPort = (await bob.waitFor('ready')).port as number;
    const relayId = (await alice.waitFor('ready')).node;
    const frank = cluster.start('frank', ['--connect', `127.0.0.1:${bobPort}`]);
    const role = await frank.waitFor('role');
    expect(role).toMatchObject({ role: 'member', relay: { id: relayId, port } });
    frank.send('via a member');
    await carol.waitForText('via a member');
    await frank.quit();
  });

  it('rejects text that is too long with a clear error', async () => {
    dave.send('x'.repeat(20_000));
    const error = await dave.waitFor('error', (e) => e.code === 'TEXT_INVALID');
    expect(error.message).toMatch(/bytes/);
  });
});

describe('relay failover (no mDNS: the roster decides)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  async function failover(signal: NodeJS.Signals, prefix: string): Promise<void> {
    const relay = await cluster.relay(`${prefix}host`);
    // bob starts first, so he outranks carol (older wins): every member picks him as the successor.
    const bob = await cluster.member(`${prefix}bob`, relay.port);
    const carol = await cluster.member(`${prefix}carol`, relay.port);
    const bobNode = (await bob.waitFor('ready')).node;

    await relay.proc.kill(signal);
    await bob.waitFor('role', (e) => e.role === 'relay');
    const joined = await carol.waitFor('role', (e) => e.role === 'member' && (e.relay as { id: string }).id === bobNode);
    expect(joined).toBeDefined();
    // One line for the change (issue 16 item 2): a clean stop is a hand-over, a kill a loss.
    const change = await carol.waitFor('notice', (e) => e.code === 'RELAY_CHANGED');
    expect(change.text).toBe(signal === 'SIGKILL' ? `relay ${prefix}host lost; ${prefix}bob took over` : `relay handed over to ${prefix}bob`);

    carol.send(`after the ${signal}`);
    await bob.waitForText(`after the ${signal}`);
    bob.send(`bob relays after the ${signal}`);
    await carol.waitForText(`bob relays after the ${signal}`);
  }

  it('a member takes over when the relay leaves cleanly, and chat goes on', () => failover('SIGTERM', 't'));

  it('a member takes over when the relay is killed without a goodbye', () => failover('SIGKILL', 'k'));

  it('a member cut off from its relay finds it again through another member, losing nothing', async () => {
    const relay = await cluster.relay('keeper');
    const carol = await cluster.member('carol2', relay.port);
    const proxy = await TcpProxy.start(relay.port);
    const bob = await cluster.member('bob2', proxy.port);

    await proxy.cut();
    bob.send('typed while away');
    bob.send('and a second line');
    // The author sees the line at once, though it waits for a relay.
    await bob.waitFor('message', (e) => e.text === 'typed while away' && e.own === true);

    // bob's successor is carol2, who is a member of the relay: she points him back at it.
    const first = await carol.waitForText('typed while away');
    const second = await carol.waitForText('and a second line');
    expect(first).toMatchObject({ from: 'bob2', room: '#lobby' });
    expect(Number(String(second.id).split('-')[1])).toBe(Number(String(first.id).split('-')[1]) + 1);
  });
});

function rawSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function collect(socket: Socket): Buffer[] {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return chunks;
}

function closed(socket: Socket): Promise<void> {
  socket.resume(); // a paused socket never reads the end of the stream
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}
