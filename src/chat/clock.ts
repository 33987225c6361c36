/**
 * Hybrid logical clock: wall-clock milliseconds plus a counter, so that every event a node sees or makes
 * gets a timestamp greater than any it has seen before, even when clocks disagree a little.
 */

import { DEFAULT_LIMITS } from '../wire/limits.js';

export interface HlcTimestamp {
  time: number;
  counter: number;
}

/** A remote clock more than this far ahead of ours is not believed. */
export const MAX_CLOCK_SKEW_MS = DEFAULT_LIMITS.clockSkewMs;

/** The timestamp of a new local event. */
export function tick(last: HlcTimestamp, wallMs: number): HlcTimestamp {
  if (wallMs > last.time) return { time: wallMs, counter: 0 };
  return { time: last.time, counter: last.counter + 1 };
}

/** Merges a timestamp seen in a remote event, clamping a remote clock that runs far ahead. */
export function observe(last: HlcTimestamp, remote: HlcTimestamp, wallMs: number): HlcTimestamp {
  const ceiling = wallMs + MAX_CLOCK_SKEW_MS;
  const seen = remote.time > ceiling ? { time: ceiling, counter: 0 } : remote;
  if (compareHlc(seen, last) <= 0) return last;
  return { time: seen.time, counter: seen.counter };
}

export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.time - b.time || a.counter - b.counter;
}
