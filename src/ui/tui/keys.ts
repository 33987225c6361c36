/** A key as node:readline's keypress events describe it. */
export interface KeyPress {
  sequence?: string;
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
}

/** What a key asks the full-screen UI to do. */
export type KeyAction =
  | { kind: 'insert'; text: string }
  | { kind: 'submit' }
  | { kind: 'left' | 'right' | 'home' | 'end' | 'backspace' | 'delete' | 'killToStart' | 'killToEnd' | 'killWordBack' }
  | { kind: 'historyUp' | 'historyDown' | 'complete' }
  | { kind: 'pageUp' | 'pageDown' }
  | { kind: 'window'; number: number }
  | { kind: 'nextWindow' | 'previousWindow' }
  | { kind: 'eof' | 'interrupt' | 'redraw' }
  | { kind: 'ignore' };

/** The bindings below in words, for /help (README's key table says the same). */
export const TUI_KEYS: readonly { usage: string; summary: string }[] = [
  { usage: 'Up/Down', summary: 'lines sent before' },
  { usage: 'Tab', summary: 'complete a nick, a /command or a #room (again: the next match)' },
  { usage: 'PgUp/PgDn', summary: 'scroll the room back and forward' },
  { usage: 'Alt+1..Alt+0', summary: 'go to room window 1..10' },
  { usage: 'Ctrl-N/Ctrl-P', summary: 'next/previous room window (also Alt+Right/Alt+Left)' },
  { usage: 'Ctrl-A/Ctrl-E', summary: 'start/end of the line' },
  { usage: 'Ctrl-U, Ctrl-K, Ctrl-W', summary: 'delete everything before the cursor, after it, the word before it' },
  { usage: 'Ctrl-K, Ctrl-C', summary: 'after a paste of several lines: send them, drop them' },
  { usage: 'Ctrl-L', summary: 'redraw the screen' },
  { usage: 'Ctrl-D, Ctrl-C', summary: 'leave (Ctrl-D on an empty line)' },
];

/** Key bindings, readline's and irssi's where they agree. Pure, so every binding is unit-tested. */
export function keyAction(ch: string | undefined, key: KeyPress | undefined): KeyAction {
  const name = key?.name;
  if (key?.meta && !key.ctrl) {
    // Alt+1..9 pick a window, Alt+0 the tenth, as in irssi.
    if (name !== undefined && /^[0-9]$/.test(name)) return { kind: 'window', number: name === '0' ? 10 : Number(name) };
    if (name === 'left') return { kind: 'previousWindow' };
    if (name === 'right') return { kind: 'nextWindow' };
    return { kind: 'ignore' };
  }
  if (key?.ctrl) {
    switch (name) {
      case 'a':
        return { kind: 'home' };
      case 'e':
        return { kind: 'end' };
      case 'b':
        return { kind: 'left' };
      case 'f':
        return { kind: 'right' };
      case 'u':
        return { kind: 'killToStart' };
      case 'k':
        return { kind: 'killToEnd' };
      case 'w':
        return { kind: 'killWordBack' };
      case 'h':
        return { kind: 'backspace' };
      case 'n':
        return { kind: 'nextWindow' };
      case 'p':
        return { kind: 'previousWindow' };
      case 'd':
        return { kind: 'eof' };
      case 'c':
        return { kind: 'interrupt' };
      case 'l':
        return { kind: 'redraw' };
      default:
        return { kind: 'ignore' };
    }
  }
  switch (name) {
    case 'return':
    case 'enter':
      return { kind: 'submit' };
    case 'left':
    case 'right':
    case 'home':
    case 'end':
    case 'backspace':
    case 'delete':
      return { kind: name };
    case 'up':
      return { kind: 'historyUp' };
    case 'down':
      return { kind: 'historyDown' };
    case 'tab':
      return { kind: 'complete' };
    case 'pageup':
      return { kind: 'pageUp' };
    case 'pagedown':
      return { kind: 'pageDown' };
    default:
      break;
  }
  // Printable text (one character, or several at once from a paste); escape sequences we do not know are dropped.
  if (ch !== undefined && ch !== '' && !/[\u0000-\u001f\u007f]/.test(ch)) return { kind: 'insert', text: ch };
  return { kind: 'ignore' };
}
