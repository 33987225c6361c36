import type { Connection, ConnectionOptions } from '../../src/net/connection.js';
import { LanchatError } from '../../src/wire/errors.js';

/**
 * Stands in for src/net/dial.js in the fuzz tests (vi.mock): a member dials whatever the fuzzer's fake
 * relay answers with, in memory, whatever host and port it was given. A fuzzed redirect can name any
 * address; with this, none of them is ever contacted.
 */

export const DIAL_TIMEOUT_MS = 1_500;

let answer: ((options: ConnectionOptions) => Connection) | undefined;

/** Who answers the next dials; undefined refuses them. */
export function answerDials(handler: ((options: ConnectionOptions) => Connection) | undefined): void {
  answer = handler;
}

export async function dial(host: string, port: number, options: ConnectionOptions & { timeoutMs?: number } = {}): Promise<Connection> {
  if (answer === undefined) throw new LanchatError('CONNECT_FAILED', `cannot reach ${host}:${port}: no in-memory relay`);
  const { timeoutMs: _, ...connectionOptions } = options;
  return answer(connectionOptions);
}
