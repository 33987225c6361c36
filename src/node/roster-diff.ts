import type { PresenceView } from '../chat/views.js';

/**
 * Who was there before a relay change and who is there after it, as presence: pure, no timers. A relay
 * change makes every member reconnect, and the new relay announces each as it arrives; only what really
 * changed across it is news (as an IRC client shows a netsplit and its netjoin as a summary, not as N quits
 * and N joins).
 */

/** One node online, as far as presence goes (a roster entry: member/roster.ts PeerView has these). */
export interface RosterEntry {
  /** Hex node id. */
  nodeId: string;
  nick: string;
  rooms: readonly string[];
}

export interface RosterDiff {
  /** What to announce: arrivals, then renames and room changes of those there on both sides, in `after`'s order. */
  presences: PresenceView[];
  /** There before, not after, in `before`'s order: they may still come back, or have gone. */
  missing: RosterEntry[];
}

/** `before` and `after` hold other nodes only (never this node's own user). */
export function rosterDiff(before: readonly RosterEntry[], after: readonly RosterEntry[]): RosterDiff {
  const was = new Map(before.map((p) => [p.nodeId, p]));
  const now = new Set(after.map((p) => p.nodeId));
  const presences = after.flatMap((p) => {
    const old = was.get(p.nodeId);
    return old === undefined ? [arrival(p)] : peerChanges(old, p);
  });
  return { presences, missing: before.filter((p) => !now.has(p.nodeId)) };
}

/** How a node there before and again after differs: a rename, then the rooms it joined and left. */
export function peerChanges(before: RosterEntry, after: RosterEntry): PresenceView[] {
  const changes: PresenceView[] = [];
  if (before.nick !== after.nick) {
    changes.push({ nick: after.nick, state: 'renamed', room: null, from: before.nick, self: false });
  }
  for (const room of after.rooms) {
    if (!before.rooms.includes(room)) changes.push({ nick: after.nick, state: 'joined', room, self: false });
  }
  for (const room of before.rooms) {
    if (!after.rooms.includes(room)) changes.push({ nick: after.nick, state: 'left', room, self: false });
  }
  return changes;
}

/** A node that joined the network, as the relay would have announced it. */
export function arrival(p: RosterEntry): PresenceView {
  return { nick: p.nick, state: 'joined', room: null, self: false, rooms: [...p.rooms] };
}

/** A node that left the network, as the relay would have announced it. */
export function departure(p: RosterEntry, reason: string): PresenceView {
  return { nick: p.nick, state: 'left', room: null, self: false, reason };
}
