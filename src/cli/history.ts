import { join } from 'node:path';
import { normalizeRoom, roomProblem } from '../chat/names.js';
import { loadIdentity } from '../identity/identity.js';
import { messageView } from '../member/message-view.js';
import { LevelHistoryStore } from '../store/level-store.js';
import { formatEvent } from '../ui/line-format.js';
import { LanchatError } from '../wire/errors.js';

export interface HistoryOptions {
  dataDir: string;
  room: string | undefined;
  limit: number;
  json: boolean;
}

/**
 * `lanchat history`: the stored history in display order, without joining the network. `--json` gives
 * the same `message` objects as the live events (with "history": true); ids are the same on every node.
 * Private messages between two other people are held (sealed) but not listed.
 */
export async function runHistory(options: HistoryOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const room = options.room === undefined ? undefined : normalizeRoom(options.room);
  if (options.room !== undefined && room === undefined) throw new LanchatError('USAGE', `--room: ${roomProblem(options.room)}`);
  const identity = await loadIdentity(options.dataDir);
  if (identity === undefined) {
    throw new LanchatError('USAGE', `no lanchat history in ${options.dataDir} (lanchat never ran with this data folder)`);
  }
  const store = await LevelHistoryStore.open(join(options.dataDir, 'history'));
  try {
    const messages = await store.latest({ limit: options.limit, ...(room === undefined ? {} : { room }) });
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
  } finally {
    await store.close();
  }
}
