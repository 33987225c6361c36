import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/relay/relay.js';
import { encodeFrame, type FrameOf } from '../../src/wire/codec.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { serve, WireClient } from '../helpers/wire-client.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../../src/wire/limits.js';

// The relay in-process, on a real loopback listener, driven by protocol-level clients.
describe('Relay', () => {
  let relay: Relay;
  let server: Server;
  let port: number;
  const clients: WireClient[] = [];
  const join = async (nick: string, rooms?: string[]): Promise<WireClient> => {
    const client = await WireClient.join(port, nick, rooms);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test', helloTimeoutMs: 300 });
    ({ server, port } = await serve((conn) => relay.accept(conn)));
  });
  afterAll(async () => {
    relay.stop();
    for (const c of clients) c.conn.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('welcomes a member with its nick, rooms and the roster', async () => {
    const ann = await join('ann');
    const { frame } = await ann.next('welcome');
    expect(frame.welcome.nick).toBe('ann');
    expect(frame.welcome.rooms).toEqual(['#lobby']);
    expect(frame.welcome.roster?.peers?.map((p) => p.nick)).toContain('ann');
  });

  it('forwards the author’s bytes unchanged to the others in the room, and not back', async () => {
    const [a, b, c] = await Promise.all([join('fa'), join('fb'), join('fc', ['#other'])]);
    const sent = encodeFrame({
      message: { origin: a!.nodeId, seq: 1, time: Date.now(), nick: 'fa', room: '#lobby', text: 'exact bytes' },
    });
    a!.conn.send(sent);
    const got = await b!.next('message', (f) => f.message.text === 'exact bytes');
    expect(got.raw.equals(sent)).toBe(true);
    // A later line to #other, which c is in, proves c was sent nothing for #lobby before it.
    const d = await join('fd', ['#other']);
    d.conn.sendFrame({ message: { origin: d.nodeId, seq: 1, time: Date.now(), nick: 'fd', room: '#other', text: 'other marker' } });
    await c!.next('message', (f) => f.message.text === 'other marker');
    expect(c!.received('message').map((f) => f.kind === 'message' && f.message.text)).toEqual(['other marker']);
    expect(a!.received('message')).toHaveLength(0);
  });

  it('keeps each recipient’s order when frames of one chunk are batched', async () => {
    const [a, b, c] = await Promise.all([join('oa1'), join('ob1'), join('oc1')]);
    const room = (seq: number, text: string) =>
      encodeFrame({ message: { origin: a!.nodeId, seq, time: Date.now(), nick: 'oa1', room: '#lobby', text } });
    // One write, so the relay reads these frames from one chunk.
    a!.conn.send(
      Buffer.concat([
        room(1, 'r1'),
        room(2, 'r2'),
        encodeFrame({ message: { origin: a!.nodeId, seq: 3, time: Date.now(), nick: 'oa1', to: { nodeId: b!.nodeId, nick: 'ob1' }, sealed: { ciphertext: Buffer.from('p3') } } }),
        room(4, 'r4'),
        encodeFrame({ part: { room: '#lobby' } }),
      ]),
    );
    await b!.next('presence', (f) => f.presence.peer?.nick === 'oa1' && f.presence.room === '#lobby');
    await c!.next('presence', (f) => f.presence.peer?.nick === 'oa1' && f.presence.room === '#lobby');
    const fromA = (origin: Uint8Array | null | undefined): boolean => Buffer.from(origin ?? []).equals(a!.nodeId);
    const order = (client: WireClient): string[] =>
      client.frames.flatMap(({ frame }) => {
        if (frame.kind === 'message') {
          return fromA(frame.message.origin) ? [frame.message.text || Buffer.from(frame.message.sealed?.ciphertext ?? []).toString()] : [];
        }
        if (frame.kind === 'presence' && frame.presence.room === '#lobby') return ['part'];
        return [];
      });
    expect(order(b!)).toEqual(['r1', 'r2', 'p3', 'r4', 'part']);
    expect(order(c!)).toEqual(['r1', 'r2', 'r4', 'part']);
  });

  it('refuses a message claiming another author, or for a room the sender is not in', async () => {
    const [a, b] = await Promise.all([join('oa'), join('ob')]);
    a!.conn.sendFrame({ message: { origin: b!.nodeId, seq: 1, time: Date.now(), nick: 'ob', room: '#lobby', text: 'forged' } });
    await a!.next('error', (f) => f.error.code === 'BAD_ORIGIN');
    a!.conn.sendFrame({ message: { origin: a!.nodeId, seq: 1, time: Date.now(), nick: 'oa', room: '#secret', text: 'sneaky' } });
    await a!.next('error', (f) => f.error.code === 'NOT_IN_ROOM');
    a!.conn.sendFrame({ message: { origin: a!.nodeId, seq: 2, time: Date.now(), nick: 'oa', room: '#lobby', text: 'honest' } });
    await b!.next('message', (f) => f.message.text === 'honest');
    expect(b!.received('message').map((f) => f.kind === 'message' && f.message.text)).not.toContain('forged');
  });

  it('routes a private message to its recipient only, and stores one for someone offline without a word', async () => {
    const [a, b, c] = await Promise.all([join('pa'), join('pb'), join('pc')]);
    const sealed = (body: string) => ({ ciphertext: Buffer.from(body) });
    a!.conn.sendFrame({ message: { origin: a!.nodeId, seq: 1, time: Date.now(), nick: 'pa', to: { nodeId: b!.nodeId, nick: 'pb' }, sealed: sealed('private') } });
    await b!.next('message', (f) => Buffer.from(f.message.sealed?.ciphertext ?? []).toString() === 'private');
    // The sender's member tells its user the recipient is offline (issue 17 item 8): the relay says nothing.
    a!.conn.sendFrame({ message: { origin: a!.nodeId, seq: 2, time: Date.now(), nick: 'pa', to: { nodeId: randomBytes(32), nick: 'gone' }, sealed: sealed('x') } });
    a!.conn.sendFrame({ message: { origin: a!.nodeId, seq: 3, time: Date.now(), nick: 'pa', to: { nodeId: b!.nodeId, nick: 'pb' }, text: 'in clear' } });
    await a!.next('error', (f) => f.error.code === 'BAD_FRAME');
    expect(a!.received('error').map((f) => f.kind === 'error' && f.error.code)).toEqual(['BAD_FRAME']);
    a!.conn.sendFrame({ message: { origin: a!.nodeId, seq: 4, time: Date.now(), nick: 'pa', room: '#lobby', text: 'public' } });
    await c!.next('message', (f) => f.message.text === 'public');
    expect(c!.received('message').map((f) => f.kind === 'message' && (f.message.text || 'sealed'))).toEqual(['public']);
  });

  it('closes a connection that does not say hello in time', async () => {
    const silent = await WireClient.connect(port);
    clients.push(silent);
    const { frame } = await silent.next('error');
    expect(frame.error.code).toBe('HELLO_TIMEOUT');
    await silent.closed;
  });

  it('closes a connection whose first frame is not a hello, or that is of another network or protocol', async () => {
    const cases: [WireClient, () => void, string][] = [];
    const early = await WireClient.connect(port);
    cases.push([early, () => early.conn.sendFrame({ join: { room: '#x' } }), 'UNEXPECTED_FRAME']);
    const foreign = await WireClient.connect(port);
    cases.push([foreign, () => foreign.hello('zed', [], 'elsewhere'), 'WRONG_NETWORK']);
    const future = await WireClient.connect(port);
    cases.push([
      future,
      () => future.conn.sendFrame({ hello: { protocolVersion: 99, nodeId: future.nodeId, nick: 'f', network: 'test' } }),
      'PROTOCOL_VERSION',
    ]);
    for (const [client, act, code] of cases) {
      clients.push(client);
      act();
      const { frame } = await client.next('error');
      expect(frame.error.code).toBe(code);
      await client.closed;
    }
  });

  it('replaces the stale session when the same node connects again', async () => {
    const old = await join('twin');
    const again = await WireClient.connect(port, old.nodeId);
    clients.push(again);
    again.hello('twin');
    const { frame } = await again.next('welcome');
    expect(frame.welcome.nick).toBe('twin'); // not twin2: it is the same node
    await old.next('error', (f) => f.error.code === 'DUPLICATE_NODE');
    await old.closed;
  });

  it('announces only the rooms a reconnecting node entered or left meanwhile, not those it stayed in', async () => {
    const watcher = await WireClient.join(port, 'roomwatch', ['#lobby', '#stay', '#gone']);
    const first = await WireClient.connect(port);
    clients.push(watcher, first);
    first.hello('rejoiner', ['#lobby', '#stay', '#gone']);
    await first.next('welcome');
    const twinId = first.nodeId;
    const isTwin = (f: FrameOf<'presence'>): boolean => Buffer.from(f.presence.peer?.nodeId ?? []).equals(twinId);
    await watcher.next('presence', (f) => isTwin(f) && !f.presence.room);
    const seenBefore = watcher.received('presence').length;
    // The same node again, before its old connection went: it left #gone and joined #new meanwhile.
    const again = await WireClient.connect(port, first.identity ?? first.nodeId);
    clients.push(again);
    again.hello('rejoiner', ['#lobby', '#stay', '#new']);
    await again.next('welcome');
    // Joins are announced before parts: once #gone's part is seen, every announcement of the reconnect is in.
    await watcher.next('presence', (f) => isTwin(f) && f.presence.room === '#gone' && f.presence.state === lanchat.Presence.State.LEFT);
    const announced = watcher
      .received('presence')
      .slice(seenBefore)
      .filter((f) => f.kind === 'presence' && isTwin(f as FrameOf<'presence'>))
      .map((f) => (f.kind === 'presence' ? `${f.presence.state === lanchat.Presence.State.JOINED ? 'joined' : 'left'} ${f.presence.room}` : ''));
    expect(announced).toEqual(['joined #new', 'left #gone']);
  });

  it('keeps a member to roomsPerMember rooms, at hello and on joining', async () => {
    const many = Array.from({ length: DEFAULT_LIMITS.roomsPerMember + 5 }, (_, i) => `#r${i}`);
    const ann = await WireClient.join(port, 'roomy', many);
    const { frame } = await ann.next('welcome');
    expect(frame.welcome.rooms).toHaveLength(DEFAULT_LIMITS.roomsPerMember);
    ann.conn.sendFrame({ join: { room: '#one-more' } });
    const refused = await ann.next('error', (f) => f.error.code === 'TOO_MANY_ROOMS');
    expect(refused.frame.error.code).toBe('TOO_MANY_ROOMS');
    ann.conn.sendFrame({ part: { room: '#r0' } });
    ann.conn.sendFrame({ join: { room: '#one-more' } });
    await ann.next('presence', (f) => f.presence.room === '#one-more');
  });

  it('turns a newcomer away when the roster no longer fits in a welcome, and keeps no stale session', async () => {
    // The biggest roster entries a member can make: 50 rooms of long names, 8 long addresses.
    const rooms = Array.from({ length: DEFAULT_LIMITS.roomsPerMember }, (_, i) => `#${String(i).padStart(2, '0')}${'r'.repeat(46)}`);
    const addresses = Array.from({ length: 8 }, (_, i) => `${i}:${'a'.repeat(60)}`);
    const bulky = async (nick: string): Promise<WireClient> => {
      const client = await WireClient.connect(port);
      client.conn.sendFrame({ hello: { protocolVersion: PROTOCOL_VERSION, nodeId: client.nodeId, nick, rooms, addresses, network: 'test', listenPort: 0 } });
      return client;
    };
    const base = relay.sessionCount; // members of earlier tests are still here
    const welcomed: WireClient[] = [];
    let refusedWith: string | undefined;
    for (let i = 0; i < 200 && refusedWith === undefined; i++) {
      const client = await bulky(`bulky${i}`);
      const answer = await Promise.race([client.next('welcome').then(() => 'welcome'), client.next('error').then((e) => e.frame.error.code ?? '')]);
      if (answer === 'welcome') welcomed.push(client);
      else refusedWith = answer;
    }
    expect(refusedWith).toBe('SERVER_FULL');
    expect(relay.sessionCount).toBe(base + welcomed.length);
    for (const client of welcomed.splice(0, 10)) client.conn.close();
    await expect.poll(() => relay.sessionCount).toBe(base + welcomed.length);
    const small = await join('small');
    expect((await small.next('welcome')).frame.welcome.nick).toBe('small');
    for (const client of welcomed) client.conn.close();
  });

  it('tells the others when a member leaves, with the reason', async () => {
    const [stay, go] = await Promise.all([join('stay'), join('go')]);
    go.conn.sendFrame({ leave: { reason: 'quit' } });
    const { frame } = await stay.next('presence', (f) => f.presence.peer?.nick === 'go' && f.presence.state === 2);
    expect(frame.presence.reason).toBe('quit');
    expect(frame.presence.room).toBe('');
  });
});
