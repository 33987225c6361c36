import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { frameCost, InboundThrottle, syncBytesCost, TokenBucket, type ThrottleTarget } from '../../src/net/rate-limit.js';
import type { Frame } from '../../src/wire/codec.js';
import { DEFAULT_LIMITS } from '../../src/wire/limits.js';

describe('TokenBucket', () => {
  it('allows a burst, then the sustained rate, and says how long to wait', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 20, () => now);
    for (let i = 0; i < 20; i++) expect(bucket.take(1)).toBe(0);
    expect(bucket.take(1)).toBe(100);
    now += 99;
    expect(bucket.take(1)).toBe(1);
    now += 1;
    expect(bucket.take(1)).toBe(0);
    now += 1_000;
    for (let i = 0; i < 10; i++) expect(bucket.take(1)).toBe(0);
    expect(bucket.take(1)).toBeGreaterThan(0);
  });

  it('never holds more than the burst, however long it rests', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 20, () => now);
    now += 3_600_000;
    expect(bucket.tokens).toBe(20);
  });

  it('charges fractions, and a cost above the burst as a whole bucket', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 2, () => now);
    for (let i = 0; i < 20; i++) expect(bucket.take(0.1)).toBe(0);
    expect(bucket.take(0.1)).toBeGreaterThan(0);
    now += 200;
    expect(bucket.take(50)).toBe(0);
    expect(bucket.tokens).toBe(0);
  });
});

describe('frameCost', () => {
  it('charges what the relay multiplies to everyone a whole token, the rest a fraction', () => {
    expect(frameCost({ kind: 'message' } as Frame)).toBe(1);
    expect(frameCost({ kind: 'join' } as Frame)).toBe(1);
    expect(frameCost({ kind: 'nick' } as Frame)).toBe(1);
    expect(frameCost({ kind: 'heartbeat' } as Frame)).toBe(DEFAULT_LIMITS.rateOtherCost);
    expect(frameCost({ kind: 'syncBatch' } as Frame)).toBe(DEFAULT_LIMITS.rateOtherCost);
  });

  it('charges sync frames their size in sync bytes, and nothing else any', () => {
    for (const kind of ['syncBatch', 'syncRequest', 'syncOffer'] as const) expect(syncBytesCost({ kind } as Frame, Buffer.alloc(4_000))).toBe(4_000);
    for (const kind of ['message', 'heartbeat', 'join'] as const) expect(syncBytesCost({ kind } as Frame, Buffer.alloc(4_000))).toBe(0);
  });
});

describe('InboundThrottle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function harness(options: ConstructorParameters<typeof InboundThrottle>[1]) {
    const log: string[] = [];
    const delivered: number[] = [];
    const target: ThrottleTarget = {
      pause: () => log.push('pause'),
      resume: () => log.push('resume'),
      deliver: (frame) => delivered.push(frame.kind === 'join' ? Number(frame.join.room?.slice(1)) : -1),
      drop: (message) => log.push(`drop: ${message}`),
    };
    const throttle = new InboundThrottle(target, { now: () => Date.now(), ...options });
    // Whole-token frames, numbered by their room so the order they come out in can be checked.
    const chat = (n: number): Frame => ({ kind: 'join', join: { room: `#${n}` } }) as Frame;
    return { log, delivered, throttle, chat };
  }

  it('passes frames under the limit straight through', () => {
    const { log, delivered, throttle, chat } = harness({ ratePerSec: 10, burst: 5 });
    for (let i = 0; i < 5; i++) throttle.push(chat(i), Buffer.alloc(0));
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
    expect(log).toEqual([]);
    expect(throttle.throttled).toBe(false);
  });

  it('stops reading over the limit and hands held frames on, in order, at the rate; then reads again', () => {
    const { log, delivered, throttle, chat } = harness({ ratePerSec: 10, burst: 5 });
    for (let i = 0; i < 15; i++) throttle.push(chat(i), Buffer.alloc(0));
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
    expect(log).toEqual(['pause']);
    expect(throttle.throttled).toBe(true);
    vi.advanceTimersByTime(500);
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    vi.advanceTimersByTime(500);
    expect(delivered).toHaveLength(15);
    expect(log).toEqual(['pause', 'resume']);
    expect(throttle.throttled).toBe(false);
  });

  it('drops a peer that stays over the limit without easing off', () => {
    const { log, delivered, throttle, chat } = harness({ ratePerSec: 10, burst: 5, dropAfterMs: 2_000 });
    let n = 0;
    // The peer refills whatever is read at once: every resume brings another chunk of 10 frames.
    const target = { resumed: 0 };
    for (let round = 0; round < 100 && !log.some((l) => l.startsWith('drop')); round++) {
      const resumes = log.filter((l) => l === 'resume').length;
      if (resumes >= target.resumed) {
        target.resumed = resumes + 1;
        for (let i = 0; i < 10; i++) throttle.push(chat(n++), Buffer.alloc(0));
      }
      vi.advanceTimersByTime(100);
    }
    expect(log.at(-1)).toMatch(/^drop: over the rate limit of 10 frames a second for \d+ ms/);
    expect(Date.now()).toBeGreaterThanOrEqual(2_000);
    expect(Date.now()).toBeLessThan(3_000);
    // Until then it was served at the rate: the burst plus 10 a second.
    expect(delivered.length).toBeGreaterThanOrEqual(5 + 19);
    expect(delivered.length).toBeLessThanOrEqual(5 + 21);
  });

  it('forgives a peer once it eases off: a second paste later is slowed again, not dropped', () => {
    const { log, delivered, throttle, chat } = harness({ ratePerSec: 10, burst: 20, dropAfterMs: 3_000 });
    for (let i = 0; i < 40; i++) throttle.push(chat(i), Buffer.alloc(0));
    vi.advanceTimersByTime(2_000);
    expect(delivered).toHaveLength(40);
    vi.advanceTimersByTime(1_500); // quiet: the bucket is more than half full again
    for (let i = 40; i < 80; i++) throttle.push(chat(i), Buffer.alloc(0));
    vi.advanceTimersByTime(3_000);
    expect(delivered).toHaveLength(80);
    expect(log.some((l) => l.startsWith('drop'))).toBe(false);
  });

  it('reads sync batches at the sync byte rate, in proportion to their size, slowed but never dropped', () => {
    const { log, delivered, throttle } = harness({ ratePerSec: 10, burst: 20, dropAfterMs: 2_000, syncBytesPerSec: 200_000 });
    const batch = { kind: 'syncBatch', syncBatch: { messages: [], more: true } } as Frame;
    // A peer pushing 100 kB batches as fast as it is read, for 10 s (five times the drop time).
    for (let step = 0; step < 1_000 && Date.now() < 10_000; step++) {
      if (!throttle.throttled) throttle.push(batch, Buffer.alloc(100_000));
      vi.advanceTimersByTime(10);
    }
    // 200 kB a second after a burst of 200 kB: 2 + 2 a second of 100 kB, not the 1,000 pushes tried.
    expect(delivered.length).toBeGreaterThanOrEqual(20);
    expect(delivered.length).toBeLessThanOrEqual(23);
    expect(log.some((l) => l.startsWith('drop'))).toBe(false);
  });

  it('charges a chat line held behind sync bytes its token once', () => {
    const { delivered, throttle, chat } = harness({ ratePerSec: 10, burst: 1, syncBytesPerSec: 100 });
    throttle.push({ kind: 'syncBatch', syncBatch: { messages: [] } } as Frame, Buffer.alloc(100));
    throttle.push(chat(1), Buffer.alloc(0));
    throttle.push({ kind: 'syncBatch', syncBatch: { messages: [] } } as Frame, Buffer.alloc(100));
    vi.advanceTimersByTime(1_000);
    expect(delivered).toEqual([-1, 1, -1]);
  });

  it('on release hands on what it holds and limits no more', () => {
    const { log, delivered, throttle, chat } = harness({ ratePerSec: 1, burst: 1 });
    for (let i = 0; i < 3; i++) throttle.push(chat(i), Buffer.alloc(0));
    throttle.release();
    expect(delivered).toEqual([0, 1, 2]);
    expect(log).toEqual(['pause', 'resume']);
  });
});
