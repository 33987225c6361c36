import type { MessageView } from '../chat/views.js';

/**
 * When to raise a desktop notification (issue 17 item 9), as pure functions of the lines and the time
 * given: no timer, no process. The terminal faces carry out what they say (ui/notifier.ts).
 *
 * A line is worth one when it is live (never history or a catch-up), not this user's own, and private
 * to them or mentions their nick or a --highlight word; never while the terminal reports it has focus.
 * At most one every NOTIFY_GAP_MS: what comes meanwhile is held, and told in one summary when the gap
 * has passed ("3 more from bob").
 */
export const NOTIFY_GAP_MS = 5_000;
/** Senders a summary names at most (the rest are counted). */
const NAMED_SENDERS = 3;

export interface Worthy {
  from: string;
  text: string;
  private: boolean;
}

/** What to show: one line, or a summary of those held. */
export type Notification = { kind: 'line'; from: string; text: string; private: boolean } | { kind: 'summary'; count: number; senders: string[]; others: number };

/** The line as a notification matter: undefined when it is not worth one. */
export function worthNotifying(view: MessageView, nick: string, highlights: readonly string[]): Worthy | undefined {
  if (view.history === true || view.own) return undefined;
  if (view.to !== null) return { from: view.from, text: view.text, private: true };
  const words = [nick, ...highlights];
  return words.some((word) => mentionsWord(view.text, word)) ? { from: view.from, text: view.text, private: false } : undefined;
}

/** `word` as a word of its own in `text`, case-insensitively ("bob:" and "@bob" mention bob; "bobby" does not). */
export function mentionsWord(text: string, word: string): boolean {
  if (word === '') return false;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_-])${escaped}($|[^\\p{L}\\p{N}_-])`, 'iu').test(text);
}

export interface GateState {
  /** When the last notification was shown (ms), if ever. */
  lastShown: number | undefined;
  /** Lines held since, per sender (insertion order: first held first). */
  held: Map<string, number>;
}

export const initialGate = (): GateState => ({ lastShown: undefined, held: new Map() });

/** A worthy line at `now`: shown at once if the gap has passed and nothing is held, else held. */
export function offer(state: GateState, line: Worthy, now: number, focused: boolean): { state: GateState; show: Notification | undefined } {
  if (focused) return { state, show: undefined };
  if (state.held.size === 0 && (state.lastShown === undefined || now - state.lastShown >= NOTIFY_GAP_MS)) {
    return { state: { lastShown: now, held: state.held }, show: { kind: 'line', from: line.from, text: line.text, private: line.private } };
  }
  const held = new Map(state.held);
  held.set(line.from, (held.get(line.from) ?? 0) + 1);
  return { state: { lastShown: state.lastShown, held }, show: undefined };
}

/** When a held summary is due (to set a timer for), if any is held. */
export function dueAt(state: GateState): number | undefined {
  if (state.held.size === 0) return undefined;
  return (state.lastShown ?? 0) + NOTIFY_GAP_MS;
}

/** At `now`: the summary of what was held, once the gap has passed. Focus clears what was held: the user sees it. */
export function flush(state: GateState, now: number, focused: boolean): { state: GateState; show: Notification | undefined } {
  if (state.held.size === 0) return { state, show: undefined };
  if (focused) return { state: { lastShown: state.lastShown, held: new Map() }, show: undefined };
  const due = dueAt(state)!;
  if (now < due) return { state, show: undefined };
  const senders = [...state.held.keys()];
  const count = [...state.held.values()].reduce((a, b) => a + b, 0);
  const show: Notification = { kind: 'summary', count, senders: senders.slice(0, NAMED_SENDERS), others: Math.max(0, senders.length - NAMED_SENDERS) };
  return { state: { lastShown: now, held: new Map() }, show };
}

/** Held senders are bounded: a flood from many nicks holds counts, not lines, for at most this many senders. */
export const MAX_HELD_SENDERS = 100;

/** `state` with its held senders within MAX_HELD_SENDERS (the newest kept counted under the others). */
export function bounded(state: GateState): GateState {
  if (state.held.size <= MAX_HELD_SENDERS) return state;
  const entries = [...state.held.entries()];
  const kept = new Map(entries.slice(0, MAX_HELD_SENDERS - 1));
  const rest = entries.slice(MAX_HELD_SENDERS - 1).reduce((n, [, c]) => n + c, 0);
  kept.set('…', rest);
  return { lastShown: state.lastShown, held: kept };
}
