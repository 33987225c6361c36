import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameDeadline } from '../../src/net/frame-deadline.js';

describe('FrameDeadline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Reads at the given times (ms from now), each leaving a frame unfinished or not, ending so many frames. */
  function run(deadlineMs: number, reads: [at: number, unfinished: boolean, framesEnded: number][], paused = () => false): number[] {
    const expired: number[] = [];
    const deadline = new FrameDeadline(deadlineMs, (age) => expired.push(age), paused);
    const start = Date.now();
    for (const [at, unfinished, ended] of reads) {
      vi.advanceTimersByTime(start + at - Date.now());
      deadline.read(performance.now(), unfinished, ended);
    }
    vi.advanceTimersByTime(10 * deadlineMs + 1);
    deadline.stop();
    return expired;
  }

  it('expires a frame left unfinished deadlineMs after its first byte, however often more bytes come', () => {
    const trickle = Array.from({ length: 200 }, (_, i): [number, boolean, number] => [i * 10, true, 0]);
    expect(run(1_000, trickle)).toEqual([1_000]);
  });

  it('starts the clock again for each new frame, and stops it when none is unfinished', () => {
    // A frame begun at 0 ends at 900, the next begins in that same read and is whole at 1,500.
    expect(run(1_000, [[0, true, 0], [900, true, 1], [1_500, false, 1]])).toEqual([]);
    // The second frame is not whole: it expires 1,000 ms after it began, at 1,900.
    expect(run(1_000, [[0, true, 0], [900, true, 1], [1_500, true, 0]])).toEqual([1_000]);
  });

  it('gives a frame its time again while it is not read by our choice, and never expires with a deadline of 0', () => {
    let paused = true;
    const expired: number[] = [];
    const deadline = new FrameDeadline(1_000, (age) => expired.push(age), () => paused);
    deadline.read(performance.now(), true, 0);
    vi.advanceTimersByTime(3_000);
    expect(expired).toEqual([]);
    paused = false;
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([1_000]);
    expect(run(0, [[0, true, 0]])).toEqual([]);
  });

  it('runs on a monotonic clock: a step of the wall clock neither expires a young frame nor keeps an old one alive', () => {
    const expired: number[] = [];
    const deadline = new FrameDeadline(1_000, (age) => expired.push(age));
    // A frame ends at 900 and the next begins in that read; the wall clock then steps an hour ahead.
    deadline.read(performance.now(), true, 0);
    vi.advanceTimersByTime(900);
    deadline.read(performance.now(), true, 1);
    vi.setSystemTime(Date.now() + 3_600_000);
    vi.advanceTimersByTime(999);
    expect(expired).toEqual([]);
    // An hour back now: the frame still expires 1,000 ms after it began, not an hour later.
    vi.setSystemTime(Date.now() - 7_200_000);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual([1_000]);
    deadline.stop();
  });

  it('reads the time from the clock it is given', () => {
    let now = 5_000;
    const expired: number[] = [];
    const deadline = new FrameDeadline(1_000, (age) => expired.push(age), () => false, () => now);
    deadline.read(now, true, 0);
    // The timer fires at 1,000 ms, but this clock says only 400 have passed: it waits the other 600.
    now += 400;
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual([]);
    now += 700;
    vi.advanceTimersByTime(600);
    expect(expired).toEqual([1_100]);
    deadline.stop();
  });
});
