import type { MessageView } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import { messageView } from '../member/message-view.js';
import { storedMessageId } from '../chat/message-id.js';
import { nickKey } from '../chat/names.js';
import type { DisplayPosition, HistoryStore, StoredMessage } from '../store/history-store.js';
import { PRIVATE_BUCKET } from '../store/keys.js';
import { searchNeedle } from '../store/search-match.js';
import { decodeStored } from '../store/stored-message.js';
import { readableText } from '../identity/seal.js';
import { openedAction } from '../chat/private-action.js';

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
    // A private action's words, without the wrapper that carries it in the seal (chat/private-action.ts).
    privateText: (m) => {
      const text = readableText(m, identity);
      return text === undefined ? undefined : openedAction(text).text;
    },
  });
  return views(stored, identity);
}

function views(stored: readonly StoredMessage[], identity: Identity): MessageView[] {
  return stored
    .map((m) => messageView(m.message, identity))
    .filter((v) => v !== undefined)
    .map((v) => ({ ...v, history: true }));
}

/** Where to go on reading a private conversation's history from: a stored message's id and author. */
export type HistoryCursor = Pick<MessageView, 'id' | 'fromId'>;

/** Private lines read from the store a time while looking for one person's. */
const PRIVATE_PAGE = 500;

/**
 * The stored private lines between this node's user and `nick` (as the lines name them: their author's
 * nick, or the recipient's of one's own) that this node can read, before `before` (the newest when
 * undefined), at most `count`, oldest first. Every private line of the network is in one display bucket,
 * most of them others' (sealed to others): at most `scanLimit` are read a call, each passed over by its
 * plain fields before a seal is opened. `resume`: where the next call goes on from; undefined once the
 * bucket's start was reached.
 */
export async function privateHistory(
  store: HistoryStore,
  identity: Identity,
  nick: string,
  count: number,
  before: HistoryCursor | undefined,
  scanLimit: number,
): Promise<{ messages: MessageView[]; resume: HistoryCursor | undefined }> {
  let position: DisplayPosition | undefined;
  if (before !== undefined) {
    const bytes = await store.get(before.fromId, Number(before.id.slice(before.id.lastIndexOf('-') + 1)));
    if (bytes === undefined) return { messages: [], resume: undefined };
    position = decodeStored(bytes);
  }
  const who = nickKey(nick);
  const found: MessageView[] = [];
  let scanned = 0;
  while (scanned < scanLimit) {
    const want = Math.min(PRIVATE_PAGE, scanLimit - scanned);
    const page = await store.latest({ room: PRIVATE_BUCKET, limit: want, ...(position === undefined ? {} : { before: position }) });
    scanned += page.length;
    for (let i = page.length - 1; i >= 0; i--) {
      const m = page[i]!;
      const view = withPerson(m, identity, who);
      if (view !== undefined) found.push({ ...view, history: true });
      if (found.length >= count) return { messages: found.reverse(), resume: cursorOf(m) };
    }
    if (page.length < want) return { messages: found.reverse(), resume: undefined };
    position = page[0]!;
  }
  return { messages: found.reverse(), resume: position === undefined ? undefined : cursorOf(position) };
}

/** The view of `m` when it is a private line between this node's user and the person of nick key `who`. */
function withPerson(m: StoredMessage, identity: Identity, who: string): MessageView | undefined {
  const to = m.shown.to;
  if (!to) return undefined;
  const own = m.origin === identity.nodeIdHex;
  if (own ? nickKey(to.nick ?? '') !== who : !Buffer.from(to.nodeId ?? []).equals(identity.nodeId) || nickKey(m.shown.nick ?? '') !== who) return undefined;
  return messageView(m.shown, identity);
}

function cursorOf(p: Pick<StoredMessage, 'origin' | 'seq'>): HistoryCursor {
  return { id: storedMessageId(p), fromId: p.origin };
}
