import { randomBytes } from 'node:crypto';
import { connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloseInfo, Connection } from '../../src/net/connection.js';
import { Relay } from '../../src/relay/relay.js';
import { encodeFrame } from '../../src/wire/codec.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { serve, WireClient } from '../helpers/wire-client.js';

// The relay in-process with its default send-buffer caps, on a real loopback listener. One member stops
// reading; the relay must drop it at its cap while the others' chat goes on.
describe('a member that stops reading', () => {
  let relay: Relay;
  let server: Server;
  let port: number;
  const accepted: Connection[] = [];
  const sockets: Socket[] = [];
  let pub: WireClient;
  let fast: WireClient;

  beforeAll(async () => {
    relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test' });
    ({ server, port } = await serve((conn) => {
      accepted.push(conn);
      relay.accept(conn);
    }));
    [pub, fast] = await Promise.all([WireClient.join(port, 'pub'), WireClient.join(port, 'fast')]);
  });
  afterAll(async () => {
    relay.stop();
    for (const s of sockets) s.destroy();
    for (const c of [pub, fast]) c.conn.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const BULK = 'b'.repeat(15 * 1024);
  const BULK_PER_ROUND = 8;
  let seq = 0;

  /**
   * One round of load: bulk lines then a ping, from pub to the room; resolves with the ping's latency
   * once fast has it (fast got the round's bulk before it: the relay keeps each sender's order).
   */
  async function round(): Promise<number> {
    for (let i = 0; i < BULK_PER_ROUND; i++) {
      pub.conn.sendFrame({ message: { origin: pub.nodeId, seq: ++seq, time: Date.now(), nick: 'pub', room: '#lobby', text: BULK } });
    }
    const ping = `ping ${++seq}`;
    const sent = performance.now();
    pub.conn.sendFrame({ message: { origin: pub.nodeId, seq, time: Date.now(), nick: 'pub', room: '#lobby', text: ping } });
    await fast.next('message', (f) => f.message.text === ping, 5_000);
    return performance.now() - sent;
  }

  function summary(ms: number[]): string {
    const sorted = [...ms].sort((a, b) => a - b);
    const at = (q: number): string => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
    return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms over ${sorted.length} rounds`;
  }

  it('is dropped with SLOW_CONSUMER at its cap while every other member gets every line', async () => {
    const before: number[] = [];
    for (let i = 0; i < 40; i++) before.push(await round());

    const slow = connect(port, '127.0.0.1');
    sockets.push(slow);
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write(encodeFrame({ hello: { protocolVersion: PROTOCOL_VERSION, nodeId: randomBytes(32), nick: 'slow', rooms: ['#lobby'], network: 'test' } }));
    slow.pause(); // and never reads again
    await fast.next('presence', (f) => f.presence.peer?.nick === 'slow');
    const slowConn = accepted.find((c) => c.remotePort === slow.localPort)!;
    let closeInfo: CloseInfo | undefined;
    slowConn.once('close', (info) => (closeInfo = info));

    const during: number[] = [];
    let peakBuffered = 0;
    // Bounded: 600 rounds are 70 MiB, far past the cap plus whatever the kernel buffers on loopback.
    for (let i = 0; i < 600 && closeInfo === undefined; i++) {
      during.push(await round());
      peakBuffered = Math.max(peakBuffered, slowConn.bufferedBytes);
    }
    expect(closeInfo?.code).toBe('SLOW_CONSUMER');
    // It was dropped at the cap, not before: the relay held up to 8 MiB for it.
    expect(peakBuffered).toBeGreaterThan(DEFAULT_LIMITS.sendHardBytes - BULK_PER_ROUND * BULK.length - 1_024);
    await fast.next('presence', (f) => f.presence.peer?.nick === 'slow' && f.presence.state === lanchat.Presence.State.LEFT);

    const after: number[] = [];
    for (let i = 0; i < 40; i++) after.push(await round());
    // Fast got every line pub sent, in order: nothing was skipped for it while the slow one was dropped.
    const got = fast.received('message').map((f) => (f.kind === 'message' ? Number(f.message.seq) : -1));
    expect(got).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    expect(pub.conn.isOpen && fast.conn.isOpen).toBe(true);
    console.log(
      `slow member dropped (${closeInfo?.message}) after ${during.length} rounds of ${Math.round((BULK_PER_ROUND * BULK.length) / 1024)} KiB; ` +
        `peak buffered for it ${(peakBuffered / 2 ** 20).toFixed(1)} MiB. Ping latency to a reading member: ` +
        `before ${summary(before)}; while the slow one filled up ${summary(during)}; after ${summary(after)}`,
    );
  });
});
