import { describe, expect, it } from 'vitest';
import { compareHlc, MAX_CLOCK_SKEW_MS, observe, tick } from '../../src/chat/clock.js';

describe('hybrid logical clock', () => {
  it('follows the wall clock when it moves forward', () => {
    expect(tick({ time: 100, counter: 5 }, 200)).toEqual({ time: 200, counter: 0 });
  });

  it('counts within one millisecond and when the wall clock steps back', () => {
    expect(tick({ time: 200, counter: 0 }, 200)).toEqual({ time: 200, counter: 1 });
    expect(tick({ time: 200, counter: 1 }, 150)).toEqual({ time: 200, counter: 2 });
  });

  it('moves past a remote timestamp it observes, so later local events sort after it', () => {
    const seen = observe({ time: 100, counter: 0 }, { time: 150, counter: 4 }, 120);
    expect(seen).toEqual({ time: 150, counter: 4 });
    const next = tick(seen, 120);
    expect(compareHlc(next, { time: 150, counter: 4 })).toBeGreaterThan(0);
  });

  it('ignores an older remote timestamp', () => {
    expect(observe({ time: 500, counter: 2 }, { time: 400, counter: 9 }, 500)).toEqual({ time: 500, counter: 2 });
  });

  it('clamps a remote clock running far ahead', () => {
    const now = 1_000_000;
    const seen = observe({ time: now, counter: 0 }, { time: now + 3_600_000, counter: 0 }, now);
    expect(seen.time).toBe(now + MAX_CLOCK_SKEW_MS);
  });
});
