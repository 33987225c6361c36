import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { Connection, type ConnectionOptions } from './connection.js';

/**
 * A TCP listener, on every interface unless `host` says otherwise; `port` 0 picks a free one. Resolves
 * once it is accepting.
 */
export async function listen(
  port: number,
  onConnection: (conn: Connection) => void,
  options: ConnectionOptions = {},
  host?: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => onConnection(new Connection(socket, options)));
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
