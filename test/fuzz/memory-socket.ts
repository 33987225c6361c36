import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { Connection, type ConnectionOptions } from '../../src/net/connection.js';

/**
 * One end of an in-memory socket pair, standing in for a TCP socket under a Connection: what one end
 * writes the other reads, in order, and an end or a destroy reaches the other side as TCP's would (no
 * half-open connections, as net.Socket by default). Tens of thousands of fuzz cases cannot each pay for
 * a loopback connection; and bytes fed with `receive` reach the Connection's frame handler at once.
 */
export class MemorySocket extends Duplex {
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort: number;
  bytesWritten = 0;
  peer: MemorySocket | undefined;
  #eof = false;

  constructor(port: number) {
    super({ allowHalfOpen: false });
    this.remotePort = port;
  }

  setNoDelay(): this {
    return this;
  }

  /** Bytes arriving from the peer (or, to fuzz, from the test); null for the peer's end. */
  receive(chunk: Buffer | null): void {
    if (this.#eof || this.destroyed) return;
    if (chunk === null) this.#eof = true;
    this.push(chunk);
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytesWritten += chunk.length;
    this.peer?.receive(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.receive(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.peer?.receive(null);
    callback(error);
  }
}

let nextPort = 40_000;

/** Two connected in-memory sockets. */
export function memoryPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket(nextPort++);
  const b = new MemorySocket(nextPort++);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** A Connection over one end of an in-memory pair. */
export function memoryConnection(socket: MemorySocket, options: ConnectionOptions = {}): Connection {
  // A Connection needs only the stream side of a socket and the few fields MemorySocket has.
  return new Connection(socket as unknown as Socket, { heartbeatMs: 0, ...options });
}
