import { DEFAULT_LIMITS } from '../wire/limits.js';

/** Reconnect delays: 100 ms doubling to 2 s, each with up to ±25 % jitter so members do not dial in step. */
export const BACKOFF_FIRST_MS = DEFAULT_LIMITS.backoffFirstMs;
export const BACKOFF_MAX_MS = DEFAULT_LIMITS.backoffMaxMs;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + random() * 0.5));
}
