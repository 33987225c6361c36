import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type LanchatProcess } from '../helpers/lanchat-process.js';

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

    bob.send('/who #dev');
    const who = await bob.waitFor('who', (e) => e.room === '#dev');
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

  it('rejects text that is too long with a clear error', async () => {
    dave.send('x'.repeat(20_000));
    const error = await dave.waitFor('error', (e) => e.code === 'TEXT_INVALID');
    expect(error.message).toMatch(/bytes/);
  });
});

describe('relay restarts', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('members reconnect to a relay that comes back on its port', async () => {
    const first = await cluster.relay('host');
    const port = first.port;
    const bob = await cluster.member('bob', port);
    const carol = await cluster.member('carol', port);

    expect(await first.proc.kill('SIGTERM')).toBe(0);
    const lost = await bob.waitFor('connection', (e) => e.state === 'disconnected');
    expect(String(lost.reason)).toContain('relay');
    await carol.waitFor('connection', (e) => e.state === 'disconnected');

    const again = cluster.start('host', ['--host', '--port', String(port)]);
    await again.waitFor('role', (e) => e.role === 'relay');
    await bob.waitFor('connection', (e) => e.state === 'connected', 10_000);
    await carol.waitFor('connection', (e) => e.state === 'connected', 10_000);
    await again.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'joined');
    await again.waitFor('presence', (e) => e.nick === 'carol' && e.state === 'joined');

    bob.send('after the restart');
    await carol.waitForText('after the restart');
    await again.waitForText('after the restart');
  });

  it('members notice a relay killed without a goodbye', async () => {
    const relay = await cluster.relay('host2');
    const dave = await cluster.member('dave', relay.port);
    await relay.proc.kill('SIGKILL');
    const lost = await dave.waitFor('connection', (e) => e.state === 'disconnected');
    expect(lost.retryInMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps lines typed while the relay is unreachable and sends them on reconnect', async () => {
    const relay = await cluster.relay('keeper');
    const carol = await cluster.member('carol2', relay.port);
    const proxy = await TcpProxy.start(relay.port);
    const bob = await cluster.member('bob2', proxy.port);

    await proxy.cut();
    await bob.waitFor('connection', (e) => e.state === 'disconnected');
    bob.send('typed while away');
    bob.send('and a second line');
    // The author sees the line at once, though it waits for the relay.
    await bob.waitFor('message', (e) => e.text === 'typed while away' && e.own === true);

    await proxy.restore();
    await bob.waitFor('connection', (e) => e.state === 'connected', 10_000);
    const first = await carol.waitForText('typed while away');
    const second = await carol.waitForText('and a second line');
    expect(first).toMatchObject({ from: 'bob2', room: '#lobby' });
    expect(Number(String(second.id).split('-')[1])).toBe(Number(String(first.id).split('-')[1]) + 1);
    await proxy.cut();
  });
});

/** A loopback TCP proxy the test can cut and restore, to take a member off its relay without touching the relay. */
class TcpProxy {
  port = 0;
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;

  constructor(target: number) {
    this.#target = target;
  }

  static async start(target: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.restore();
    return proxy;
  }

  /** Listens again (on the same port after a cut) and forwards every connection to the target. */
  async restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.#target, '127.0.0.1');
      for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
        this.#sockets.add(a);
        a.on('error', () => undefined);
        a.on('close', () => {
          this.#sockets.delete(a);
          b.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Stops accepting and resets every connection through the proxy. */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

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
