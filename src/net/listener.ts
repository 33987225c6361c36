import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type AddressGuard, refuse } from './address-guard.js';
import { Connection, type ConnectionOptions } from './connection.js';

export interface ListenOptions extends ConnectionOptions {
  /** Caps connections per address and bans addresses that keep failing handshakes; none unless given. */
  guard?: AddressGuard;
}

/**
 * A TCP listener, on every interface unless `host` says otherwise; `port` 0 picks a free one. Resolves
 * once it is accepting.
 */
export async function listen(
  port: number,
  onConnection: (conn: Connection) => void,
  options: ListenOptions = {},
  host?: string,
): Promise<{ server: Server; port: number }> {
  const { guard, ...connectionOptions } = options;
  const server = createServer((socket) => {
    const address = socket.remoteAddress ?? '';
    const refusal = guard?.admit(address);
    if (refusal !== undefined) {
      refuse(socket, refusal);
      return;
    }
    const conn = new Connection(socket, connectionOptions);
    guard?.watch(conn, address);
    onConnection(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : port };
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
