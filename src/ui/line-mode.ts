import { clearLine, createInterface, cursorTo, moveCursor } from 'node:readline';
import { safeText } from '../chat/safe-text.js';
import type { ChatSession } from '../session/chat-session.js';
import { ChatController } from './controller.js';
import type { UiEvent } from './events.js';
import { parseInput } from './input.js';
import { hyperlinksWanted, linkify } from './hyperlink.js';
import { formatEvent } from './line-format.js';
import { findNotifySend, FOCUS_REPORTS_OFF, FOCUS_REPORTS_ON, focusReport, Notifier } from './notifier.js';
import { PendingLines } from './pending-lines.js';
import { completionSources, lineCompleter } from './tui/completion.js';
import { deliveredText } from './words.js';

/** Line mode's keys (readline's), for /help. */
export const LINE_KEYS: readonly { usage: string; summary: string }[] = [
  { usage: 'Up/Down', summary: 'lines sent before' },
  { usage: 'Tab', summary: 'complete a nick, a /command or a #room (twice: list the matches)' },
  { usage: 'Ctrl-A/Ctrl-E', summary: 'start/end of the line' },
  { usage: 'Ctrl-U, Ctrl-W', summary: 'delete everything before the cursor, the word before it' },
  { usage: 'Ctrl-D', summary: 'leave' },
];

export interface LineModeOptions {
  /** Desktop notifications (issue 17 item 9), as the full screen gives them: off with --no-notify; --highlight words count as mentions. */
  notify?: { enabled: boolean; highlights: readonly string[] };
}

/**
 * Interactive line mode: a prompt showing the current room, incoming lines printed above it. On a
 * terminal, an incoming line clears the prompt row, prints, and redraws the prompt with whatever was
 * half-typed, so the two never garble each other. A private line or a mention notifies as in the full
 * screen (ui/notifier.ts): on a terminal that is both input and output, focus reports are asked for, and
 * node:readline decodes each report as a key of its own that it does not put in the line. Resolves when
 * the user quits or input ends.
 */
export function runLineMode(session: ChatSession, input: NodeJS.ReadableStream, output: NodeJS.WriteStream, options: LineModeOptions = {}): Promise<void> {
  const terminal = output.isTTY === true;
  // Focus reports come as keys: only where readline reads keys from a terminal, and the terminal is ours both ways.
  const focusReports = terminal && (input as Partial<NodeJS.ReadStream>).isTTY === true;
  const completer = lineCompleter(() => completionSources(session));
  // readline's history is newest first; the session keeps the lines typed across restarts oldest first.
  const earlier = [...(session.inputHistory?.lines ?? [])].reverse();
  const rl = createInterface({ input, output, terminal, historySize: 200, history: earlier, ...(terminal ? { completer } : {}) });
  // The rooms come from the relay's welcome: text from a peer like any other.
  const promptText = (): string => `${safeText(session.currentRoom ?? '(no room)')}> `;
  const print = (text: string): void => {
    if (!terminal) {
      output.write(`${text}\n`);
      return;
    }
    cursorTo(output, 0);
    clearLine(output, 0);
    output.write(`${text}\n`);
    rl.setPrompt(promptText());
    rl.prompt(true);
  };
  // Clickable URLs on a terminal that takes them (hyperlink.ts); never in what goes to a pipe or a file.
  const links = hyperlinksWanted(process.env, terminal);
  const pending = new PendingLines();
  let relayShown = false;
  const show = (event: UiEvent): void => {
    if (event.event === 'delivered') {
      const count = pending.delivered(event.id);
      if (count !== undefined) print(`* ${deliveredText(count)}`);
      return;
    }
    if (event.event === 'message' && event.pending) pending.shown(event.id);
    const line = formatEvent(event, { rooms: session.rooms, relayShown });
    if (event.event === 'role') relayShown = true;
    if (line !== undefined) print(links && event.event === 'message' ? linkify(line) : line);
  };
  const notifier = new Notifier({
    enabled: options.notify?.enabled ?? true,
    highlights: options.notify?.highlights ?? [],
    notifySend: findNotifySend(),
    // The bell goes to a terminal only: in a pipe or a file it would be a stray byte, heard by nobody.
    bell: () => {
      if (terminal) output.write('\x07');
    },
  });
  const controller = new ChatController(
    session,
    (event) => {
      if (event.event === 'message') notifier.message(event, session.nick);
      show(event);
    },
    { keys: LINE_KEYS },
  );
  const onKey = (_ch: string | undefined, key: { sequence?: string } | undefined): void => {
    const focused = focusReport(key?.sequence);
    if (focused !== undefined) notifier.focus(focused);
  };
  const restore = (): void => {
    if (focusReports) output.write(FOCUS_REPORTS_OFF);
  };

  return new Promise((resolve) => {
    rl.on('line', (line) => {
      session.inputHistory?.add(line);
      const kind = parseInput(line).kind;
      if (terminal && (kind === 'say' || kind === 'msg')) {
        // The typed line is about to be shown again as a chat line: remove the echo of it.
        const rows = Math.max(1, Math.ceil((promptText().length + line.length) / (output.columns || 80)));
        moveCursor(output, 0, -rows);
        cursorTo(output, 0);
        output.write('\x1b[J');
      }
      if (!controller.handleLine(line)) {
        rl.close();
        return;
      }
      if (terminal) {
        rl.setPrompt(promptText());
        rl.prompt();
      }
    });
    rl.on('close', () => {
      notifier.close();
      input.off('keypress', onKey);
      process.off('exit', restore);
      restore();
      resolve();
    });
    if (focusReports) {
      // readline has made the input emit keypress events (it reads keys itself on a terminal).
      input.on('keypress', onKey);
      process.on('exit', restore); // a signal's process.exit must not leave the terminal reporting focus
      output.write(FOCUS_REPORTS_ON);
    }
    session.run();
    if (terminal) {
      rl.setPrompt(promptText());
      rl.prompt();
    }
  });
}
