import type { MessageView } from '../../chat/views.js';
/** What these functions read of a window's entry (state.ts Entry). */
export interface Line {
  kind: string;
  ts: number;
  /** Set for messages; a window's own notes have none. */
  id?: string;
}

/**
 * The private windows and read markers of the full screen, as pure functions over the screen's model
 * (state.ts keeps the windows; the session keeps which conversations are open and how far each window
 * was read, so a restart, or another face, finds them as they were).
 */

/** The conversation (as the session names it) a private line belongs to: the other person's, if open. */
export function conversationOf(view: Pick<MessageView, 'to' | 'own' | 'from'>, conversations: readonly string[]): string | undefined {
  if (view.to === null) return undefined;
  const other = (view.own ? view.to : view.from).toLowerCase();
  return conversations.find((nick) => nick.toLowerCase() === other);
}

/** The conversation `name` is, as the session names it (a nick typed in any case). */
export function findConversation(name: string, conversations: readonly string[]): string | undefined {
  return conversations.find((nick) => nick.toLowerCase() === name.toLowerCase());
}

/** Lines that count as unread: what others wrote. */
export function countsAsUnread(entry: Pick<Line, 'kind'>): boolean {
  return entry.kind === 'chat' || entry.kind === 'private-in';
}

/** How many of `entries` others wrote after `marker` (none without a marker: nothing was ever read there). */
export function unreadAfter(entries: readonly Line[], marker: number | undefined): number {
  if (marker === undefined) return 0;
  return entries.filter((e) => e.ts > marker && countsAsUnread(e)).length;
}

/**
 * Where the "new since you last looked" line goes: before entry i when it is the first line (a message)
 * newer than the marker after one that is not (the window's own notes in between do not count).
 */
export function markerBefore(entries: readonly Line[], i: number, marker: number | undefined): boolean {
  const entry = entries[i];
  if (marker === undefined || entry?.id === undefined || entry.ts <= marker) return false;
  for (let j = i - 1; j >= 0; j--) {
    const before = entries[j]!;
    if (before.id !== undefined) return before.ts <= marker;
  }
  return false;
}

/** The newest time of a window's lines (what its user has seen once they leave it). */
export function newestTime(entries: readonly Line[]): number | undefined {
  let newest: number | undefined;
  for (const e of entries) if (e.id !== undefined && (newest === undefined || e.ts > newest)) newest = e.ts;
  return newest;
}

export const MARKER_TEXT = '--- new since you last looked ---';

/**
 * Whom a line being typed is for: "@bob hi" is for bob, and so is any line in bob's private window;
 * undefined: the current room. (In a private window the room must not hear that this user types.)
 */
export function typingTarget(text: string, privateTo: string | undefined): { nick: string } | undefined {
  const match = /^@([^\s:]+)[:\s]/.exec(text);
  if (match !== null) return { nick: match[1]! };
  return privateTo === undefined ? undefined : { nick: privateTo };
}
