import { connect } from 'node:net';
import { LanchatError } from '../wire/errors.js';
import { Connection, type ConnectionOptions } from './connection.js';

/** On a LAN a connection is up in milliseconds: a node silent this long is treated as unreachable. */
export const DIAL_TIMEOUT_MS = 1_500;

/** Opens a TCP connection to a lanchat node. Rejects with CONNECT_FAILED on refusal or timeout. */
export function dial(
  host: string,
  port: number,
  options: ConnectionOptions & { timeoutMs?: number } = {},
): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (reason: string): void => {
      socket.destroy();
      reject(new LanchatError('CONNECT_FAILED', `cannot reach ${host}:${port}: ${reason}`));
    };
    const timer = setTimeout(() => fail('timed out'), options.timeoutMs ?? DIAL_TIMEOUT_MS);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code ?? err.message);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new Connection(socket, options));
    });
  });
}
