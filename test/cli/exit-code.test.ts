import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/exit-code.js';
import { type ErrorCode, LanchatError } from '../../src/wire/errors.js';

// 2: something the user puts right first (what was typed, the data folder); 1: anything else.
const ROWS: [ErrorCode, 1 | 2][] = [
  ['USAGE', 2],
  ['DATA_DIR_ACCESS', 2],
  ['IDENTITY_DAMAGED', 2],
  ['CHAIN_HEAD_DAMAGED', 2],
  ['STORE_DAMAGED', 2],
  ['DATA_DIR_IN_USE', 1],
  ['STORE_FAILED', 1],
  ['CONNECT_FAILED', 1],
];

describe('the exit code of a refusal', () => {
  it.each(ROWS)('%s exits %i', (code, exit) => {
    expect(exitCodeOf(new LanchatError(code, 'x'))).toBe(exit);
  });

  it('an error that is not lanchat’s exits 1', () => {
    expect(exitCodeOf(new Error('bug'))).toBe(1);
    expect(exitCodeOf('bug')).toBe(1);
  });
});
