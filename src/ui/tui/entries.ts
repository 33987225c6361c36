/** The lines of the screen's scrollback, before wrapping, and what changes one in place. Pure. */

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
