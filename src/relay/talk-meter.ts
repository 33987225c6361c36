import type { Limits } from '../wire/limits.js';

/** Rates of a member's ephemeral frames (relay/talk.ts), as pure functions of injected time. */

/** What the relay keeps of a member's conversation: rates and idle time. */
export interface TalkMeter {
  /** When the member was admitted, and when it last wrote a line (ms since the epoch). */
  readonly connectedAt: number;
  lastLineAt: number | undefined;
  typing: Bucket;
  away: Bucket;
  whois: Bucket;
}

/** A token bucket: `tokens` left at `at`; it fills at `perMinute` a minute up to `perMinute`. */
export interface Bucket {
  tokens: number;
  at: number;
}

export function newMeter(now: number, limits: Pick<Limits, 'awayChangesPerMinute' | 'whoisPerMinute' | 'typingIntervalMs'>): TalkMeter {
  return {
    connectedAt: now,
    lastLineAt: undefined,
    typing: { tokens: TYPING_BURST, at: now },
    away: { tokens: limits.awayChangesPerMinute, at: now },
    whois: { tokens: limits.whoisPerMinute, at: now },
  };
}

/** Takes one token of `bucket` at `now` if there is one (pure but for the bucket it updates). */
export function take(bucket: Bucket, perMinute: number, now: number, burst = perMinute): boolean {
  const elapsed = Math.max(0, now - bucket.at);
  bucket.tokens = Math.min(burst, bucket.tokens + (elapsed * perMinute) / 60_000);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

/**
 * Typing notices a member may send at once: one to the room it types in and one to the person it switched
 * to, say. After them, one per typingIntervalMs.
 */
export const TYPING_BURST = 3;

/** Whether a typing notice at `now` may pass: one per `intervalMs` after a burst of TYPING_BURST. */
export function typingPasses(meter: TalkMeter, intervalMs: number, now: number): boolean {
  return take(meter.typing, 60_000 / intervalMs, now, TYPING_BURST);
}
