import type { MessageView } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import { messageView } from '../member/message-view.js';
import type { DisplayPosition, HistoryStore, StoredMessage } from '../store/history-store.js';
import { searchNeedle } from '../store/search-match.js';
import { decodeStored } from '../store/stored-message.js';
import { readableText } from '../identity/seal.js';
import { PRIVATE_BUCKET } from '../store/keys.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/** Stored private lines read at a time while looking for one conversation's. */
const PRIVATE_PAGE = 500;

/** The history queries a node answers from its own store: views this node can show, marked as history. */

/** The last `limit` stored messages (of `room`, or of everything), oldest first. */
export async function latestHistory(store: HistoryStore, identity: Identity, room: string | undefined, limit: number): Promise<MessageView[]> {
  const stored = await store.latest({ limit, ...(room === undefined ? {} : { room }) });
  return views(stored, identity);
}

/**
 * Stored messages of `room` shown before the message `before` (the latest when undefined), at most
 * `count`, oldest first: what a scrolled-back window shows above the oldest line it holds.
 */
export async function olderHistory(
  store: HistoryStore,
  identity: Identity,
  room: string,
  count: number,
  before?: Pick<MessageView, 'id' | 'fromId'>,
): Promise<MessageView[]> {
  let position: DisplayPosition | undefined;
  if (before !== undefined) {
    // A view's id names its seq and its author's node id (fromId): the store knows its place in display order.
    const bytes = await store.get(before.fromId, Number(before.id.slice(before.id.lastIndexOf('-') + 1)));
    if (bytes === undefined) return [];
    position = decodeStored(bytes);
  }
  const stored = await store.latest({ room, limit: count, ...(position === undefined ? {} : { before: position }) });
  return views(stored, identity);
}

/**
 * The newest `limit` stored messages whose text holds `query`, case-insensitively (of `room`, or of
 * everything, the private messages this node can read included), newest first.
 */
export async function searchHistory(store: HistoryStore, identity: Identity, query: string, room: string | undefined, limit: number): Promise<MessageView[]> {
  const stored = await store.search({
    needle: searchNeedle(query),
    limit,
    ...(room === undefined ? {} : { room }),
    privateText: (m) => readableText(m, identity),
  });
  return views(stored, identity);
}

/**
 * The last `count` stored private lines between this node's user and the person called `nick` (as the
 * full screen files them: nicks compared ignoring case), oldest first: what a private window shows when it
 * opens. Read back through every private line, newest first, a page at a time, at most `scan` of them; a
 * line is opened (its seal) only once its nicks and node ids say it is one of this conversation's.
 */
export async function privateHistory(store: HistoryStore, identity: Identity, nick: string, count: number, scan = DEFAULT_LIMITS.privateScan): Promise<MessageView[]> {
  const other = nick.toLowerCase();
  const found: MessageView[][] = [];
  let held = 0;
  let read = 0;
  let before: DisplayPosition | undefined;
  while (held < count && read < scan) {
    // The private lines are one display bucket (store/keys.ts), read as a room's are.
    const page = await store.latest({ room: PRIVATE_BUCKET, limit: Math.min(PRIVATE_PAGE, scan - read), ...(before === undefined ? {} : { before }) });
    if (page.length === 0) break;
    read += page.length;
    before = page[0];
    const ours = page.filter((m) => {
      const to = m.shown.to;
      if (to === null || to === undefined) return false;
      if (m.origin === identity.nodeIdHex) return (to.nick ?? '').toLowerCase() === other;
      return Buffer.from(to.nodeId ?? []).equals(identity.nodeId) && (m.shown.nick ?? '').toLowerCase() === other;
    });
    const shown = views(ours.slice(-(count - held)), identity);
    found.unshift(shown);
    held += shown.length;
  }
  return found.flat();
}

function views(stored: readonly StoredMessage[], identity: Identity): MessageView[] {
  return stored
    .map((m) => messageView(m.message, identity))
    .filter((v) => v !== undefined)
    .map((v) => ({ ...v, history: true }));
}
