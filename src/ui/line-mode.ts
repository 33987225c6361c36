import { clearLine, createInterface, cursorTo, moveCursor } from 'node:readline';
import { safeText } from '../chat/safe-text.js';
import type { ChatSession } from '../session/chat-session.js';
import { ChatController } from './controller.js';
import type { UiEvent } from './events.js';
import { parseInput } from './input.js';
import { hyperlinksWanted, linkify } from './hyperlink.js';
import { formatEvent } from './line-format.js';
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

/**
 * Interactive line mode: a prompt showing the current room, incoming lines printed above it. On a
 * terminal, an incoming line clears the prompt row, prints, and redraws the prompt with whatever was
 * half-typed, so the two never garble each other. Resolves when the user quits or input ends.
 */
export function runLineMode(session: ChatSession, input: NodeJS.ReadableStream, output: NodeJS.WriteStream): Promise<void> {
  const terminal = output.isTTY === true;
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
  const controller = new ChatController(session, show, { keys: LINE_KEYS });

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
    rl.on('close', () => resolve());
    session.run();
    if (terminal) {
      rl.setPrompt(promptText());
      rl.prompt();
    }
  });
}
