import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { FrameDecoder } from '../../src/wire/frame-decoder.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { Cluster, type LanchatProcess } from '../helpers/lanchat-process.js';

// A real relay process (--host, no discovery) on loopback with two real members. Junk comes from other
// 127/8 source addresses, standing in for other hosts of the LAN.
describe('limits of a running relay', () => {
  const cluster = new Cluster();
  let port: number;
  let relay: LanchatProcess;
  let ann: LanchatProcess;
  let ben: LanchatProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    ({ proc: relay, port } = await cluster.relay('hub'));
    [ann, ben] = await Promise.all([cluster.member('ann', port), cluster.member('ben', port)]);
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await cluster.cleanup();
  });

  /** A raw socket from `from`; `outcome` resolves when it closes, with the error codes it was sent. */
  function raw(from: string): Promise<{ socket: Socket; outcome: Promise<{ codes: string[]; at: number }> }> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress: from });
      sockets.push(socket);
      const codes: string[] = [];
      const decoder = new FrameDecoder();
      socket.on('data', (d: Buffer) => {
        try {
          decoder.push(d, (payload) => {
            const frame = decodeFrame(payload);
            if (frame.kind === 'error') codes.push(frame.error.code ?? '');
          });
        } catch {
          codes.push('UNREADABLE');
        }
      });
      const outcome = new Promise<{ codes: string[]; at: number }>((done) => {
        socket.once('close', () => done({ codes, at: Date.now() }));
      });
      socket.once('error', (err) => (socket.connecting ? reject(err) : undefined));
      socket.once('connect', () => resolve({ socket, outcome }));
    });
  }

  function rssKiB(pid: number): number {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return Number(line?.replace(/\D+/g, '') ?? 0);
  }

  /**
   * Both send `count` lines at a typing pace; resolves with each line's time from being typed to being
   * shown on the other side, once every line has arrived there.
   */
  async function chat(tag: string, count: number): Promise<number[]> {
    const arrivals: Promise<number>[] = [];
    for (let i = 0; i < count; i++) {
      for (const [author, reader] of [[ann, ben], [ben, ann]] as const) {
        const text = `${tag} ${author === ann ? 'ann' : 'ben'} ${i}`;
        const sent = Date.now();
        arrivals.push(reader.waitForText(text).then(() => Date.now() - sent));
        author.send(text);
      }
      await new Promise((resolve) => setTimeout(resolve, 100)); // typing pace, not a wait for an event
    }
    return Promise.all(arrivals);
  }

  function summary(ms: number[]): string {
    const sorted = [...ms].sort((a, b) => a - b);
    return `p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`;
  }

  it('closes a silent socket within the hello timeout', async () => {
    const start = Date.now();
    const { outcome } = await raw('127.0.0.1');
    const { codes, at } = await outcome;
    // The liveness limit (3 s of silence) comes first and closes without a word; the hello timeout is the bound.
    expect(codes.filter((c) => c !== 'HELLO_TIMEOUT')).toEqual([]);
    expect(at - start).toBeLessThan(DEFAULT_LIMITS.helloTimeoutMs + 1_500);
    console.log(`silent socket closed after ${at - start} ms`);
  });

  it('keeps the room working through a 300-connection junk flood, and closes every junk connection', async () => {
    const quiet = await chat('quiet', 10);
    const rssBefore = rssKiB(relay.pid);
    const half = encodeFrame({ hello: { protocolVersion: PROTOCOL_VERSION, nodeId: randomBytes(32), nick: 'half', network: 'lanchat' } });
    const junk: ((s: Socket) => void)[] = [
      (s) => s.write(randomBytes(1_024 + Math.floor(Math.random() * 3_072))),
      (s) => s.write(Buffer.from([0xff, 0xff, 0xff, 0x7f])),
      (s) => s.write(half.subarray(0, half.length >> 1)),
      () => undefined, // silent
      (s) => s.write(encodeFrame({ join: { room: '#lobby' } })),
    ];
    const start = Date.now();
    const outcomes: Promise<{ codes: string[]; at: number }>[] = [];
    // 20 hosts with 15 connections each: under the per-host cap, over the failures that earn a ban.
    const opening: Promise<void>[] = [];
    for (let host = 0; host < 20; host++) {
      for (let i = 0; i < 15; i++) {
        opening.push(
          raw(`127.0.0.${10 + host}`).then(({ socket, outcome }) => {
            outcomes.push(outcome);
            junk[i % junk.length]!(socket);
          }),
        );
      }
    }
    // Meanwhile the two members chat, both ways.
    const lines = 10;
    const during = await chat('flood', lines);
    await Promise.allSettled(opening);
    expect(outcomes).toHaveLength(300);
    const closed = await Promise.all(outcomes);
    const lastClose = Math.max(...closed.map((c) => c.at)) - start;
    expect(lastClose).toBeLessThan(DEFAULT_LIMITS.helloTimeoutMs + 3_000);
    // Every line arrived once, in order, on the other side.
    for (const [reader, author] of [[ben, 'ann'], [ann, 'ben']] as const) {
      const texts = reader.all('message', (e) => String(e.text).startsWith(`flood ${author}`)).map((e) => e.text);
      expect(texts).toEqual(Array.from({ length: lines }, (_, i) => `flood ${author} ${i}`));
    }
    // Every flooding host failed enough handshakes to be banned: its next connection is refused at accept.
    const again = await raw('127.0.0.10');
    expect((await again.outcome).codes).toEqual(['BANNED']);
    const tally = new Map<string, number>();
    for (const { codes } of closed) {
      const key = codes.join('+') || 'closed';
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    const rssAfter = rssKiB(relay.pid);
    // Loose: junk is closed and forgotten; the relay holds nothing per dead connection.
    expect(rssAfter - rssBefore).toBeLessThan(100 * 1024);
    console.log(
      `junk flood: 300 connections all closed within ${lastClose} ms; outcomes ${JSON.stringify(Object.fromEntries(tally))}; ` +
        `relay RSS ${Math.round(rssBefore / 1024)} → ${Math.round(rssAfter / 1024)} MiB; ` +
        `chat latency before ${summary(quiet)}, during ${summary(during)}`,
    );
    // And the room still works after it.
    ann.send('after the flood');
    await ben.waitForText('after the flood');
  });

  it('a member pasting a block keeps to the rate; every line arrives in order and nobody is dropped', async () => {
    const count = 50;
    const lines = Array.from({ length: count }, (_, i) => `paste ${i}`);
    const start = Date.now();
    ann.send(lines.join('\n')); // one write: a paste
    for (const line of lines) await ben.waitForText(line, 15_000);
    const elapsed = Date.now() - start;
    expect(ben.all('message', (e) => String(e.text).startsWith('paste ')).map((e) => e.text)).toEqual(lines);
    // How fast is not asserted: the member paces itself (src/member/pacer.ts), and a sync round that
    // happens meanwhile may carry the rest at once.
    expect(ann.all('connection', (e) => e.state === 'disconnected')).toEqual([]);
    expect(ann.all('error')).toEqual([]);
    console.log(`a ${count}-line paste reached the other member in ${elapsed} ms`);
  });

  it('never limits the relay’s own user, whose member is the relay process itself', async () => {
    const count = 200;
    const lines = Array.from({ length: count }, (_, i) => `own ${i}`);
    const start = Date.now();
    relay.send(lines.join('\n'));
    await ben.waitForText(lines.at(-1)!, 15_000);
    const elapsed = Date.now() - start;
    expect(ben.all('message', (e) => String(e.text).startsWith('own ')).map((e) => e.text)).toEqual(lines);
    // At the member rate this would take 18 s; half of that shows it was not applied.
    expect(elapsed).toBeLessThan((((count - DEFAULT_LIMITS.rateBurst) / DEFAULT_LIMITS.ratePerSec) * 1_000) / 2);
    console.log(`${count} lines from the relay's own user reached a member in ${elapsed} ms`);
  });
});
