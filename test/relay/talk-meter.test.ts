import { describe, expect, it } from 'vitest';
import { newMeter, take, TYPING_BURST, typingPasses } from '../../src/relay/talk-meter.js';
import { DEFAULT_LIMITS } from '../../src/wire/limits.js';

const t0 = 1_000_000;

describe("the relay's rates of ephemeral frames, with an injected clock", () => {
  it('passes a burst of typing notices, then one per typingIntervalMs, however many are sent', () => {
    const meter = newMeter(t0, DEFAULT_LIMITS);
    let passed = 0;
    // A member sending a notice every millisecond for 10 s.
    for (let now = t0; now < t0 + 10_000; now++) if (typingPasses(meter, DEFAULT_LIMITS.typingIntervalMs, now)) passed++;
    expect(passed).toBe(TYPING_BURST + Math.floor(10_000 / DEFAULT_LIMITS.typingIntervalMs) - 1);
  });

  it('passes awayChangesPerMinute away changes at once, then fills again at that rate', () => {
    const meter = newMeter(t0, DEFAULT_LIMITS);
    const per = DEFAULT_LIMITS.awayChangesPerMinute;
    let passed = 0;
    for (let i = 0; i < 1_000; i++) if (take(meter.away, per, t0)) passed++;
    expect(passed).toBe(per);
    expect(take(meter.away, per, t0 + 60_000 / per - 1)).toBe(false);
    expect(take(meter.away, per, t0 + 60_000 / per)).toBe(true);
    // A long quiet fills the bucket to its size, no more.
    let later = 0;
    for (let i = 0; i < 1_000; i++) if (take(meter.away, per, t0 + 3_600_000)) later++;
    expect(later).toBe(per);
  });

  it('does not fill backwards when the clock steps back', () => {
    const bucket = { tokens: 0, at: t0 };
    expect(take(bucket, 60, t0 - 60_000)).toBe(false);
  });
});
