import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressGuard } from '../../src/net/address-guard.js';
import type { CloseInfo, Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen, type ListenOptions } from '../../src/net/listener.js';
import { Relay } from '../../src/relay/relay.js';
import { decodeFrame, encodeFrame, type Frame } from '../../src/wire/codec.js';
import { FrameDecoder } from '../../src/wire/frame-decoder.js';
import { Waiters } from '../helpers/waiters.js';

// Real sockets on loopback; other 127/8 source addresses stand in for other hosts.
describe('limits on inbound connections', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const clean of cleanups.splice(0)) clean();
  });

  async function server(options: ListenOptions, onConn: (conn: Connection) => void = () => undefined) {
    const accepted: Connection[] = [];
    const closed: CloseInfo[] = [];
    const waiters = new Waiters();
    const { server: srv, port } = await listen(
      0,
      (conn) => {
        accepted.push(conn);
        cleanups.push(() => conn.close());
        conn.once('close', (info) => {
          closed.push(info);
          waiters.notify();
        });
        onConn(conn);
        waiters.notify();
      },
      options,
      '127.0.0.1',
    );
    cleanups.push(() => srv.close());
    /** Resolves once `n` connections have been accepted / have closed, in all. */
    const acceptedCount = (n: number) => waiters.until(() => accepted[n - 1], 3_000, () => `${accepted.length} of ${n} accepted`);
    const closedCount = (n: number) => waiters.until(() => closed[n - 1], 8_000, () => `${closed.length} of ${n} closed`);
    return { port, accepted, acceptedCount, closedCount };
  }

  /** A raw socket from `from`, collecting the frames it is sent; `closed` resolves with them. */
  function raw(port: number, from: string): Promise<{ socket: Socket; frames: Frame[]; closed: Promise<Frame[]> }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress: from }, () => resolve({ socket, frames, closed }));
      cleanups.push(() => socket.destroy());
      const frames: Frame[] = [];
      const decoder = new FrameDecoder();
      socket.on('data', (d: Buffer) => decoder.push(d, (payload) => frames.push(decodeFrame(payload))));
      socket.once('error', reject);
      const closed = new Promise<Frame[]>((done) => socket.once('close', () => done(frames)));
    });
  }

  const closeOf = (conn: Connection): Promise<CloseInfo> => new Promise((resolve) => conn.once('close', resolve));
  const errorCodes = (frames: Frame[]): string[] => frames.flatMap((f) => (f.kind === 'error' ? [f.error.code ?? ''] : []));

  it('refuses connections over the per-address cap, telling the peer, and counts closed ones out', async () => {
    const guard = new AddressGuard({ maxPerAddress: 2 });
    const { port, accepted, acceptedCount, closedCount } = await server({ heartbeatMs: 0, guard });
    const first = await raw(port, '127.0.0.2');
    await raw(port, '127.0.0.2');
    await acceptedCount(2);
    const third = await raw(port, '127.0.0.2');
    expect(errorCodes(await third.closed)).toEqual(['TOO_MANY_CONNECTIONS']);
    // Another address is not affected.
    await raw(port, '127.0.0.3');
    await acceptedCount(3);
    first.socket.destroy();
    await closedCount(1);
    await raw(port, '127.0.0.2');
    await acceptedCount(4);
    expect(accepted.map((c) => c.remoteAddress)).toEqual(['127.0.0.2', '127.0.0.2', '127.0.0.3', '127.0.0.2']);
    expect(guard.openFrom('127.0.0.2')).toBe(2);
  });

  it('bans an address whose handshakes keep failing, and closes its next connection at accept', async () => {
    const guard = new AddressGuard({ failuresToBan: 3, banMs: 60_000 });
    const relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test', helloTimeoutMs: 100 });
    cleanups.push(() => relay.stop());
    const { port, closedCount } = await server({ heartbeatMs: 0, guard }, (conn) => relay.accept(conn));
    const silent = await raw(port, '127.0.0.4');
    const junk = await raw(port, '127.0.0.4');
    junk.socket.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    const early = await raw(port, '127.0.0.4');
    early.socket.write(encodeFrame({ join: { room: '#x' } }));
    expect(errorCodes(await silent.closed)).toEqual(['HELLO_TIMEOUT']);
    expect(errorCodes(await junk.closed)).toHaveLength(1);
    expect(errorCodes(await early.closed)).toEqual(['UNEXPECTED_FRAME']);
    await closedCount(3);
    expect(guard.isBanned('127.0.0.4')).toBe(true);
    const banned = await raw(port, '127.0.0.4');
    expect(errorCodes(await banned.closed)).toEqual(['BANNED']);
    // Other hosts still get in.
    const ok = await raw(port, '127.0.0.5');
    ok.socket.write(encodeFrame({ hello: { protocolVersion: 1, nodeId: randomBytes(32), nick: 'ok', network: 'test' } }));
    await new Promise<void>((resolve) => ok.socket.once('data', () => resolve()));
    expect(ok.frames.map((f) => f.kind)).toContain('welcome');
  });

  it('counts a socket closed for silence before its first frame as a failed handshake, not one that spoke', async () => {
    const guard = new AddressGuard({ failuresToBan: 2 });
    const { port, closedCount } = await server({ heartbeatMs: 20, deadAfterMs: 100, guard });
    const talker = await raw(port, '127.0.0.7');
    talker.socket.write(encodeFrame({ heartbeat: { time: 1 } }));
    await talker.closed;
    await closedCount(1);
    await raw(port, '127.0.0.7');
    await closedCount(2);
    expect(guard.isBanned('127.0.0.7')).toBe(false);
    await raw(port, '127.0.0.7');
    await closedCount(3);
    expect(guard.isBanned('127.0.0.7')).toBe(true);
  });

  it('slows a peer over the rate to the rate, in order, without dropping it, even with no heartbeats meanwhile', async () => {
    const rate = { ratePerSec: 20, burst: 5 };
    const { port, acceptedCount } = await server({ heartbeatMs: 50, deadAfterMs: 300, rateLimit: rate });
    const client = await dial('127.0.0.1', port, { heartbeatMs: 0 });
    cleanups.push(() => client.close());
    const got: { room: string; at: number; open: boolean }[] = [];
    const conn = await acceptedCount(1);
    const all = new Promise<void>((resolve) => {
      conn.on('frame', (f) => {
        if (f.kind === 'join') got.push({ room: f.join.room ?? '', at: Date.now(), open: conn.isOpen });
        if (got.length === 25) resolve();
      });
    });
    const start = Date.now();
    // One write: the limit cannot rely on the peer's pacing.
    client.send(Buffer.concat(Array.from({ length: 25 }, (_, i) => encodeFrame({ join: { room: `#r${i}` } }))));
    await all;
    expect(got.map((g) => g.room)).toEqual(Array.from({ length: 25 }, (_, i) => `#r${i}`));
    expect(got.every((g) => g.open)).toBe(true);
    // 20 frames past the burst at 20 a second: about a second. Timers fire no earlier than asked.
    expect(got.at(-1)!.at - start).toBeGreaterThanOrEqual(900);
  });

  it('drops a peer that keeps sending over the rate, with RATE_LIMITED', async () => {
    const { port, acceptedCount } = await server({ heartbeatMs: 0, rateLimit: { ratePerSec: 20, burst: 5, dropAfterMs: 500 } });
    const flood = await raw(port, '127.0.0.6');
    const closing = closeOf(await acceptedCount(1));
    const frame = encodeFrame({ join: { room: '#flood' } });
    const started = Date.now();
    // Bounded: at most 5 s of 50 frames every 10 ms.
    const timer = setInterval(() => {
      if (flood.socket.destroyed || Date.now() - started > 5_000) clearInterval(timer);
      else flood.socket.write(Buffer.concat(Array(50).fill(frame)));
    }, 10);
    cleanups.push(() => clearInterval(timer));
    expect((await closing).code).toBe('RATE_LIMITED');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(errorCodes(await flood.closed)).toEqual(['RATE_LIMITED']);
  });
});
