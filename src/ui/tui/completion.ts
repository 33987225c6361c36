import type { ChatSession } from '../../session/chat-session.js';
import { COMMANDS } from '../input.js';
import { safeText } from '../../chat/safe-text.js';

/**
 * Tab completion of the word before the cursor: nicks, /commands (only as the line's first word) and
 * #rooms. Repeated Tab presses cycle through the matches, as in irssi; a nick completed at the start of
 * the line gets ": " after it, the irssi convention for addressing someone.
 */
export interface CompletionSources {
  nicks: readonly string[];
  commands: readonly string[];
  rooms: readonly string[];
}

/** Where a Tab press left the line, so that the next Tab offers the next match. */
export interface CompletionCycle {
  /** The line as it was before the first Tab, with the word's start and the word typed. */
  start: number;
  prefix: string;
  before: string;
  after: string;
  matches: string[];
  index: number;
}

export interface Completed {
  text: string;
  cursor: number;
  cycle: CompletionCycle | undefined;
}

export function candidatesFor(word: string, atLineStart: boolean, sources: CompletionSources): string[] {
  const lower = word.toLowerCase();
  const starts = (c: string): boolean => c.toLowerCase().startsWith(lower);
  let pool: readonly string[];
  if (word.startsWith('/')) pool = atLineStart ? sources.commands : [];
  else if (word.startsWith('#')) pool = sources.rooms;
  else if (word.startsWith('@')) pool = sources.nicks.map((n) => `@${n}`);
  else pool = sources.nicks;
  return [...new Set(pool.filter(starts))].sort((a, b) => a.localeCompare(b));
}

/**
 * Completes at `cursor` in `text`. With `cycle` (the previous Tab's result, when nothing was typed in
 * between) the next match replaces the previous one.
 */
export function complete(text: string, cursor: number, sources: CompletionSources, cycle?: CompletionCycle): Completed {
  if (cycle !== undefined && cycle.matches.length > 0) {
    const index = (cycle.index + 1) % cycle.matches.length;
    return apply({ ...cycle, index });
  }
  const before = text.slice(0, cursor);
  const start = before.search(/\S*$/);
  const prefix = before.slice(start);
  if (prefix === '') return { text, cursor, cycle: undefined };
  const atLineStart = before.slice(0, start).trim() === '';
  const matches = candidatesFor(prefix, atLineStart, sources);
  if (matches.length === 0) return { text, cursor, cycle: undefined };
  return apply({ start, prefix, before: text.slice(0, start), after: text.slice(cursor), matches, index: 0 });
}

function apply(cycle: CompletionCycle): Completed {
  const match = cycle.matches[cycle.index]!;
  const atLineStart = cycle.before.trim() === '';
  const isNick = !match.startsWith('/') && !match.startsWith('#') && !match.startsWith('@');
  // A suffix only when nothing follows: completing in the middle of a line must not add stray spaces.
  const suffix = cycle.after === '' ? (isNick && atLineStart ? ': ' : ' ') : '';
  const inserted = match + suffix;
  return {
    text: cycle.before + inserted + cycle.after,
    cursor: cycle.before.length + inserted.length,
    cycle,
  };
}

const COMMAND_WORDS = COMMANDS.map((c) => c.usage.split(' ')[0]!);

/** What Tab completes from, as the session has it now (the full screen and line mode alike). */
export function completionSources(session: ChatSession): CompletionSources {
  // Names from the roster are a peer's text: one that would not show as it is is not typed in for the user.
  const typeable = (name: string): boolean => safeText(name) === name;
  const rooms = new Set([...session.rooms, ...session.roomList().map((r) => r.room)].filter(typeable));
  const nicks = session.people().map((p) => p.nick).filter((n) => n !== session.nick && typeable(n));
  return { nicks, commands: COMMAND_WORDS, rooms: [...rooms] };
}

/**
 * Line mode's Tab, as node:readline's `completer` wants it: the matches for the last word and that word.
 * One match comes with the same suffix the full screen adds; several are listed by readline, which also
 * fills in what they share.
 */
export function lineCompleter(sources: () => CompletionSources): (line: string) => [string[], string] {
  return (line) => {
    const start = line.search(/\S*$/);
    const word = line.slice(start);
    if (word === '') return [[], word];
    const matches = candidatesFor(word, line.slice(0, start).trim() === '', sources());
    if (matches.length !== 1) return [matches, word];
    return [[complete(line, line.length, sources()).text.slice(start)], word];
  };
}
