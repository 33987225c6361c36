import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AddressGuard } from '../../src/net/address-guard.js';
import type { CloseInfo, Connection } from '../../src/net/connection.js';
import { PartialFrameBudget } from '../../src/net/frame-budget.js';
import { listen, type ListenOptions } from '../../src/net/listener.js';
import { Relay } from '../../src/relay/relay.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { FrameDecoder } from '../../src/wire/frame-decoder.js';
import { Waiters } from '../helpers/waiters.js';

/** A length prefix announcing a full-size frame (256 KiB), as the attack sent before its trickle. */
const BIG_PREFIX = Buffer.from([0x80, 0x80, 0x10]);

/** A budget that wakes the test's waiters whenever a connection reports what it holds. */
class WatchedBudget extends PartialFrameBudget {
  constructor(
    maxBytes: number,
    readonly waiters: Waiters,
  ) {
    super(maxBytes);
  }

  override hold(...args: Parameters<PartialFrameBudget['hold']>): void {
    super.hold(...args);
    this.waiters.notify();
  }
}

interface Attacker {
  socket: Socket;
  /** Error codes the relay sent it. */
  errors: string[];
  closed: Promise<void>;
}

// The slow-frame attack of issue 15 (finding 8) against a real relay on loopback: connections from
// several 127/8 addresses (standing in for hosts) say hello, announce a full-size frame, and send it a
// byte per TCP segment, or most of it at once and then nothing.
describe('unfinished frames on a relay', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const clean of cleanups.splice(0)) clean();
  });

  async function relayServer(maxHeldBytes: number, options: ListenOptions) {
    const waiters = new Waiters();
    const frameBudget = new WatchedBudget(maxHeldBytes, waiters);
    const relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test' });
    cleanups.push(() => relay.stop());
    const closed: CloseInfo[] = [];
    const { server, port } = await listen(
      0,
      (conn: Connection) => {
        conn.once('close', (info) => {
          closed.push(info);
          waiters.notify();
        });
        cleanups.push(() => conn.close());
        relay.accept(conn);
      },
      { guard: new AddressGuard(), frameBudget, ...options },
      '127.0.0.1',
    );
    cleanups.push(() => server.close());
    const closedCount = (n: number, timeoutMs: number) =>
      waiters.until(() => closed[n - 1], timeoutMs, () => `${closed.length} of ${n} closed: ${closed.map((c) => c.code).join(',')}`);
    return { port, frameBudget, closed, waiters, closedCount };
  }

  /** A peer from `from` that has said hello and been welcomed. */
  async function member(port: number, from: string, nick: string): Promise<Attacker> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, localAddress: from }, () => resolve(s));
      s.once('error', reject);
    });
    cleanups.push(() => socket.destroy());
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    const errors: string[] = [];
    const decoder = new FrameDecoder();
    const welcomed = new Promise<void>((resolve) =>
      socket.on('data', (d: Buffer) =>
        decoder.push(d, (payload) => {
          const frame = decodeFrame(payload);
          if (frame.kind === 'welcome') resolve();
          if (frame.kind === 'error') errors.push(frame.error.code ?? '');
        }),
      ),
    );
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(encodeFrame({ hello: { protocolVersion: 1, nodeId: randomBytes(32), nick, rooms: ['#lobby'], network: 'test' } }));
    await welcomed;
    return { socket, errors, closed };
  }

  const addresses = ['127.0.0.10', '127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14', '127.0.0.15'];

  it('closes every connection that trickles a frame a byte at a time at the frame deadline, though each byte comes well within the liveness limit', async () => {
    const deadlineMs = 1_000;
    // Heartbeats on, a peer dead after 400 ms of silence: the trickle (a byte every 10 ms) is never silent.
    const { port, frameBudget, closed, closedCount } = await relayServer(64 * 1024 * 1024, {
      heartbeatMs: 50,
      deadAfterMs: 400,
      frameDeadlineMs: deadlineMs,
    });
    const attackers: Attacker[] = [];
    // One byte to each, in its own write (a TCP segment each, Nagle off), every 10 ms.
    const trickle = setInterval(() => {
      for (const a of attackers) if (!a.socket.destroyed) a.socket.write(Buffer.from([0x41]));
    }, 10);
    cleanups.push(() => clearInterval(trickle));
    await Promise.all(
      Array.from({ length: 48 }, async (_, i) => {
        const attacker = await member(port, addresses[i % addresses.length]!, `t${i}`);
        // Right after its welcome: a full-size frame announced, then the trickle.
        attacker.socket.write(BIG_PREFIX);
        attackers.push(attacker);
      }),
    );
    await closedCount(48, 15_000);
    clearInterval(trickle);
    await Promise.all(attackers.map((a) => a.closed));
    expect(closed.map((c) => c.code)).toEqual(Array(48).fill('FRAME_TIMEOUT'));
    expect(attackers.map((a) => a.errors)).toEqual(Array(48).fill(['FRAME_TIMEOUT']));
    // Each held at most its first 1 KiB of room (a byte every 10 ms for a second); all of it let go.
    expect(frameBudget.peakBytes).toBeLessThanOrEqual(48 * 1024);
    expect(frameBudget.heldBytes).toBe(0);
  });

  it('over the cap on unfinished frames, closes the connection holding the biggest, and the rest go on', async () => {
    const cap = 1024 * 1024;
    const { port, frameBudget, closed, waiters } = await relayServer(cap, { heartbeatMs: 0 });
    const big = await member(port, addresses[0]!, 'big');
    // 200 KiB of a 256 KiB frame, then nothing: it holds at least 200 KiB (at most the frame, 256 KiB).
    big.socket.write(Buffer.concat([BIG_PREFIX, Buffer.alloc(200 * 1024, 1)]));
    await waiters.until(() => (frameBudget.heldBytes >= 200 * 1024 ? true : undefined), 5_000, () => `${frameBudget.heldBytes} held`);
    // Others, 60 KiB each (holding at most 120 KiB each), until the relay holds more than the cap.
    const small: Attacker[] = [];
    for (let i = 0; closed.length === 0; i++) {
      expect(i).toBeLessThan(20);
      const peer = await member(port, addresses[1 + (i % 5)]!, `s${i}`);
      small.push(peer);
      const before = frameBudget.heldBytes;
      peer.socket.write(Buffer.concat([BIG_PREFIX, Buffer.alloc(60 * 1024, 2)]));
      await waiters.until(() => (frameBudget.heldBytes !== before || closed.length > 0 ? true : undefined), 5_000, () => 'no report');
      await waiters.until(() => (frameBudget.heldBytes >= before + 60 * 1024 || closed.length > 0 ? true : undefined), 5_000, () => 'short');
    }
    await big.closed;
    expect(closed.map((c) => c.code)).toEqual(['FRAME_BUFFERS_FULL']);
    expect(big.errors).toEqual(['FRAME_BUFFERS_FULL']);
    expect(small.every((s) => !s.socket.destroyed)).toBe(true);
    expect(frameBudget.peakBytes).toBeLessThanOrEqual(cap);
    expect(frameBudget.heldBytes).toBeLessThanOrEqual(cap);
  });

  it('takes a big frame that comes in slow pieces within the deadline', async () => {
    let accepted: (conn: Connection) => void = () => undefined;
    const connection = new Promise<Connection>((resolve) => (accepted = resolve));
    const { server, port } = await listen(0, (conn) => accepted(conn), { heartbeatMs: 50, deadAfterMs: 400, frameDeadlineMs: 2_000 }, '127.0.0.1');
    cleanups.push(() => server.close());
    const socket = connect(port, '127.0.0.1');
    cleanups.push(() => socket.destroy());
    socket.setNoDelay(true);
    const conn = await connection;
    const received = new Promise<string>((resolve) => conn.on('frame', (f) => f.kind === 'message' && resolve(f.message.text ?? '')));
    const text = 'z'.repeat(16 * 1024);
    const frame = encodeFrame({ message: { seq: 1, nick: 'slow', room: '#lobby', text, time: Date.now() } });
    // Four pieces 150 ms apart (the pacing is the case under test): slower than any one read, and no
    // frame is whole for longer than the liveness limit, but all within the frame's deadline.
    const piece = Math.ceil(frame.length / 4);
    for (let at = 0; at < frame.length; at += piece) {
      socket.write(frame.subarray(at, at + piece));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(await received).toBe(text);
    expect(conn.isOpen).toBe(true);
  });
});
