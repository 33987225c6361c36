import { join } from 'node:path';
import type { MessageView } from '../chat/views.js';
import { askHistory, historyChunks, type HistoryQuery } from '../control/control-socket.js';
import { loadIdentity } from '../identity/identity.js';
import { messageView } from '../member/message-view.js';
import { LevelHistoryStore } from '../store/level-store.js';
import type { StoredMessage } from '../store/history-store.js';
import { decodeStored } from '../store/stored-message.js';
import { isLanchatError } from '../wire/errors.js';

/**
 * A data folder as the faces see it without joining the network: where it is by default, and its stored
 * history (`lanchat history`). A face names the folder; only the session opens it.
 */
export { defaultDataDir } from '../store/data-dir.js';

/**
 * Hands the stored history of `dataDir` to `print` a part at a time, in display order, as message views
 * marked `history` (private messages between two others are held sealed, and left out), so a history of
 * any size is never held whole. From the store itself or, while a lanchat runs on the folder and holds
 * it, from that lanchat over the folder's control socket. False when lanchat never ran with the folder.
 */
export async function readStoredHistory(
  dataDir: string,
  query: HistoryQuery,
  print: (views: MessageView[]) => Promise<void>,
): Promise<boolean> {
  const identity = await loadIdentity(dataDir);
  if (identity === undefined) return false;
  const show = (messages: readonly StoredMessage[]): Promise<void> =>
    print(
      messages
        .map((stored) => messageView(stored.message, identity))
        .filter((view) => view !== undefined)
        .map((view) => ({ ...view, history: true })),
    );
  let store: LevelHistoryStore;
  try {
    store = await LevelHistoryStore.open(join(dataDir, 'history'));
  } catch (err) {
    if (!isLanchatError(err, 'DATA_DIR_IN_USE')) throw err;
    const answered = await askHistory(dataDir, query, (page) => show(page.map(decodeStored)));
    if (!answered) throw err;
    return true;
  }
  try {
    for await (const chunk of historyChunks(store, query)) await show(chunk);
  } finally {
    await store.close();
  }
  return true;
}
