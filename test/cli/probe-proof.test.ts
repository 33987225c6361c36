import { writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { nodeKeysOf } from '../../src/identity/node-keys.js';
import { challengeMaterial, isNonce, proveIdentity } from '../../src/identity/proof.js';
import type { Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import { deriveSecret, type NetworkSecret } from '../../src/net/secret.js';
import { Cluster } from '../helpers/lanchat-process.js';
import { Waiters } from '../helpers/waiters.js';

const PASSPHRASE = 'correct horse battery';
const FORCED_OLDEST = { forced: true, weight: 0, startedAt: 1 };

/**
 * A node that answers every probe as a relay started with --host, older than anyone, claiming `claimedId`
 * and signing with `signer`: over the TLS session with a secret, over the prober's challenge without.
 * Counts the probes it was asked (the relay comes to check a claim here), and keeps the nicks of the
 * hellos it gets (members a relay handed over to it), without ever welcoming one.
 */
async function fakeRelay(
  signer: Identity,
  claimedId: Buffer,
  secret?: NetworkSecret,
): Promise<{ server: Server; port: number; asked: () => number; firstAsked: Promise<void>; hellos: string[]; helloFrom: (nick: string) => Promise<true> }> {
  let asked = 0;
  const hellos: string[] = [];
  const waiters = new Waiters();
  let onAsked: () => void = () => undefined;
  const firstAsked = new Promise<void>((resolve) => (onAsked = resolve));
  let port = 0;
  const answer = (conn: Connection): void => {
    conn.once('frame', (frame) => {
      if (frame.kind === 'hello') {
        hellos.push(frame.hello.nick ?? '');
        waiters.notify();
      }
      if (frame.kind !== 'probe') return conn.close();
      asked++;
      onAsked();
      const { nodeId: askerId, challenge } = frame.probe;
      const material = conn.proofMaterial() ?? (isNonce(challenge) ? challengeMaterial('probe', 'lanchat', askerId!, challenge) : undefined);
      conn.sendFrame({
        probe: {
          nodeId: claimedId,
          network: 'lanchat',
          rank: FORCED_OLDEST,
          relay: true,
          port,
          epoch: 1,
          ...(material === undefined ? {} : { keys: nodeKeysOf(signer), proof: proveIdentity(signer, material) }),
        },
      });
    });
  };
  const served = await listen(0, answer, { heartbeatMs: 0, ...(secret === undefined ? {} : { secret }) }, '127.0.0.1');
  port = served.port;
  const helloFrom = (nick: string): Promise<true> =>
    waiters.until(() => hellos.includes(nick) || undefined, 10_000, () => `no hello from ${nick}; got ${JSON.stringify(hellos)}`);
  return { ...served, asked: () => asked, firstAsked, hellos, helloFrom };
}

describe('relay probes (real process on loopback)', () => {
  const cluster = new Cluster();
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) s.close();
    await cluster.cleanup();
  });

  /** Probes the relay at `relayPort` as a relay started with --host and older than anyone; resolves on its answer. */
  const probe = async (relayPort: number, claim: { nodeId: Buffer; port: number; signer?: Identity }, secret?: NetworkSecret): Promise<void> => {
    const conn = await dial('127.0.0.1', relayPort, { heartbeatMs: 0, ...(secret === undefined ? {} : { secret }) });
    const answered = new Promise((resolve) => conn.once('frame', resolve));
    const material = conn.proofMaterial();
    const signer = claim.signer;
    conn.sendFrame({
      probe: {
        nodeId: claim.nodeId,
        network: 'lanchat',
        rank: FORCED_OLDEST,
        relay: true,
        port: claim.port,
        epoch: 1,
        ...(signer === undefined || material === undefined ? {} : { keys: nodeKeysOf(signer), proof: proveIdentity(signer, material) }),
      },
    });
    await answered;
    conn.close();
  };

  it('with a secret, a relay hands over only to a probe that proves its node id, not to one that borrows a better one', async () => {
    const file = `${cluster.dataDir('secret')}.txt`;
    writeFileSync(file, `${PASSPHRASE}\n`);
    const relay = await cluster.relay('keeper', ['--secret-file', file]);
    const relayId = Buffer.from((await relay.proc.waitFor('ready')).node as string, 'hex');
    const secret = await deriveSecret(PASSPHRASE, 'lanchat');

    // Two relays started with --host: the lower node id keeps the role. The lowest id there is, borrowed:
    const borrowed = await fakeRelay(ephemeralIdentity(), Buffer.alloc(32), secret);
    servers.push(borrowed.server);
    await probe(relay.port, { nodeId: Buffer.alloc(32), port: borrowed.port, signer: ephemeralIdentity() }, secret);
    // A real node whose own id is lower than the relay's, proven, and listening where it says:
    let real = ephemeralIdentity();
    for (let i = 0; i < 64 && Buffer.compare(real.nodeId, relayId) >= 0; i++) real = ephemeralIdentity();
    expect(Buffer.compare(real.nodeId, relayId)).toBeLessThan(0);
    const there = await fakeRelay(real, real.nodeId, secret);
    servers.push(there.server);
    await probe(relay.port, { nodeId: real.nodeId, port: there.port, signer: real }, secret);

    // It handed over there: its own member was sent there (the change is told only once it is done, and
    // the fake never welcomes anyone).
    await there.helloFrom('keeper');
    expect(borrowed.hellos).toEqual([]);
    expect(borrowed.asked()).toBe(0);
    expect(there.asked()).toBe(1);
  });

  it('finding 5: on an open network a forged probe naming a dead port, or a node that cannot prove the id, changes nothing', async () => {
    const relay = await cluster.relay('open-keeper');
    const relayId = Buffer.from((await relay.proc.waitFor('ready')).node as string, 'hex');
    const member = await cluster.member('open-member', relay.port);
    // Forced and the lowest id there is, naming a port nobody listens on (the finding's probe):
    const dead = await listen(0, () => undefined, { heartbeatMs: 0 }, '127.0.0.1');
    dead.server.close();
    await probe(relay.port, { nodeId: Buffer.alloc(32), port: dead.port });
    // ... or a port where a node answers as that id but signs with another key:
    const liar = await fakeRelay(ephemeralIdentity(), Buffer.alloc(32));
    servers.push(liar.server);
    await probe(relay.port, { nodeId: Buffer.alloc(32), port: liar.port });
    await liar.firstAsked; // the relay came to check the liar's claim
    expect(liar.asked()).toBe(1);
    // A real node (its id below the relay's: between two --host that wins) that proves its id where it
    // says it listens: this one wins.
    let real = ephemeralIdentity();
    for (let i = 0; i < 64 && Buffer.compare(real.nodeId, relayId) >= 0; i++) real = ephemeralIdentity();
    const there = await fakeRelay(real, real.nodeId);
    servers.push(there.server);
    const before = member.events.length;
    await probe(relay.port, { nodeId: real.nodeId, port: there.port });
    // The member was sent to the fake, which never welcomes it: it goes back to its --connect address.
    await there.helloFrom('open-member');
    expect(liar.hellos).toEqual([]);
    await member.waitFor('connection', (e) => e.state === 'connected' && member.events.indexOf(e) >= before, 15_000);
  });
});

