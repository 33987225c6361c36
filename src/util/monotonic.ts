/** A clock in milliseconds, injected where a test wants to drive time itself. */
export type Clock = () => number;

/**
 * Milliseconds on a clock that only moves forward at the pace of real time: the wall clock may step (an
 * NTP correction, a user setting the date, a laptop waking) and a deadline or a silence measured on it
 * would then fire at once or not for hours. For durations and deadlines only; its zero means nothing, so
 * never for a time shown, stored or sent (those take Date.now()).
 */
export const monotonicNow: Clock = () => performance.now();
