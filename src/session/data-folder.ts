import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageView } from '../chat/views.js';
import { askHistory, askWebUrl, historyChunks, type HistoryQuery } from '../control/control-socket.js';
import { KEY_FILE, loadIdentity } from '../identity/identity.js';
import { readableText } from '../identity/seal.js';
import { CHAIN_HEAD_FILE, loadChainHead } from '../store/chain-head.js';
import { claimDataDir } from '../store/data-dir.js';
import { repairHistory, type RepairReport } from '../store/repair.js';
import { syncDir } from '../util/atomic-file.js';
import { messageView } from '../member/message-view.js';
import { isFolder, storeError } from '../store/history-db.js';
import { LevelHistoryStore } from '../store/level-store.js';
import type { StoredMessage } from '../store/history-store.js';
import { decodeStored } from '../store/stored-message.js';
import { isLanchatError, LanchatError } from '../wire/errors.js';

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
  const location = join(dataDir, 'history');
  try {
    store = await LevelHistoryStore.open(location);
  } catch (err) {
    if (!isLanchatError(err, 'DATA_DIR_IN_USE')) throw err;
    const answered = await askHistory(dataDir, query, (page) => show(page.map(decodeStored)));
    if (!answered) throw err;
    return true;
  }
  try {
    for await (const chunk of historyChunks(store, query, (m) => readableText(m, identity))) await show(chunk);
  } catch (err) {
    // A damaged table may be read only now, past the opening: named, as the opening names one.
    throw storeError(err, location);
  } finally {
    await store.close();
  }
  return true;
}

/** What `lanchat repair` did: to the identity key, and to the history. */
export interface RepairOutcome {
  dataDir: string;
  /** `moved`: the key was damaged and is now at `identityMovedTo`. */
  identity: 'ok' | 'absent' | 'moved';
  identityMovedTo?: string;
  /** `moved`: chain-head.json was damaged (the key sound) and is now at `chainHeadMovedTo`. */
  chainHead?: 'moved';
  chainHeadMovedTo?: string;
  /** Undefined when the folder has no history. */
  history?: RepairReport;
}

/**
 * Repairs a damaged data folder (`lanchat repair`). Nothing is deleted: the history is copied before
 * LevelDB's repair (store/repair.ts), and a damaged identity key is moved aside, with the chain head that
 * belonged to it, so that the next start makes a new identity; a damaged chain head alone is moved aside,
 * and numbering goes on from the history.
 */
export async function repairDataFolder(dataDir: string): Promise<RepairOutcome> {
  if (!(await isFolder(dataDir))) throw new LanchatError('USAGE', `there is no lanchat data folder at ${dataDir}`);
  // Never under a running lanchat: that one holds the history open, and would write on.
  const release = await claimDataDir(dataDir);
  try {
    const outcome: RepairOutcome = { dataDir, identity: 'ok' };
    const stamp = new Date();
    try {
      if ((await loadIdentity(dataDir)) === undefined) outcome.identity = 'absent';
    } catch (err) {
      if (!isLanchatError(err, 'IDENTITY_DAMAGED')) throw err;
      outcome.identity = 'moved';
      outcome.identityMovedTo = await moveAside(dataDir, KEY_FILE, 'damaged', stamp);
      // The head of the old identity's chain: a new identity starts a chain of its own.
      await moveAside(dataDir, CHAIN_HEAD_FILE, 'old', stamp).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await syncDir(dataDir);
    }
    if (outcome.identity !== 'moved') {
      try {
        await loadChainHead(dataDir);
      } catch (err) {
        if (!isLanchatError(err, 'CHAIN_HEAD_DAMAGED')) throw err;
        // Numbering goes on from the history, which holds the node's own lines too.
        outcome.chainHead = 'moved';
        outcome.chainHeadMovedTo = await moveAside(dataDir, CHAIN_HEAD_FILE, 'damaged', stamp);
        await syncDir(dataDir);
      }
    }
    const history = join(dataDir, 'history');
    if (await isFolder(history)) outcome.history = await repairHistory(history, stamp);
    return outcome;
  } finally {
    await release();
  }
}

async function moveAside(dataDir: string, name: string, why: 'damaged' | 'old', stamp: Date): Promise<string> {
  const to = join(dataDir, `${name}.${why}-${stamp.toISOString().replace(/[:.]/g, '-')}`);
  await rename(join(dataDir, name), to);
  return to;
}

/**
 * Where the lanchat running on `dataDir` serves its browser UI (`lanchat open`): its URL, '' when it runs
 * without --web, undefined when none runs there.
 */
export function runningWebUrl(dataDir: string): Promise<string | undefined> {
  return askWebUrl(dataDir);
}
