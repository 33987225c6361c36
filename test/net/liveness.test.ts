import { describe, expect, it, vi } from 'vitest';
import { CountedSilence } from '../../src/net/counted-silence.js';
import { Liveness, type LivenessHooks } from '../../src/net/liveness.js';

describe('CountedSilence', () => {
  // [checks at these times (ms), resets just before these checks] → the count after the last check.
  const cases: [name: string, checks: number[], resets: number[], counted: number][] = [
    ['on-time checks count in full', [250, 500, 750, 1_000], [], 1_000],
    ['a check 3.5 s late counts two intervals', [250, 3_750], [], 750],
    ['checks that all come late still add up', [1_000, 2_000, 3_000, 4_000, 5_000, 6_000], [], 3_000],
    ['a reset starts from nothing (the check after it counts its whole step)', [250, 500, 750, 1_000], [750], 500],
    ['a clock that steps back counts nothing', [250, 100, 350], [], 500],
  ];
  it.each(cases)('%s', (_name, checks, resets, counted) => {
    const silence = new CountedSilence(0, 500);
    for (const at of checks) {
      if (resets.includes(at)) silence.reset();
      silence.check(at);
    }
    expect(silence.ms).toBe(counted);
  });
});

describe('Liveness, with its own clock', () => {
  const options = { heartbeatMs: 1_000, deadAfterMs: 3_000, sendStallMs: 10_000 };
  const afterIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  function watch(send: { buffered: number; written: number } = { buffered: 0, written: 0 }): { liveness: Liveness; dead: string[]; slow: string[]; alive: number[] } {
    const dead: string[] = [];
    const slow: string[] = [];
    const alive: number[] = [];
    const hooks: LivenessHooks = {
      throttled: () => false,
      sendState: () => send,
      dead: (message) => dead.push(message),
      slow: (message) => slow.push(message),
      alive: (now) => alive.push(now),
    };
    return { liveness: new Liveness(options, hooks, () => 0), dead, slow, alive };
  }

  /** Checks every 250 ms from `from` (exclusive) to `to` (inclusive). */
  function onTime(liveness: Liveness, from: number, to: number): void {
    for (let at = from + 250; at <= to; at += 250) liveness.check(at);
  }

  it('declares a silent peer dead after 3 s of on-time checks', async () => {
    const { liveness, dead } = watch();
    onTime(liveness, 0, 2_750);
    await afterIo();
    expect(dead).toEqual([]);
    liveness.check(3_000);
    await afterIo();
    expect(dead).toEqual(['nothing heard for 3000 ms']);
  });

  it('does not take its own 3.5 s stall for the peer’s silence, and still sends its heartbeat at once', async () => {
    const { liveness, dead, alive } = watch();
    onTime(liveness, 0, 1_000);
    liveness.heard();
    // The event loop was blocked from 1,000 to 4,500: the first check after it comes 3.5 s late.
    liveness.check(4_500);
    await afterIo();
    expect(dead).toEqual([]);
    expect(alive.at(-1)).toBe(4_500);
    // A peer that really stays silent from then on is dead 3 s of counted time after it was heard: the
    // stall counts two intervals (500 ms), the on-time checks after it the rest.
    onTime(liveness, 4_500, 6_750);
    await afterIo();
    expect(dead).toEqual([]);
    liveness.check(7_000);
    await afterIo();
    expect(dead).toEqual(['nothing heard for 3000 ms']);
  });

  it('reads what waited in the socket before its verdict: a frame read in the same turn keeps the link', async () => {
    const { liveness, dead } = watch();
    onTime(liveness, 0, 2_750);
    // A stall, then the check that reaches the limit; the poll phase of that turn reads a heartbeat.
    liveness.check(5_000);
    liveness.heard();
    await afterIo();
    expect(dead).toEqual([]);
  });

  it('still finds a dead peer when every check comes late (a loaded machine)', async () => {
    const { liveness, dead } = watch();
    for (let at = 1_000; at <= 5_000; at += 1_000) liveness.check(at);
    await afterIo();
    expect(dead).toEqual([]);
    liveness.check(6_000);
    await afterIo();
    expect(dead).toEqual(['nothing heard for 3000 ms']);
  });

  it('counts a send buffer that does not drain the same way: not the time this process stalled', () => {
    const { liveness, slow } = watch({ buffered: 100, written: 0 });
    const checks = (from: number, to: number): void => {
      for (let at = from + 250; at <= to && slow.length === 0; at += 250) {
        liveness.heard();
        liveness.check(at);
      }
    };
    checks(0, 5_000);
    liveness.check(65_000); // a minute's stall of this process counts 500 ms
    checks(65_000, 69_500);
    expect(slow).toEqual([]);
    checks(69_500, 80_000);
    expect(slow).toEqual(['peer has read nothing for 10250 ms']);
  });

  it('counts on a monotonic clock when it runs on its timer: a wall clock stepped an hour ahead is no silence', async () => {
    // Timers, Date and the monotonic clock faked; setImmediate (the verdict's turn) is real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date', 'performance'] });
    try {
      const dead: string[] = [];
      const hooks: LivenessHooks = { throttled: () => false, sendState: () => ({ buffered: 0, written: 0 }), dead: (m) => dead.push(m), slow: () => undefined, alive: () => undefined };
      const liveness = new Liveness(options, hooks);
      liveness.start();
      vi.advanceTimersByTime(2_500);
      vi.setSystemTime(Date.now() + 3_600_000);
      vi.advanceTimersByTime(250);
      await afterIo();
      expect(dead).toEqual([]);
      vi.advanceTimersByTime(250);
      await afterIo();
      expect(dead).toEqual(['nothing heard for 3000 ms']);
      liveness.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
