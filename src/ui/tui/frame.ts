/**
 * Turns one painted frame into the bytes that bring the terminal from the previous frame to it: only rows
 * that changed are rewritten, each in place (cursor addressing, never scrolling), inside a synchronized
 * update (DEC mode 2026) so terminals that support it show the frame at once; others ignore the mode.
 * That is what keeps a message flood from flickering: at most one frame per tick, and no full clears.
 */
export const ENTER_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J';
export const LEAVE_SCREEN = '\x1b[?25h\x1b[?1049l';
/** Bracketed paste (xterm): a paste arrives between ESC[200~ and ESC[201~, so its line breaks are not Enter (paste.ts). */
export const PASTE_ON = '\x1b[?2004h';
export const PASTE_OFF = '\x1b[?2004l';
const SYNC_BEGIN = '\x1b[?2026h';
const SYNC_END = '\x1b[?2026l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/** What is on the terminal: its rows, painted, and where the cursor rests. */
export interface Frame {
  lines: readonly string[];
  cursor: { row: number; column: number };
}

export function frameUpdate(previous: Frame | undefined, next: Frame): string {
  let out = '';
  const full = previous === undefined || previous.lines.length !== next.lines.length;
  if (full) out += '\x1b[H\x1b[2J';
  next.lines.forEach((line, row) => {
    if (!full && previous.lines[row] === line) return;
    // Reset styles before clearing the row's end, so the cleared part takes no colour from the line.
    out += `\x1b[${row + 1};1H${line}\x1b[0m\x1b[K`;
  });
  const { row, column } = next.cursor;
  const moveCursor = `\x1b[${row + 1};${column + 1}H`;
  if (out === '') {
    // Only the cursor moved (Left, Home), or nothing did.
    return previous !== undefined && (previous.cursor.row !== row || previous.cursor.column !== column) ? moveCursor : '';
  }
  return `${SYNC_BEGIN}${HIDE_CURSOR}${out}${moveCursor}${SHOW_CURSOR}${SYNC_END}`;
}
