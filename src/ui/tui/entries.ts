/** The lines of the screen's scrollback, before wrapping, and what changes one in place. Pure. */

import { topicSetText } from '../words.js';
import type { MessageView } from '../../chat/views.js';
import { shownNick } from '../shown-nick.js';
import { sanitize } from './text.js';

export type EntryKind = 'chat' | 'own' | 'private-in' | 'private-out' | 'info' | 'error';

/** One line of scrollback, before wrapping. */
export interface Entry {
  kind: EntryKind;
  ts: number;
  text: string;
  /** Message id and its author's node id, for chat lines (history and live). */
  id?: string;
  fromId?: string;
  nick?: string;
  /** Mentions this user's nick (or is a private message to them). */
  mention: boolean;
  /** An own line no relay holds yet: drawn with the pending mark until its delivery. */
  pending?: boolean;
  /** "/me": shown `* nick text` (issue 17). */
  action?: true;
}

/**
 * An own line shown pending reached a relay: each entry with that id is replaced by one without the
 * mark (a new object, so the layout wraps and paints it again). Returns whether any was.
 */
export function markDelivered(windows: Iterable<{ entries: Entry[] }>, id: string): boolean {
  let changed = false;
  for (const w of windows) {
    w.entries.forEach((entry, i) => {
      if (entry.id !== id || entry.pending !== true) return;
      const { pending: _pending, ...delivered } = entry;
      w.entries[i] = delivered;
      changed = true;
    });
  }
  return changed;
}

/** The nick as a word of its own, case-insensitively ("bob:" and "@bob" mention bob; "bobby" does not). */
export function mentions(text: string, nick: string): boolean {
  if (nick === '') return false;
  const escaped = nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}_-])${escaped}($|[^\\p{L}\\p{N}_-])`, 'iu').test(text);
}

/** The scrollback line of a message, for the user called `ownNick` (whose nick in a line is a mention). */
export function entryOf(view: MessageView, ownNick: string): Entry {
  const kind: EntryKind = view.to !== null ? (view.own ? 'private-out' : 'private-in') : view.own ? 'own' : 'chat';
  const text = sanitize(view.text);
  const mention = !view.own && (kind === 'private-in' || mentions(text, ownNick));
  const nick = sanitize(view.to !== null && view.own ? view.to : shownNick(view));
  // A topic set, as the history has it: a line of the room's, not someone saying it.
  if (view.topic === true) return { kind: 'info', ts: view.ts, text: topicSetText(nick, text), id: view.id, fromId: view.fromId, mention: false };
  return { kind, ts: view.ts, text, id: view.id, fromId: view.fromId, nick, mention, ...(view.action === true ? { action: true as const } : {}), ...(view.pending ? { pending: true } : {}) };
}
