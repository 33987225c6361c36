/** What Tab completes from. */
export interface Sources {
  nicks: readonly string[];
  commands: readonly string[];
  rooms: readonly string[];
}

/** The word before the cursor: where it starts and what it is. */
export function wordAt(line: string, cursor: number): { start: number; word: string } {
  let start = cursor;
  while (start > 0 && !/\s/.test(line[start - 1]!)) start--;
  return { start, word: line.slice(start, cursor) };
}

/**
 * What the word before the cursor may become, sorted: a /command at the line's start, a #room, or a nick
 * (with ": " after it at the line's start, as IRC addresses someone).
 */
export function completions(line: string, cursor: number, sources: Sources): { start: number; options: string[] } {
  const { start, word } = wordAt(line, cursor);
  const lower = word.toLowerCase();
  const pick = (from: readonly string[], suffix: string): string[] =>
    [...new Set(from)]
      .filter((c) => c.toLowerCase().startsWith(lower) && c.length > 0)
      .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
      .map((c) => c + suffix);
  if (word.startsWith('/') && start === 0) return { start, options: pick(sources.commands, ' ') };
  if (word.startsWith('#')) return { start, options: pick(sources.rooms, ' ') };
  if (word === '') return { start, options: [] };
  return { start, options: pick(sources.nicks, start === 0 ? ': ' : ' ') };
}

/** The line with the word at `start..cursor` replaced by `option`, and where the cursor goes. */
export function applyCompletion(line: string, start: number, cursor: number, option: string): { line: string; cursor: number } {
  return { line: line.slice(0, start) + option + line.slice(cursor), cursor: start + option.length };
}
