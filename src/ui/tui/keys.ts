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
  | { kind: 'left' | 'right' | 'home' | 'end' | 'backspace' | 'delete' | 'killToStart' | 'killWordBack' }
  | { kind: 'historyUp' | 'historyDown' | 'complete' }
  | { kind: 'pageUp' | 'pageDown' }
  | { kind: 'window'; number: number }
  | { kind: 'nextWindow' | 'previousWindow' }
  | { kind: 'eof' | 'interrupt' | 'redraw' }
  | { kind: 'ignore' };

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
