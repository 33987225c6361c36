import { createInterface } from 'node:readline';
import { safeJson } from '../chat/safe-text.js';
import type { ChatSession } from '../session/chat-session.js';
import { ChatController } from './controller.js';

/**
 * --json mode for scripts, bots and tests: each stdin line is input as a user would type it, and every
 * event is one JSON object on one stdout line. Resolves when stdin ends or a /quit arrives.
 */
export function runJsonMode(session: ChatSession, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const controller = new ChatController(session, (event) => {
    // Exact text for the program reading it; no raw control or bidi character for a terminal showing it.
    output.write(`${safeJson(event)}\n`);
  });
  const rl = createInterface({ input, terminal: false });
  return new Promise((resolve) => {
    rl.on('line', (line) => {
      if (!controller.handleLine(line)) rl.close();
    });
    rl.on('close', () => resolve());
    session.run();
  });
}
