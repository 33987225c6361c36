import type { EditLine } from './editor.js';
import type { KeyPress } from './keys.js';

/**
 * A paste in the full-screen UI. With bracketed paste on (`CSI ? 2004 h`), the terminal sends what is
 * pasted between `ESC [ 200 ~` and `ESC [ 201 ~` (node:readline names them paste-start and paste-end),
 * so a pasted line break is not an Enter. A paste of one line goes into the input line at the cursor; a
 * paste of several is held and the user is asked first, as irssi asks ("Paste N lines? (Ctrl-K to paste,
 * Ctrl-C to abort)"): Ctrl-K sends them, Ctrl-C or Esc drops them. Pure: keys in, what to do out.
 */
export type PasteStep =
  /** Not a paste: the key is the editor's. */
  | { kind: 'pass' }
  /** Taken: part of a paste, or a key that does nothing while the question stands. */
  | { kind: 'held' }
  /** A paste of one line: insert it at the cursor. */
  | { kind: 'insert'; text: string }
  /** A paste of several lines is held: ask (pasteQuestion with `lines`). */
  | { kind: 'ask'; lines: number }
  /** Confirmed: send these lines, as typed, and empty the input line (its text is in them). */
  | { kind: 'send'; lines: string[] }
  /** Dropped: the input line is as it was before the paste. */
  | { kind: 'abort' };

export class PasteGate {
  /** Text of a paste still coming. */
  #collecting: string | undefined;
  /** Lines of a paste waiting for the user's answer. */
  #held: string[] | undefined;

  /** The number of lines the question is about, while it stands. */
  get asking(): number | undefined {
    return this.#held?.length;
  }

  /** One key, with the input line as it is (a paste goes where the cursor is). */
  key(ch: string | undefined, key: KeyPress | undefined, line: EditLine): PasteStep {
    const name = key?.name;
    if (name === 'paste-start') {
      // A new paste replaces a question still open.
      this.#held = undefined;
      this.#collecting = '';
      return { kind: 'held' };
    }
    if (this.#collecting !== undefined) return this.#collect(ch, key, line);
    if (this.#held === undefined) return { kind: 'pass' };
    if (key?.ctrl && name === 'k') {
      const lines = this.#held;
      this.#held = undefined;
      return { kind: 'send', lines };
    }
    if ((key?.ctrl && name === 'c') || name === 'escape') {
      this.#held = undefined;
      return { kind: 'abort' };
    }
    return { kind: 'held' };
  }

  #collect(ch: string | undefined, key: KeyPress | undefined, line: EditLine): PasteStep {
    const name = key?.name;
    if (name === 'paste-end') {
      const text = this.#collecting ?? '';
      this.#collecting = undefined;
      return this.#finish(text, line);
    }
    // A paste never ends without its end marker; Ctrl-C is the way out should a terminal lose it.
    if (key?.ctrl && name === 'c') {
      this.#collecting = undefined;
      return { kind: 'abort' };
    }
    if (name === 'return' || name === 'enter') this.#collecting += '\n';
    else if (name === 'tab') this.#collecting += ' ';
    else if (ch !== undefined && !/[\u0000-\u001f\u007f-\u009f]/.test(ch)) this.#collecting += ch;
    return { kind: 'held' };
  }

  /** The pasted text, joined with the input line around the cursor: inserted, or held for the question. */
  #finish(text: string, line: EditLine): PasteStep {
    const lines = pastedLines(text);
    if (lines.length <= 1) return lines.length === 0 ? { kind: 'held' } : { kind: 'insert', text: lines[0]! };
    const before = line.text.slice(0, line.cursor);
    const after = line.text.slice(line.cursor);
    lines[0] = before + lines[0];
    lines[lines.length - 1] += after;
    this.#held = lines;
    return { kind: 'ask', lines: lines.length };
  }
}

/** The lines of pasted text that would be sent: CR, LF and CRLF all break lines; blank lines send nothing. */
export function pastedLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
}
