import { type ErrorCode, isLanchatError } from '../wire/errors.js';

/**
 * Refusals that the user has to put right before lanchat can run: what was typed, or the data folder (a
 * file where it should be, permissions, a read-only disk, a damaged file). Exit code 2, as for a usage
 * error; anything else that stops lanchat is 1.
 */
const FIX_FIRST: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['USAGE', 'DATA_DIR_ACCESS', 'IDENTITY_DAMAGED', 'CHAIN_HEAD_DAMAGED', 'STORE_DAMAGED']);

export function exitCodeOf(err: unknown): 1 | 2 {
  return isLanchatError(err) && FIX_FIRST.has(err.code) ? 2 : 1;
}
