import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { nodeKeysOf } from '../../src/identity/node-keys.js';
import { identityProven, proveIdentity } from '../../src/identity/proof.js';
import type { Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import { deriveSecret, type NetworkSecret, TLS_HANDSHAKE_TIMEOUT_MS } from '../../src/net/secret.js';
import { isLanchatError } from '../../src/wire/errors.js';

const group = await deriveSecret('correct horse battery', 'net');
const stranger = await deriveSecret('another passphrase', 'net');

describe('room secret (TLS 1.3 with a PSK)', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  async function server(secret: NetworkSecret | undefined, failures: string[] = []): Promise<{ port: number; accepted: Promise<Connection> }> {
    let accept!: (conn: Connection) => void;
    const accepted = new Promise<Connection>((resolve) => (accept = resolve));
    const { server: srv, port } = await listen(
      0,
      (conn) => {
        closers.push(() => conn.close());
        accept(conn);
      },
      { heartbeatMs: 0, ...(secret === undefined ? {} : { secret, onHandshakeFailed: (_address, reason) => failures.push(reason) }) },
      '127.0.0.1',
    );
    closers.push(() => srv.close());
    return { port, accepted };
  }

  it('derives the same key from the same passphrase and network, another from another network', async () => {
    expect((await deriveSecret('correct horse battery', 'net')).psk.equals(group.psk)).toBe(true);
    expect((await deriveSecret('correct horse battery', 'other')).psk.equals(group.psk)).toBe(false);
    expect(group.tag).not.toBe(stranger.tag);
  });

  it('carries frames between two ends of the same secret, with the same keying material at both', async () => {
    const { port, accepted } = await server(group);
    const client = await dial('127.0.0.1', port, { heartbeatMs: 0, secret: group });
    closers.push(() => client.close());
    const inbound = await accepted;
    const got = new Promise((resolve) => inbound.once('frame', (frame) => resolve(frame.kind === 'heartbeat' ? frame.heartbeat.time : undefined)));
    client.sendFrame({ heartbeat: { time: 42 } });
    expect(await got).toBe(42);
    expect(client.proofMaterial()).toEqual(inbound.proofMaterial());
    expect(client.proofMaterial()).toHaveLength(32);
  });

  it('refuses another secret at both ends, with a clear error', async () => {
    const failures: string[] = [];
    const { port } = await server(group, failures);
    const error = await dial('127.0.0.1', port, { heartbeatMs: 0, secret: stranger }).then(() => undefined, (err: unknown) => err);
    expect(isLanchatError(error, 'WRONG_SECRET')).toBe(true);
    expect((error as Error).message).toMatch(/another secret/);
    await expect.poll(() => failures).toEqual(['wrong secret']);
  });

  it('tells a node with a secret that the other node has none', async () => {
    const { port } = await server(undefined);
    const error = await dial('127.0.0.1', port, { heartbeatMs: 0, secret: group }).then(() => undefined, (err: unknown) => err);
    expect(isLanchatError(error, 'WRONG_SECRET')).toBe(true);
    expect((error as Error).message).toMatch(/no secret/);
  });

  it('drops a TCP connection that never starts its handshake, within the handshake time limit', async () => {
    const failures: string[] = [];
    const { port } = await server(group, failures);
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(Date.now() - started).toBeLessThan(TLS_HANDSHAKE_TIMEOUT_MS + 1_000);
    expect(failures).toHaveLength(1);
  }, 10_000);
});

describe('identity proof over a TLS session', () => {
  const ann = ephemeralIdentity();
  const eve = ephemeralIdentity();
  const session = Buffer.alloc(32, 7);

  it('proves a node id with its own key, on this session only', () => {
    const proof = proveIdentity(ann, session);
    expect(identityProven(ann.nodeId, nodeKeysOf(ann), proof, session)).toBe(true);
    expect(identityProven(ann.nodeId, nodeKeysOf(ann), proof, Buffer.alloc(32, 8))).toBe(false);
  });

  it('does not let another node borrow a node id, with its keys or with its own', () => {
    // Eve has seen Ann's id and public keys (the roster carries them), but signs with her own key.
    expect(identityProven(ann.nodeId, nodeKeysOf(ann), proveIdentity(eve, session), session)).toBe(false);
    expect(identityProven(ann.nodeId, nodeKeysOf(eve), proveIdentity(eve, session), session)).toBe(false);
    expect(identityProven(ann.nodeId, nodeKeysOf(ann), undefined, session)).toBe(false);
  });
});
