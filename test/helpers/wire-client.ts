import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import type { Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import type { Frame, FrameKind, FrameOf } from '../../src/wire/codec.js';
import { PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { Waiters } from './waiters.js';

/** A protocol-level client on a real loopback socket, recording every frame it receives. */
export class WireClient {
  readonly conn: Connection;
  readonly frames: { frame: Frame; raw: Buffer }[] = [];
  readonly nodeId: Buffer;
  readonly #waiters = new Waiters();
  readonly closed: Promise<void>;

  private constructor(conn: Connection, nodeId: Buffer) {
    this.conn = conn;
    this.nodeId = nodeId;
    conn.on('frame', (frame, raw) => {
      this.frames.push({ frame, raw: Buffer.from(raw) });
      this.#waiters.notify();
    });
    this.closed = new Promise((resolve) => conn.once('close', () => resolve()));
  }

  static async connect(port: number, nodeId: Buffer = randomBytes(32)): Promise<WireClient> {
    return new WireClient(await dial('127.0.0.1', port, { heartbeatMs: 0 }), nodeId);
  }

  /** Connects and completes the handshake. */
  static async join(port: number, nick: string, rooms = ['#lobby'], network = 'test'): Promise<WireClient> {
    const client = await WireClient.connect(port);
    client.hello(nick, rooms, network);
    await client.next('welcome');
    return client;
  }

  hello(nick: string, rooms = ['#lobby'], network = 'test'): void {
    this.conn.sendFrame({
      hello: { protocolVersion: PROTOCOL_VERSION, nodeId: this.nodeId, nick, rooms, network, listenPort: 0 },
    });
  }

  /** The first frame of this kind received (already or within the timeout) that matches. */
  next<K extends FrameKind>(
    kind: K,
    match: (frame: FrameOf<K>) => boolean = () => true,
    timeoutMs = 3_000,
  ): Promise<{ frame: FrameOf<K>; raw: Buffer }> {
    return this.#waiters.until(
      () => this.frames.find((f) => f.frame.kind === kind && match(f.frame as FrameOf<K>)) as
        | { frame: FrameOf<K>; raw: Buffer }
        | undefined,
      timeoutMs,
      () => `no ${kind} frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.frame.kind).join(',')}`,
    );
  }

  received(kind: FrameKind): Frame[] {
    return this.frames.filter((f) => f.frame.kind === kind).map((f) => f.frame);
  }
}

/** A TCP listener on port 0 handing every connection to `accept`. */
export async function serve(accept: (conn: Connection) => void, heartbeatMs = 0): Promise<{ server: Server; port: number }> {
  return listen(0, accept, { heartbeatMs }, '127.0.0.1');
}
