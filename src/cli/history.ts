import { once } from 'node:events';
import { join } from 'node:path';
import { normalizeRoom, roomProblem } from '../chat/names.js';
import { safeJson } from '../chat/safe-text.js';
import { loadIdentity } from '../identity/identity.js';
import { messageView } from '../member/message-view.js';
import { askHistory, historyChunks, type HistoryQuery } from '../control/control-socket.js';
import type { StoredMessage } from '../store/history-store.js';
import { storeError } from '../store/history-db.js';
import { LevelHistoryStore } from '../store/level-store.js';
import { decodeStored } from '../store/stored-message.js';
import { formatEvent } from '../ui/line-format.js';
import { isLanchatError, LanchatError } from '../wire/errors.js';

export interface HistoryOptions {
  dataDir: string;
  room: string | undefined;
  limit: number;
  json: boolean;
}

/**
 * `lanchat history`: the stored history in display order, without joining the network. `--json` gives
 * the same `message` objects as the live events (with "history": true); ids are the same on every node.
 * Private messages between two other people are held (sealed) but not listed. While a lanchat runs on the
 * data folder, the history comes from it, over the folder's control socket.
 */
export async function runHistory(options: HistoryOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const room = options.room === undefined ? undefined : normalizeRoom(options.room);
  if (options.room !== undefined && room === undefined) throw new LanchatError('USAGE', `--room: ${roomProblem(options.room)}`);
  const identity = await loadIdentity(options.dataDir);
  if (identity === undefined) {
    throw new LanchatError('USAGE', `no lanchat history in ${options.dataDir} (lanchat never ran with this data folder)`);
  }
  // The output's pace sets the reading's: a history of a million lines piped into a pager or a slow
  // reader is not queued in memory. A write that fails between two waits fails the next line.
  let outputFailed: Error | undefined;
  const onOutputError = (err: Error): void => void (outputFailed ??= err);
  out.on('error', onOutputError);
  const print = async (messages: readonly StoredMessage[]): Promise<void> => {
    for (const stored of messages) {
      if (outputFailed !== undefined) throw outputFailed;
      const readable = messageView(stored.message, identity);
      if (readable === undefined) continue; // a private message between two others
      const view = { ...readable, history: true };
      // Peers wrote these fields: formatEvent makes them safe to show, safeJson escapes what it would change.
      const line = options.json
        ? `${safeJson({ event: 'message', ...view })}\n`
        : `${formatEvent({ event: 'message', ...view }, { rooms: [] })}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
  };
  let readerGone = false;
  try {
    await readHistory(options.dataDir, { limit: options.limit, ...(room === undefined ? {} : { room }) }, print);
  } catch (err) {
    // The reader went away (`lanchat history | head`): reading stops, quietly, as a filter's does.
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
    readerGone = true;
  } finally {
    // Once the reader is gone the listener stays: writes still queued fail the same way.
    if (!readerGone) out.off('error', onOutputError);
  }
}

/**
 * Hands the history to `print` a part at a time, so a history of any size is never held whole: from the
 * store itself, or, while a lanchat runs on this data folder and holds it, from that lanchat.
 */
async function readHistory(dataDir: string, query: HistoryQuery, print: (messages: readonly StoredMessage[]) => Promise<void>): Promise<void> {
  let store: LevelHistoryStore;
  const location = join(dataDir, 'history');
  try {
    store = await LevelHistoryStore.open(location);
  } catch (err) {
    if (!isLanchatError(err, 'DATA_DIR_IN_USE')) throw err;
    const answered = await askHistory(dataDir, query, (page) => print(page.map(decodeStored)));
    if (!answered) throw err;
    return;
  }
  try {
    for await (const chunk of historyChunks(store, query)) await print(chunk);
  } catch (err) {
    // A damaged table may be read only now, past the opening: named, as the opening names one.
    throw storeError(err, location);
  } finally {
    await store.close();
  }
}
