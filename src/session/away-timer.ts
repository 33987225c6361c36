/**
 * Automatic away (issue 17), as a pure state machine of injected time: after `afterMs` without input the
 * user goes away, and the next input brings them back. An away the user asked for (/away) is theirs: input
 * does not end it, only /back (or /away with no reason) does. `afterMs` 0 never goes away by itself.
 */
export interface AwayClock {
  /** When the user last gave input (a command, a keystroke), ms since the epoch. */
  lastInputAt: number;
  away: 'no' | 'manual' | 'auto';
}

/** What the session does after a step: tell the relay the user went away (automatically) or came back. */
export type AwayAction = 'go-away' | 'come-back' | undefined;

export function awayClock(now: number): AwayClock {
  return { lastInputAt: now, away: 'no' };
}

/** The user gave input at `now`: an automatic away ends. */
export function onInput(clock: AwayClock, now: number): { clock: AwayClock; action: AwayAction } {
  const next = { ...clock, lastInputAt: now };
  if (clock.away !== 'auto') return { clock: next, action: undefined };
  return { clock: { ...next, away: 'no' }, action: 'come-back' };
}

/** The user said /away (`away` true) or /back. */
export function onCommand(clock: AwayClock, away: boolean, now: number): AwayClock {
  return { lastInputAt: now, away: away ? 'manual' : 'no' };
}

/** Time passed to `now`: after `afterMs` without input, away. */
export function onTick(clock: AwayClock, now: number, afterMs: number): { clock: AwayClock; action: AwayAction } {
  if (clock.away !== 'no' || afterMs <= 0 || now - clock.lastInputAt < afterMs) return { clock, action: undefined };
  return { clock: { ...clock, away: 'auto' }, action: 'go-away' };
}

/** When to look again (a tick), or undefined when nothing can happen without input. */
export function nextTick(clock: AwayClock, afterMs: number): number | undefined {
  return clock.away !== 'no' || afterMs <= 0 ? undefined : clock.lastInputAt + afterMs;
}
