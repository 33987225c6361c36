import { typingIn } from '../../chat/typing.js';
import type { MessageView } from '../../chat/views.js';
import { type Convo, convoKeyOf, type Model } from './model.js';

/** What the page shows of its model, read-only: the side list's order, the unread total, who is here, who types. */

/** The side list's order: rooms as joined, then private conversations as they came. */
export function convoOrder(model: Model): Convo[] {
  const rooms = model.state?.rooms ?? [];
  const all = [...model.convos.values()];
  const inRooms = rooms.map((r) => model.convos.get(r)).filter((c): c is Convo => c !== undefined);
  return [...inRooms, ...all.filter((c) => c.kind === 'room' && !rooms.includes(c.key)), ...all.filter((c) => c.kind === 'private')];
}

export function totalUnread(model: Model): number {
  let n = 0;
  for (const c of model.convos.values()) n += c.unread;
  return n;
}

/** The nicks of the active conversation's people (a room's, or the person of a private one). */
export function peopleOf(model: Model): { nick: string; self: boolean; away?: string }[] {
  const state = model.state;
  const c = model.active === undefined ? undefined : model.convos.get(model.active);
  if (state === undefined || c === undefined) return [];
  const awayOf = (p: { away?: { reason: string } } | undefined): { away?: string } => (p?.away === undefined ? {} : { away: p.away.reason });
  if (c.kind === 'private') {
    const them = state.people.find((p) => p.nick.toLowerCase() === c.name.toLowerCase());
    return [{ nick: c.name, self: false, ...awayOf(them) }, { nick: state.nick, self: true, ...(state.away === null ? {} : { away: state.away.reason }) }];
  }
  return state.people
    .filter((p) => p.rooms.includes(c.key))
    .map((p) => ({ nick: p.nick, self: p.nodeId === state.nodeId, ...awayOf(p) }))
    .sort((a, b) => a.nick.toLowerCase().localeCompare(b.nick.toLowerCase()));
}

/** Who is typing in the shown conversation at `now`: in a room, there; in a private one, that person to this user. */
export function typingNow(model: Model, now: number): string[] {
  const c = model.active === undefined ? undefined : model.convos.get(model.active);
  if (c === undefined) return [];
  if (c.kind === 'room') return typingIn(model.typers, c.key, now);
  return typingIn(model.typers, null, now).filter((nick) => nick.toLowerCase() === c.name.toLowerCase());
}

/** The conversation a search result opens on a click: its room (when the page holds it) or the private one. */
export function resultKey(model: Model, m: MessageView): string | undefined {
  const key = convoKeyOf(m);
  return m.room === null || model.convos.has(key) ? key : undefined;
}
