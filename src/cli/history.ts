import { join } from 'node:path';
import { normalizeRoom, roomProblem } from '../chat/names.js';
import { loadIdentity } from '../identity/identity.js';
import { messageView } from '../member/message-view.js';
import { askHistory, type HistoryQuery } from '../control/control-socket.js';
import type { StoredMessage } from '../store/history-store.js';
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
  const messages = await readHistory(options.dataDir, { limit: options.limit, ...(room === undefined ? {} : { room }) });
  for (const stored of messages) {
    const readable = messageView(stored.message, identity);
    if (readable === undefined) continue; // a private message between two others
    const view = { ...readable, history: true };
    out.write(
      options.json
        ? `${JSON.stringify({ event: 'message', ...view })}\n`
        : `${formatEvent({ event: 'message', ...view }, { rooms: [] })}\n`,
    );
  }
}

/** From the store itself, or, while a lanchat runs on this data folder and holds it, from that lanchat. */
async function readHistory(dataDir: string, query: HistoryQuery): Promise<StoredMessage[]> {
  let store: LevelHistoryStore;
  try {
    store = await LevelHistoryStore.open(join(dataDir, 'history'));
  } catch (err) {
    if (!isLanchatError(err, 'DATA_DIR_IN_USE')) throw err;
    const answer = await askHistory(dataDir, query);
    if (answer === undefined) throw err;
    return answer.map(decodeStored);
  }
  try {
    return await store.latest(query);
  } finally {
    await store.close();
  }
}
