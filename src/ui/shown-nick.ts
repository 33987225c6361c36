import type { MessageView } from '../chat/views.js';

/**
 * The nick a line is shown under: its own, or, when that nick is pinned to another node id (a line signed
 * by someone else under it), the nick, a question mark and the author's node id prefix (`bob?1a2b3c4d`),
 * so that it never passes for the person known by that nick.
 */
export function shownNick(view: Pick<MessageView, 'from' | 'fromId' | 'nickPinnedTo'>): string {
  return view.nickPinnedTo === undefined ? view.from : `${view.from}?${view.fromId.slice(0, 8)}`;
}
