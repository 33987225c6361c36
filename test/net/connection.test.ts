import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connection, type CloseInfo } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import { encodeFrame, encodeMessageFrame } from '../../src/wire/codec.js';
import { isLanchatError } from '../../src/wire/errors.js';

// Real sockets on 127.0.0.1; the server side is a Connection with the options under test.
describe('Connection', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const clean of cleanups.splice(0)) clean();
  });

  async function serverWith(options: ConstructorParameters<typeof Connection>[1]): Promise<{
    port: number;
    accepted: Promise<Connection>;
  }> {
    let hand: (c: Connection) => void = () => undefined;
    const accepted = new Promise<Connection>((resolve) => (hand = resolve));
    const { server, port } = await listen(0, hand, options);
    cleanups.push(() => server.close());
    return { port, accepted };
  }

  function rawClient(port: number): Promise<Socket> {
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      cleanups.push(() => socket.destroy());
    });
  }

  const closeOf = (conn: Connection): Promise<CloseInfo> => new Promise((resolve) => conn.once('close', resolve));

  it('carries frames both ways', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 0 });
    const client = await dial('127.0.0.1', port, { heartbeatMs: 0 });
    cleanups.push(() => client.close());
    const server = await accepted;
    const atServer = new Promise((resolve) => server.once('frame', (f) => resolve(f.kind)));
    client.sendFrame({ join: { room: '#a' } });
    expect(await atServer).toBe('join');
    const atClient = new Promise((resolve) => client.once('frame', (f) => resolve(f.kind)));
    server.sendFrame({ part: { room: '#a' } });
    expect(await atClient).toBe('part');
  });

  it('never throws on a frame too large to send: it is not sent, and the connection goes on', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 0 });
    const client = await dial('127.0.0.1', port, { heartbeatMs: 0 });
    cleanups.push(() => client.close());
    const server = await accepted;
    const frames: string[] = [];
    const arrived = new Promise<void>((resolve) => server.on('frame', (f) => frames.push(f.kind ?? '?') && f.kind === 'part' && resolve()));
    const huge = { syncBatch: { messages: [Buffer.alloc(300 * 1024)], more: false } };
    expect(() => encodeFrame(huge)).toThrow(/refusing to send/);
    expect(client.sendFrame(huge)).toBe(false);
    expect(client.sendFrame({ part: { room: '#a' } })).toBe(true);
    await arrived;
    expect(frames).toEqual(['part']);
    expect(client.isOpen).toBe(true);
  });

  it('closes on an oversized frame, telling the peer why', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 0, maxFrameBytes: 1024 });
    const socket = await rawClient(port);
    const server = await accepted;
    const reply: Buffer[] = [];
    socket.on('data', (d: Buffer) => reply.push(d));
    const clientClosed = new Promise((resolve) => socket.once('close', resolve));
    const closing = closeOf(server);
    socket.write(Buffer.from([0x81, 0x08])); // 1025
    const info = await closing;
    expect(info).toMatchObject({ code: 'FRAME_TOO_LARGE', byPeer: false });
    await clientClosed;
    expect(Buffer.concat(reply).toString('latin1')).toContain('FRAME_TOO_LARGE');
  });

  it('closes a peer that stays silent past the liveness limit', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 20, deadAfterMs: 100 });
    const socket = await rawClient(port);
    socket.resume();
    const info = await closeOf(await accepted);
    expect(info.code).toBe('HEARTBEAT_TIMEOUT');
  });

  it('sends heartbeats so a live but quiet peer is not declared dead', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 20, deadAfterMs: 100 });
    const client = await dial('127.0.0.1', port, { heartbeatMs: 20, deadAfterMs: 100 });
    cleanups.push(() => client.close());
    const server = await accepted;
    let beats = 0;
    await new Promise<void>((resolve) =>
      server.on('frame', (f) => {
        if (f.kind === 'heartbeat' && ++beats === 10) resolve();
      }),
    );
    expect(server.isOpen && client.isOpen).toBe(true);
  });

  it('keeps sending heartbeats when the wall clock steps back an hour (an NTP step): the link lives', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 20, deadAfterMs: 100 });
    const client = await dial('127.0.0.1', port, { heartbeatMs: 20, deadAfterMs: 100 });
    cleanups.push(() => client.close());
    const server = await accepted;
    // Only Date is faked: timers, sockets and the monotonic clock run as they do.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    cleanups.push(() => vi.useRealTimers());
    vi.setSystemTime(Date.now() - 3_600_000);
    const outcome = (conn: Connection): Promise<string> =>
      new Promise((resolve) => {
        let beats = 0;
        conn.on('frame', (f) => f.kind === 'heartbeat' && ++beats === 10 && resolve('beats'));
        conn.once('close', (info: CloseInfo) => resolve(info.code));
      });
    expect(await Promise.all([outcome(server), outcome(client)])).toEqual(['beats', 'beats']);
  });

  it('does not take a stall of its own event loop for the peer’s silence', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 100, deadAfterMs: 300 });
    const client = await dial('127.0.0.1', port, { heartbeatMs: 100, deadAfterMs: 300 });
    cleanups.push(() => client.close());
    const server = await accepted;
    const beats = (conn: Connection, count: number): Promise<string> =>
      new Promise((resolve) => {
        let seen = 0;
        conn.on('frame', (f) => f.kind === 'heartbeat' && ++seen === count && resolve('beats'));
        conn.once('close', (info) => resolve(info.code));
      });
    expect(await beats(server, 2)).toBe('beats');
    // Both ends live in this process: blocking it for 4 times the limit stalls both; each end's
    // heartbeats wait unsent, and the other's unread, in the sockets. Neither peer fell silent.
    const until = Date.now() + 1_200;
    while (Date.now() < until) {
      // busy: a long synchronous task
    }
    const after = await Promise.all([beats(server, 3), beats(client, 3)]);
    expect(after).toEqual(['beats', 'beats']);
    expect(server.isOpen && client.isOpen).toBe(true);
  });

  async function pushFrames(conn: Connection, count: number): Promise<boolean> {
    const frame = encodeFrame({ error: { code: 'X', message: 'y'.repeat(16 * 1024) } });
    let congested = false;
    for (let i = 0; i < count && conn.isOpen; i++) {
      if (!conn.send(frame)) congested = true;
      await new Promise((resolve) => setImmediate(resolve)); // one frame per turn: corking does not pile up
    }
    return congested;
  }

  it('drops a peer that stops reading once its send buffer passes the hard cap', async () => {
    const caps = { heartbeatMs: 0, sendSoftBytes: 256 * 1024, sendHardBytes: 1024 * 1024 };
    const { port, accepted } = await serverWith(caps);
    const socket = await rawClient(port);
    socket.pause();
    const server = await accepted;
    const closing = closeOf(server);
    expect(await pushFrames(server, 4_000)).toBe(true);
    expect((await closing).code).toBe('SLOW_CONSUMER');
  });

  it('keeps a peer that reads, under the same load', async () => {
    const caps = { heartbeatMs: 0, sendSoftBytes: 256 * 1024, sendHardBytes: 1024 * 1024 };
    const { port, accepted } = await serverWith(caps);
    const socket = await rawClient(port);
    const target = 1_000 * 16 * 1024;
    let received = 0;
    const allReceived = new Promise<void>((resolve) =>
      socket.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= target) resolve();
      }),
    );
    const server = await accepted;
    await pushFrames(server, 1_000);
    expect(server.isOpen).toBe(true);
    await allReceived;
  });

  it('fails to dial a closed port with CONNECT_FAILED', async () => {
    const { server, port } = await listen(0, () => undefined);
    await new Promise((resolve) => server.close(resolve));
    let error: unknown;
    try {
      await dial('127.0.0.1', port);
    } catch (err) {
      error = err;
    }
    expect(isLanchatError(error, 'CONNECT_FAILED')).toBe(true);
  });

  it('with messageBytes, hands chat message frames over as their bytes, in order with the other frames', async () => {
    const { port, accepted } = await serverWith({ heartbeatMs: 0 });
    const client = await dial('127.0.0.1', port, { heartbeatMs: 0, messageBytes: true });
    cleanups.push(() => client.close());
    const server = await accepted;
    const got: string[] = [];
    const done = new Promise<void>((resolve) => {
      client.on('frame', (frame) => got.push(frame.kind ?? '?') && frame.kind === 'part' && resolve());
      client.on('message', (bytes, raw) => got.push(`message ${Buffer.from(bytes).toString()} in ${raw.length}`));
    });
    // One write: the three frames come in one chunk.
    server.send(Buffer.concat([encodeMessageFrame(Buffer.from('one')), encodeFrame({ join: { room: '#a' } }), encodeMessageFrame(Buffer.from('two')), encodeFrame({ part: { room: '#a' } })]));
    await done;
    expect(got).toEqual(['message one in 6', 'join', 'message two in 6', 'part']);
  });
});
