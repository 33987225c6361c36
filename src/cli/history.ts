import { once } from 'node:events';
import { normalizeRoom } from '../chat/names.js';
import { safeJson } from '../chat/safe-text.js';
import type { MessageView } from '../chat/views.js';
import { readStoredHistory } from '../session/data-folder.js';
import { messageEvent, type UiEvent } from '../ui/events.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import { dayHeader, formatEvent } from '../ui/line-format.js';
import { problemText } from '../ui/words.js';
import { LanchatError } from '../wire/errors.js';

export interface HistoryOptions {
  dataDir: string;
  room: string | undefined;
  limit: number;
  json: boolean;
  /** Set: only the newest messages whose text holds it (any case), newest first, as /search shows them. */
  grep?: string;
}

/**
 * `lanchat history`: the stored history in display order, without joining the network. `--json` gives
 * the same `message` objects as the live events (with "history": true); ids are the same on every node.
 * Private messages between two other people are held (sealed) but not listed. While a lanchat runs on the
 * data folder, the history comes from it, over the folder's control socket.
 */
export async function runHistory(options: HistoryOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const room = options.room === undefined ? undefined : normalizeRoom(options.room);
  if (options.room !== undefined && room === undefined) {
    throw new LanchatError('USAGE', `--room: ${problemText({ code: 'ROOM_INVALID', room: options.room })}`);
  }
  // The output's pace sets the reading's: a history of a million lines piped into a pager or a slow
  // reader is not queued in memory. A write that fails between two waits fails the next line.
  if (options.grep !== undefined) return grepHistory({ ...options, grep: options.grep, room }, out);
  let outputFailed: Error | undefined;
  const onOutputError = (err: Error): void => void (outputFailed ??= err);
  out.on('error', onOutputError);
  let previous: number | undefined;
  const print = async (views: readonly MessageView[]): Promise<void> => {
    for (const view of views) {
      if (outputFailed !== undefined) throw outputFailed;
      const event = messageEvent(view);
      // The lines give the time only: the day is said above its first line.
      const day = options.json ? undefined : dayHeader(previous, view.ts);
      previous = view.ts;
      // Peers wrote these fields: formatEvent makes them safe to show, safeJson escapes what it would change.
      const line = options.json ? `${safeJson(event)}\n` : `${day === undefined ? '' : `${day}\n`}${formatEvent(event, { rooms: [] })}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
  };
  let readerGone = false;
  let found = true;
  try {
    found = await readStoredHistory(options.dataDir, { limit: options.limit, ...(room === undefined ? {} : { room }) }, print);
  } catch (err) {
    // The reader went away (`lanchat history | head`): reading stops, quietly, as a filter's does.
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    readerGone = true;
  } finally {
    // Once the reader is gone the listener stays: writes still queued fail the same way.
    if (!readerGone) out.off('error', onOutputError);
  }
  if (!found) throw new LanchatError('USAGE', `no lanchat history in ${options.dataDir} (lanchat never ran with this data folder)`);
}

/**
 * `lanchat history --grep TEXT`: the newest matches (at most DEFAULT_LIMITS.searchResults), newest first,
 * each with its day, as /search shows them; `--json`: one `search` event, as /search gives in --json mode.
 */
async function grepHistory(options: HistoryOptions & { grep: string }, out: NodeJS.WritableStream): Promise<void> {
  const query = options.grep.trim();
  const maxChars = DEFAULT_LIMITS.searchChars;
  if (query === '' || [...query].length > maxChars) throw new LanchatError('USAGE', `--grep: ${problemText({ code: 'SEARCH_INVALID', maxChars })}`);
  const results: MessageView[] = [];
  const limit = Math.min(options.limit, DEFAULT_LIMITS.searchResults);
  const found = await readStoredHistory(options.dataDir, { limit, grep: query, ...(options.room === undefined ? {} : { room: options.room }) }, async (views) => {
    results.push(...views);
  });
  if (!found) throw new LanchatError('USAGE', `no lanchat history in ${options.dataDir} (lanchat never ran with this data folder)`);
  const event: UiEvent = { event: 'search', query, room: options.room ?? null, results };
  // Peers wrote the results: formatEvent makes them safe to show, safeJson escapes what it would change.
  const text = options.json ? safeJson(event) : formatEvent(event, { rooms: [] });
  await new Promise<void>((resolve, reject) => out.write(`${text}\n`, (err) => (err ? reject(err) : resolve())));
}
