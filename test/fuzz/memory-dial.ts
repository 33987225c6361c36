import type { Dial } from '../../src/member/member.js';
import type { Connection, ConnectionOptions } from '../../src/net/connection.js';
import { LanchatError } from '../../src/wire/errors.js';

/**
 * A dial (src/net/dial.ts's signature) that `answer` answers in memory, whatever host and port it is
 * given: a member handed it (its `dial` option) reaches the fuzzer's fake relay, and a fuzzed redirect to
 * any address contacts nothing. `answer` returning undefined refuses the dial.
 */
export function memoryDial(answer: (options: ConnectionOptions) => Connection | undefined): Dial {
  return async (host, port, options = {}) => {
    const { timeoutMs: _, secret: __, ...connectionOptions } = options;
    const conn = answer(connectionOptions);
    if (conn === undefined) throw new LanchatError('CONNECT_FAILED', `cannot reach ${host}:${port}: no in-memory relay`);
    return conn;
  };
}
