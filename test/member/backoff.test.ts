import { describe, expect, it } from 'vitest';
import { BACKOFF_FIRST_MS, BACKOFF_MAX_MS, backoffDelay } from '../../src/member/backoff.js';

describe('reconnect backoff', () => {
  it('doubles from 100 ms up to 2 s', () => {
    const middle = () => 0.5; // no jitter
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => backoffDelay(a, middle))).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  });

  it('jitters by at most a quarter either way', () => {
    expect(backoffDelay(0, () => 0)).toBe(BACKOFF_FIRST_MS * 0.75);
    expect(backoffDelay(20, () => 0.999999)).toBeLessThanOrEqual(BACKOFF_MAX_MS * 1.25);
  });
});
