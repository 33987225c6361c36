import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { LanchatError } from '../wire/errors.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { clientTlsOptions, handshakeProblem, type NetworkSecret } from './secret.js';

/** On a LAN a connection is up in milliseconds: a node silent this long is treated as unreachable. */
export const DIAL_TIMEOUT_MS = DEFAULT_LIMITS.dialTimeoutMs;

export interface DialOptions extends ConnectionOptions {
  timeoutMs?: number;
  /** The network's room secret: the link is TLS with its PSK (the timeout then covers the handshake). */
  secret?: NetworkSecret;
}

/**
 * Opens a connection to a lanchat node. Rejects with CONNECT_FAILED on refusal or timeout, and with
 * WRONG_SECRET when the node's TLS handshake shows it has another secret, or none.
 */
export function dial(host: string, port: number, options: DialOptions = {}): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const secret = options.secret;
    const socket = secret === undefined ? connect({ host, port }) : connectTls({ host, port, ...clientTlsOptions(secret) });
    const fail = (err: LanchatError): void => {
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new LanchatError('CONNECT_FAILED', `cannot reach ${host}:${port}: timed out`)), options.timeoutMs ?? DIAL_TIMEOUT_MS);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const problem = secret === undefined ? undefined : handshakeProblem(err.code);
      if (problem === 'wrong secret') {
        fail(new LanchatError('WRONG_SECRET', `the node at ${host}:${port} has another secret for this network`));
      } else if (problem === 'no secret') {
        fail(new LanchatError('WRONG_SECRET', `the node at ${host}:${port} has no secret (an open network)`));
      } else {
        fail(new LanchatError('CONNECT_FAILED', `cannot reach ${host}:${port}: ${err.code ?? err.message}`));
      }
    });
    socket.once(secret === undefined ? 'connect' : 'secureConnect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new Connection(socket, options));
    });
  });
}
