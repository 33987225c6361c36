import { describe, expect, it } from 'vitest';
import { awayClock, nextTick, onCommand, onInput, onTick } from '../../src/session/away-timer.js';

const MIN = 60_000;
const t0 = 10_000_000;

describe('automatic away, with an injected clock', () => {
  it('goes away after the minutes without input, once, and comes back on the next input', () => {
    let clock = awayClock(t0);
    expect(nextTick(clock, 10 * MIN)).toBe(t0 + 10 * MIN);
    expect(onTick(clock, t0 + 10 * MIN - 1, 10 * MIN).action).toBeUndefined();
    const away = onTick(clock, t0 + 10 * MIN, 10 * MIN);
    expect(away.action).toBe('go-away');
    clock = away.clock;
    expect(clock.away).toBe('auto');
    expect(onTick(clock, t0 + 60 * MIN, 10 * MIN).action).toBeUndefined();
    expect(nextTick(clock, 10 * MIN)).toBeUndefined();
    const back = onInput(clock, t0 + 61 * MIN);
    expect(back.action).toBe('come-back');
    expect(back.clock).toEqual({ lastInputAt: t0 + 61 * MIN, away: 'no' });
  });

  it('starts counting again at each input', () => {
    const { clock, action } = onInput(awayClock(t0), t0 + 9 * MIN);
    expect(action).toBeUndefined();
    expect(onTick(clock, t0 + 10 * MIN, 10 * MIN).action).toBeUndefined();
    expect(onTick(clock, t0 + 19 * MIN, 10 * MIN).action).toBe('go-away');
  });

  it('never goes away by itself with 0 minutes', () => {
    const clock = awayClock(t0);
    expect(onTick(clock, t0 + 1_000 * MIN, 0).action).toBeUndefined();
    expect(nextTick(clock, 0)).toBeUndefined();
  });

  it('keeps an away the user asked for through input, until /back', () => {
    let clock = onCommand(awayClock(t0), true, t0 + MIN);
    expect(clock.away).toBe('manual');
    const typed = onInput(clock, t0 + 2 * MIN);
    expect(typed.action).toBeUndefined();
    expect(typed.clock.away).toBe('manual');
    expect(onTick(typed.clock, t0 + 100 * MIN, 10 * MIN).action).toBeUndefined();
    clock = onCommand(typed.clock, false, t0 + 3 * MIN);
    expect(clock).toEqual({ lastInputAt: t0 + 3 * MIN, away: 'no' });
    expect(nextTick(clock, 10 * MIN)).toBe(t0 + 13 * MIN);
  });
});
