import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { nodeKeysOf } from '../../src/identity/node-keys.js';
import { proveIdentity } from '../../src/identity/proof.js';
import { dial } from '../../src/net/dial.js';
import { deriveSecret } from '../../src/net/secret.js';
import { Cluster } from '../helpers/lanchat-process.js';

const PASSPHRASE = 'correct horse battery';

describe('relay probes with a room secret (real process on loopback)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('a relay hands over only to a probe that proves its node id, not to one that borrows a better one', async () => {
    const file = `${cluster.dataDir('secret')}.txt`;
    writeFileSync(file, `${PASSPHRASE}\n`);
    const relay = await cluster.relay('keeper', ['--secret-file', file]);
    const relayId = Buffer.from((await relay.proc.waitFor('ready')).node as string, 'hex');
    const secret = await deriveSecret(PASSPHRASE, 'lanchat');

    /** Probes the relay as a relay started with --host and older than anyone; resolves on its answer. */
    const probe = async (claimedId: Buffer, signer: Identity, port: number): Promise<void> => {
      const conn = await dial('127.0.0.1', relay.port, { heartbeatMs: 0, secret });
      const answered = new Promise((resolve) => conn.once('frame', resolve));
      conn.sendFrame({
        probe: {
          nodeId: claimedId,
          network: 'lanchat',
          rank: { forced: true, weight: 0, startedAt: 1 },
          relay: true,
          port,
          epoch: 1,
          keys: nodeKeysOf(signer),
          proof: proveIdentity(signer, conn.proofMaterial()!),
        },
      });
      await answered;
      conn.close();
    };

    // Two relays started with --host: the lower node id keeps the role. The lowest id there is, borrowed:
    await probe(Buffer.alloc(32), ephemeralIdentity(), 1111);
    // A real node whose own id is lower than the relay's, proven:
    let real = ephemeralIdentity();
    for (let i = 0; i < 64 && Buffer.compare(real.nodeId, relayId) >= 0; i++) real = ephemeralIdentity();
    expect(Buffer.compare(real.nodeId, relayId)).toBeLessThan(0);
    await probe(real.nodeId, real, 2222);

    const handover = await relay.proc.waitFor('notice', (e) => e.code === 'HANDING_OVER');
    expect(handover.text).toContain(':2222');
    expect(relay.proc.all('notice', (e) => e.code === 'HANDING_OVER')).toHaveLength(1);
  });

  it('on an open network, a relay does not hand over to a probe it could not send its members to', async () => {
    const relay = await cluster.relay('open-keeper');
    const probe = async (nodeId: Buffer, port: number): Promise<void> => {
      const conn = await dial('127.0.0.1', relay.port, { heartbeatMs: 0 });
      const answered = new Promise((resolve) => conn.once('frame', resolve));
      conn.sendFrame({ probe: { nodeId, network: 'lanchat', rank: { forced: true, weight: 0, startedAt: 1 }, relay: true, port, epoch: 1 } });
      await answered;
      conn.close();
    };
    // Forced and the lowest id there is, but no port to send members to, or a node id too short to be one:
    await probe(Buffer.alloc(32), 0);
    await probe(Buffer.alloc(4), 4444);
    // The same rank, well formed: this one wins.
    await probe(Buffer.alloc(32), 3333);
    const handover = await relay.proc.waitFor('notice', (e) => e.code === 'HANDING_OVER');
    expect(handover.text).toContain(':3333');
    expect(relay.proc.all('notice', (e) => e.code === 'HANDING_OVER')).toHaveLength(1);
  });
});
