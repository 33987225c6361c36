import type { Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { nodeKeysOf } from '../../src/identity/node-keys.js';
import { identityProven, proveIdentity } from '../../src/identity/proof.js';
import type { Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import { deriveSecret } from '../../src/net/secret.js';
import { Relay } from '../../src/relay/relay.js';
import type { Frame } from '../../src/wire/codec.js';
import { PROTOCOL_VERSION } from '../../src/wire/limits.js';

const secret = await deriveSecret('correct horse battery', 'test');

describe('relay with a room secret: node ids proven by the TLS session', () => {
  const relayIdentity = ephemeralIdentity();
  const ann = ephemeralIdentity();
  const eve = ephemeralIdentity();
  let server: Server;
  let port: number;
  beforeEach(async () => {
    const relay = new Relay({ nodeId: relayIdentity.nodeId, identity: relayIdentity, nick: 'relay', network: 'test' });
    ({ server, port } = await listen(0, (conn) => relay.accept(conn), { heartbeatMs: 0, secret }, '127.0.0.1'));
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  /** Dials with the secret, says hello as `claimed` with a proof signed by `signer`; the first answer. */
  async function helloAs(claimed: Identity, signer: Identity): Promise<{ conn: Connection; answer: Frame }> {
    const conn = await dial('127.0.0.1', port, { heartbeatMs: 0, secret });
    const answer = new Promise<Frame>((resolve) => conn.once('frame', resolve));
    conn.sendFrame({
      hello: {
        protocolVersion: PROTOCOL_VERSION,
        nodeId: claimed.nodeId,
        nick: 'someone',
        network: 'test',
        keys: nodeKeysOf(claimed),
        proof: proveIdentity(signer, conn.proofMaterial()!),
      },
    });
    return { conn, answer: await answer };
  }

  it('welcomes a proven node, and proves its own id over the same session', async () => {
    const { conn, answer } = await helloAs(ann, ann);
    expect(answer.kind).toBe('welcome');
    const welcome = answer.kind === 'welcome' ? answer.welcome : undefined;
    expect(identityProven(welcome!.relayId!, welcome!.relayKeys, welcome!.proof, conn.proofMaterial()!)).toBe(true);
    conn.close();
  });

  it('refuses a node that borrows another one’s id, even with the keys the roster shows', async () => {
    const { conn, answer } = await helloAs(ann, eve);
    expect(answer.kind).toBe('error');
    expect(answer.kind === 'error' ? answer.error.code : undefined).toBe('BAD_IDENTITY');
    await new Promise((resolve) => (conn.isOpen ? conn.once('close', resolve) : resolve(undefined)));
  });
});
