import type { MessageView } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import { messageView } from '../member/message-view.js';
import type { DisplayPosition, HistoryStore, StoredMessage } from '../store/history-store.js';
import { searchNeedle } from '../store/search-match.js';
import { decodeStored } from '../store/stored-message.js';
import { readableText } from '../identity/seal.js';

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

function views(stored: readonly StoredMessage[], identity: Identity): MessageView[] {
  return stored
    .map((m) => messageView(m.message, identity))
    .filter((v) => v !== undefined)
    .map((v) => ({ ...v, history: true }));
}
