import { describe, expect, it } from 'vitest';
import { PACE_BURST, PACE_PER_SEC, Pacer } from '../../src/member/pacer.js';

/** A clock and a timer the test moves by hand. */
function fakeTime(): { now: () => number; schedule: (run: () => void, ms: number) => { cancel: () => void }; advance: (ms: number) => void } {
  let now = 0;
  let pending: { at: number; run: () => void } | undefined;
  return {
    now: () => now,
    schedule: (run, ms) => {
      const entry = { at: now + ms, run };
      pending = entry;
      return { cancel: () => pending === entry && (pending = undefined) };
    },
    advance(ms) {
      const end = now + ms;
      while (pending !== undefined && pending.at <= end) {
        const due = pending;
        pending = undefined;
        now = due.at;
        due.run();
      }
      now = end;
    },
  };
}

describe('Pacer', () => {
  it('sends a burst at once, then the rest at the pace, in order', () => {
    const time = fakeTime();
    const sent: number[] = [];
    const pacer = new Pacer<number>((n) => sent.push(n), time);
    for (let i = 0; i < 40; i++) pacer.push(i);
    const burst = Math.floor(PACE_BURST);
    expect(sent).toHaveLength(burst);
    time.advance(1_000);
    expect(sent.length).toBeGreaterThanOrEqual(burst + Math.floor(PACE_PER_SEC) - 1);
    expect(sent.length).toBeLessThanOrEqual(burst + Math.ceil(PACE_PER_SEC) + 1);
    time.advance(10_000);
    expect(sent).toEqual([...Array(40).keys()]);
    expect(pacer.waiting).toBe(0);
  });

  it('hands back what waits when the link goes, and sends nothing more of it', () => {
    const time = fakeTime();
    const sent: string[] = [];
    const pacer = new Pacer<string>((s) => sent.push(s), time);
    for (let i = 0; i < 30; i++) pacer.push(`line ${i}`);
    const left = pacer.clear();
    expect(sent.length + left.length).toBe(30);
    expect(left[0]).toBe(`line ${sent.length}`);
    time.advance(10_000);
    expect(sent.length + left.length).toBe(30);
  });
});
