import { afterAll, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { Cluster } from '../helpers/lanchat-process.js';
import { challengeHello, serve, WireClient } from '../helpers/wire-client.js';

const NETWORK = 'lanchat';

describe('node ids on an open network (real processes on loopback)', () => {
  const cluster = new Cluster();
  const closers: (() => void)[] = [];
  afterAll(async () => {
    for (const close of closers) close();
    await cluster.cleanup();
  });

  it("finding 7a: a hello reusing alice's node id and keys from a roster neither replaces nor splits her", async () => {
    const relay = await cluster.relay('hub');
    const alice = await cluster.member('alice', relay.port);
    const aliceId = (await alice.waitFor('ready')).node as string;

    // Anyone can join and read alice's node id and keys in the welcome's roster.
    const mallory = await WireClient.connect(relay.port);
    mallory.hello('mallory', ['#lobby'], NETWORK);
    const { frame } = await mallory.next('welcome');
    const copied = frame.welcome.roster!.peers!.find((p) => Buffer.from(p.nodeId!).toString('hex') === aliceId)!;
    expect(copied.keys?.publicKey).toHaveLength(32);

    // A hello as alice, her keys and all: it cannot sign the relay's challenge with her key.
    const thief = await WireClient.connect(relay.port, Buffer.from(copied.nodeId!));
    thief.conn.sendFrame({
      hello: {
        protocolVersion: 1,
        nodeId: copied.nodeId!,
        nick: 'alice',
        rooms: ['#lobby'],
        network: NETWORK,
        listenPort: 0,
        keys: copied.keys!,
        challenge: Buffer.alloc(32, 1),
      },
    });
    const challenge = await thief.next('challenge');
    expect(challenge.frame.challenge.nonce).toHaveLength(32);
    // It answers with a signature of its own key, and with none.
    thief.conn.sendFrame({ challenge: { proof: Buffer.alloc(64, 9) } });
    const refused = await thief.next('error');
    expect(refused.frame.error.code).toBe('BAD_IDENTITY');
    await thief.closed;

    // alice's session was never closed: she is still the relay's member, and still hears the room.
    mallory.conn.sendFrame({ leave: { reason: 'bye' } });
    await relay.proc.waitFor('presence', (e) => e.nick === 'mallory' && e.state === 'left');
    expect(alice.all('connection', (e) => e.state === 'disconnected')).toHaveLength(0);
    expect(alice.all('role', (e) => e.role === 'relay')).toHaveLength(0);
    expect(relay.proc.all('presence', (e) => e.nick === 'alice' && e.state === 'left')).toHaveLength(0);
  });

  it('a heartbeat sent before the answer to the challenge (a slow node) is no reason to close the link', async () => {
    const relay = await cluster.relay('patient');
    const slow = await WireClient.connect(relay.port, ephemeralIdentity(), { answerChallenge: false });
    slow.hello('slowpoke', ['#lobby'], NETWORK);
    const { frame } = await slow.next('challenge');
    slow.conn.sendFrame({ heartbeat: { time: Date.now() } });
    slow.answer(frame.challenge);
    const welcome = await slow.next('welcome');
    expect(welcome.frame.welcome.nick).toBe('slowpoke');
    expect(slow.received('error')).toEqual([]);
    slow.conn.sendFrame({ leave: { reason: 'bye' } });
    await relay.proc.waitFor('presence', (e) => e.nick === 'slowpoke' && e.state === 'left');
  });

  it('a relay that cannot prove its node id is refused by a --connect member', async () => {
    const claimed = ephemeralIdentity();
    const impostor = ephemeralIdentity();
    let welcomed = 0;
    const { server, port } = await serve((conn) => {
      // Challenges as the node it claims to be, but signs the welcome with another key.
      challengeHello(conn, impostor, NETWORK, (hello, proof) => {
        welcomed++;
        conn.sendFrame({ welcome: { protocolVersion: 1, relayId: claimed.nodeId, relayNick: 'hub', nick: hello.nick ?? '', epoch: 1, ...proof } });
      });
    });
    closers.push(() => server.close());
    const member = cluster.start('bob', ['--connect', `127.0.0.1:${port}`]);
    const problem = await member.waitFor('error', (e) => e.code === 'BAD_IDENTITY');
    // --json words the problem (ui/words.ts): the relay it names is this one.
    expect(problem.message).toBe(`the relay at 127.0.0.1:${port} does not prove its node id`);
    expect(welcomed).toBeGreaterThan(0);
    expect(member.all('role', (e) => e.role === 'member')).toHaveLength(0);
  });
});

