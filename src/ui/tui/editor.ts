import { displayWidth, graphemes } from './text.js';

/**
 * The input line as a value: text and a cursor (an index into the text, always on a grapheme boundary).
 * Every edit returns a new value; nothing here knows about keys or terminals.
 */
export interface EditLine {
  text: string;
  cursor: number;
}

export const EMPTY_LINE: EditLine = { text: '', cursor: 0 };

/** Grapheme boundaries of `text`, as code-unit indexes from 0 to text.length. */
function boundaries(text: string): number[] {
  const out = [0];
  let at = 0;
  for (const g of graphemes(text)) out.push((at += g.length));
  return out;
}

function previousBoundary(text: string, cursor: number): number {
  const b = boundaries(text);
  for (let i = b.length - 1; i >= 0; i--) if (b[i]! < cursor) return b[i]!;
  return 0;
}

function nextBoundary(text: string, cursor: number): number {
  for (const at of boundaries(text)) if (at > cursor) return at;
  return text.length;
}

export function insert(line: EditLine, input: string): EditLine {
  const text = line.text.slice(0, line.cursor) + input + line.text.slice(line.cursor);
  return { text, cursor: line.cursor + input.length };
}

export function left(line: EditLine): EditLine {
  return { ...line, cursor: previousBoundary(line.text, line.cursor) };
}

export function right(line: EditLine): EditLine {
  return { ...line, cursor: nextBoundary(line.text, line.cursor) };
}

export function home(line: EditLine): EditLine {
  return { ...line, cursor: 0 };
}

export function end(line: EditLine): EditLine {
  return { ...line, cursor: line.text.length };
}

/** Backspace: removes the grapheme before the cursor (a whole emoji, not half a surrogate pair). */
export function backspace(line: EditLine): EditLine {
  if (line.cursor === 0) return line;
  const from = previousBoundary(line.text, line.cursor);
  return { text: line.text.slice(0, from) + line.text.slice(line.cursor), cursor: from };
}

export function deleteForward(line: EditLine): EditLine {
  if (line.cursor >= line.text.length) return line;
  const to = nextBoundary(line.text, line.cursor);
  return { text: line.text.slice(0, line.cursor) + line.text.slice(to), cursor: line.cursor };
}

/** Ctrl-U, as in readline and irssi: removes everything before the cursor. */
export function killToStart(line: EditLine): EditLine {
  return { text: line.text.slice(line.cursor), cursor: 0 };
}

/** Ctrl-K, as in readline and irssi: removes everything after the cursor. */
export function killToEnd(line: EditLine): EditLine {
  return { text: line.text.slice(0, line.cursor), cursor: line.cursor };
}

/** Ctrl-W: removes the word before the cursor and the spaces after it. */
export function killWordBack(line: EditLine): EditLine {
  const before = line.text.slice(0, line.cursor);
  const kept = before.replace(/\S+\s*$|\s+$/u, '');
  return { text: kept + line.text.slice(line.cursor), cursor: kept.length };
}

/** What part of the line fits in `width` columns so that the cursor stays visible, and where the cursor is drawn. */
export function visibleSlice(line: EditLine, width: number): { text: string; cursorColumn: number } {
  const room = Math.max(1, width - 1); // the cursor may sit after the last character
  const parts = graphemes(line.text);
  let index = 0;
  let cursorIndex = parts.length;
  for (let i = 0, at = 0; i < parts.length; i++) {
    if (at === line.cursor) cursorIndex = i;
    at += parts[i]!.length;
  }
  if (line.cursor === 0) cursorIndex = 0;
  // Scroll by whole graphemes until the text up to the cursor fits.
  const widths = parts.map(displayWidth);
  let before = widths.slice(0, cursorIndex).reduce((a, b) => a + b, 0);
  while (before > room && index < cursorIndex) before -= widths[index++]!;
  let text = '';
  let used = 0;
  for (let i = index; i < parts.length && used + widths[i]! <= width; i++) {
    text += parts[i];
    used += widths[i]!;
  }
  return { text, cursorColumn: before };
}

/**
 * Lines sent before, for Up and Down. Up from the line being written keeps that line as a draft, which Down
 * past the newest entry brings back.
 */
export class InputHistory {
  readonly #entries: string[] = [];
  readonly #limit: number;
  #position = 0;
  #draft = '';

  constructor(limit = 500) {
    this.#limit = limit;
  }

  add(line: string): void {
    if (line.trim() !== '' && this.#entries.at(-1) !== line) {
      this.#entries.push(line);
      if (this.#entries.length > this.#limit) this.#entries.shift();
    }
    this.#position = this.#entries.length;
    this.#draft = '';
  }

  /** The older line, or undefined at the oldest. */
  up(current: string): string | undefined {
    if (this.#position === 0) return undefined;
    if (this.#position === this.#entries.length) this.#draft = current;
    return this.#entries[--this.#position];
  }

  /** The newer line, the draft past the newest, or undefined when already there. */
  down(): string | undefined {
    if (this.#position >= this.#entries.length) return undefined;
    this.#position++;
    return this.#position === this.#entries.length ? this.#draft : this.#entries[this.#position];
  }
}
