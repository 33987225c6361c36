import type { TypingView } from './views.js';

/**
 * Typing notices (issue 17), as pure functions of injected time. The sender tells a room (or a person) at
 * most every TYPING_SEND_EVERY_MS while its user types; a receiver shows "bob is typing…" until
 * TYPING_EXPIRES_MS after the last notice, or until bob's line comes.
 */
export const TYPING_SEND_EVERY_MS = 3_000;
export const TYPING_EXPIRES_MS = 6_000;

/** The last notice sent: to whom (a room, or `@nick`), and when. */
export interface TypingSent {
  target: string;
  at: number;
}

/** Whether a keystroke at `now` for `target` sends a notice: the first, another target, or 3 s since the last. */
export function typingDue(last: TypingSent | undefined, target: string, now: number): boolean {
  return last === undefined || last.target !== target || now - last.at >= TYPING_SEND_EVERY_MS;
}

/** Who is typing where, until when (ms since the epoch), keyed by typerKey. */
export type Typers = ReadonlyMap<string, { view: TypingView; until: number }>;

function typerKey(fromId: string, room: string | null): string {
  return `${fromId}\0${room ?? ''}`;
}

/** A notice came at `now`: its sender is typing until TYPING_EXPIRES_MS later. */
export function typingSeen(typers: Typers, view: TypingView, now: number): Typers {
  const next = new Map(withoutExpired(typers, now));
  next.set(typerKey(view.fromId, view.room), { view, until: now + TYPING_EXPIRES_MS });
  return next;
}

/** A line came from `fromId` to `room` (null: privately): they are done typing it. */
export function typingDone(typers: Typers, fromId: string, room: string | null): Typers {
  const key = typerKey(fromId, room);
  if (!typers.has(key)) return typers;
  const next = new Map(typers);
  next.delete(key);
  return next;
}

/** The nicks typing in `room` (null: to this user) at `now`, sorted. */
export function typingIn(typers: Typers, room: string | null, now: number): string[] {
  return [...typers.values()]
    .filter((t) => t.view.room === room && t.until > now)
    .map((t) => t.view.nick)
    .sort();
}

/** When the next typer expires (to repaint then), or undefined when nobody is typing. */
export function nextExpiry(typers: Typers, now: number): number | undefined {
  let next: number | undefined;
  for (const { until } of typers.values()) if (until > now && (next === undefined || until < next)) next = until;
  return next;
}

function withoutExpired(typers: Typers, now: number): Typers {
  let expired = false;
  for (const t of typers.values()) if (t.until <= now) expired = true;
  if (!expired) return typers;
  return new Map([...typers].filter(([, t]) => t.until > now));
}
