import { createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createServer as createTlsServer } from 'node:tls';
import { type AddressGuard, refuse } from './address-guard.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { PartialFrameBudget } from './frame-budget.js';
import { handshakeProblem, type NetworkSecret, serverTlsOptions } from './secret.js';

export interface ListenOptions extends ConnectionOptions {
  /** Caps connections per address and bans addresses that keep failing handshakes; none unless given. */
  guard?: AddressGuard;
  /** The network's room secret: connections are TLS with its PSK, and nothing else is accepted. */
  secret?: NetworkSecret;
  /** A TLS handshake failed (another secret, no TLS at all, too slow): who, and why. */
  onHandshakeFailed?: (address: string, reason: string) => void;
}

/**
 * A TCP listener, on every interface unless `host` says otherwise; `port` 0 picks a free one. Resolves
 * once it is accepting. With a secret, a connection is handed over only once its TLS handshake is done;
 * the guard still judges every TCP connection as it arrives, before any TLS work is spent on it.
 * Its connections share one cap on what they hold for unfinished frames (`frameBudget`, a new one of
 * DEFAULT_LIMITS.partialFramesBytes unless given), returned with the server.
 */
export async function listen(
  port: number,
  onConnection: (conn: Connection) => void,
  options: ListenOptions = {},
  host?: string,
): Promise<{ server: Server; port: number; frameBudget: PartialFrameBudget }> {
  const { guard, secret, onHandshakeFailed, ...rest } = options;
  const connectionOptions = { ...rest, frameBudget: rest.frameBudget ?? new PartialFrameBudget() };
  const handOver = (socket: Socket, counted: boolean): void => {
    const conn = new Connection(socket, connectionOptions);
    guard?.watch(conn, socket.remoteAddress ?? '', { release: counted });
    onConnection(conn);
  };
  let server: Server;
  if (secret === undefined) {
    server = createServer((socket) => {
      const refusal = guard?.admit(socket.remoteAddress ?? '');
      if (refusal !== undefined) refuse(socket, refusal);
      else handOver(socket, true);
    });
  } else {
    const tlsServer = createTlsServer(serverTlsOptions(secret), (socket) => handOver(socket, false));
    // The raw TCP connection: counted from here until it closes, whatever becomes of its handshake.
    tlsServer.on('connection', (raw: Socket) => {
      const address = raw.remoteAddress ?? '';
      if (guard?.admit(address) !== undefined) {
        // No error frame: it would go out in the clear to a peer that speaks TLS.
        raw.destroy();
        return;
      }
      if (guard !== undefined) raw.once('close', () => guard.release(address));
    });
    tlsServer.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
      // Read before destroying: a destroyed socket no longer knows its peer.
      const address = socket.remoteAddress;
      // Node reports a failed handshake (a timeout included) but leaves the socket open.
      socket.destroy();
      // No address: the peer hung up first, or the guard refused it at accept; neither is a failed handshake.
      if (address === undefined) return;
      guard?.failed(address);
      onHandshakeFailed?.(address, handshakeProblem(err.code) ?? err.code ?? err.message);
    });
    server = tlsServer;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : port,
    frameBudget: connectionOptions.frameBudget,
  };
}

/** This machine's own addresses that other LAN hosts could reach, IPv4 first. */
export function lanAddresses(): string[] {
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.internal || (entry.family === 'IPv6' && entry.address.startsWith('fe80'))) continue;
      found.push(entry.address);
    }
  }
  return found.sort((a, b) => Number(a.includes(':')) - Number(b.includes(':')));
}
