import type { MessageView } from '../../chat/views.js';
import type { UiEvent } from '../../ui/events.js';
import type { RoomHistory, ServerMessage, StateView } from '../protocol.js';
import { emptyList, insertLine, type Line, type LineList, mentions, trimOldest } from './lines.js';

/** One conversation of the side list: a room, or private lines with one person (`@nick`). */
export interface Convo {
  key: string;
  kind: 'room' | 'private';
  name: string;
  list: LineList;
  unread: number;
  mention: boolean;
  /** A room this user is in (a room left stays listed, greyed, until the page reloads). */
  joined: boolean;
  /** Older history: unknown (ask when scrolled to the top), being read, or none left. */
  older: 'unknown' | 'loading' | 'end';
  /** Lines added or removed before the first line held since the page last looked (for its span). */
  addedBefore: number;
  removedBefore: number;
}

export interface Model {
  state: StateView | undefined;
  convos: Map<string, Convo>;
  active: string | undefined;
  commands: string[];
  /** Lines a conversation keeps in the page; older ones leave (scrolling back reads them again). */
  maxLines: number;
  infoCount: number;
}

/** What an update asks of the page besides painting: a notification, for a private line or a mention. */
export interface Effects {
  notify: MessageView[];
}

export function newModel(maxLines = 5_000): Model {
  return { state: undefined, convos: new Map(), active: undefined, commands: [], maxLines, infoCount: 0 };
}

export function privateKey(nick: string): string {
  return `@${nick}`;
}

/** The conversation a message belongs to. */
export function convoKeyOf(m: MessageView): string {
  if (m.room !== null) return m.room;
  return privateKey(m.own ? (m.to ?? m.from) : m.from);
}

function convo(model: Model, key: string): Convo {
  let c = model.convos.get(key);
  if (c === undefined) {
    const room = !key.startsWith('@');
    c = { key, kind: room ? 'room' : 'private', name: room ? key : key.slice(1), list: emptyList(), unread: 0, mention: false, joined: true, older: room ? 'unknown' : 'end', addedBefore: 0, removedBefore: 0 };
    model.convos.set(key, c);
  }
  return c;
}

/** The side list's order: rooms as joined, then private conversations as they came. */
export function convoOrder(model: Model): Convo[] {
  const rooms = model.state?.rooms ?? [];
  const all = [...model.convos.values()];
  const inRooms = rooms.map((r) => model.convos.get(r)).filter((c): c is Convo => c !== undefined);
  return [...inRooms, ...all.filter((c) => c.kind === 'room' && !rooms.includes(c.key)), ...all.filter((c) => c.kind === 'private')];
}

function setState(model: Model, state: StateView): void {
  const before = model.state;
  model.state = state;
  // A room just joined (from this tab, another, or the terminal) is shown, as /join does in the terminal.
  const joined = state.current !== null && before !== undefined && !before.rooms.includes(state.current) && state.rooms.includes(state.current);
  for (const room of state.rooms) convo(model, room);
  for (const c of model.convos.values()) if (c.kind === 'room') c.joined = state.rooms.includes(c.key);
  if (joined || model.active === undefined || !model.convos.has(model.active)) model.active = state.current ?? undefined;
  if (joined) markRead(model);
}

function add(model: Model, c: Convo, line: Line): boolean {
  const at = insertLine(c.list, line);
  if (at < 0) return false;
  if (at < c.list.lines.length - 1) c.addedBefore++;
  const trimmed = trimOldest(c.list, model.maxLines);
  if (trimmed > 0) {
    c.removedBefore += trimmed;
    if (c.kind === 'room') c.older = 'unknown';
  }
  return true;
}

function messageLine(model: Model, m: MessageView): Line {
  const mention = !m.own && m.room !== null && mentions(m.text, model.state?.nick ?? '');
  return { kind: 'message', key: m.id, ts: m.ts, message: m, mention };
}

/** Adds a message; `seen`: the reader is looking at its conversation now (the tab visible). */
export function addMessage(model: Model, m: MessageView, seen: boolean, effects: Effects): void {
  const c = convo(model, convoKeyOf(m));
  const line = messageLine(model, m);
  if (!add(model, c, line) || m.own || m.history === true) return;
  const looking = seen && model.active === c.key;
  if (!looking) {
    c.unread++;
    if (line.kind === 'message' && line.mention) c.mention = true;
  }
  if (c.kind === 'private' || (line.kind === 'message' && line.mention)) effects.notify.push(m);
}

function addHistory(model: Model, history: readonly RoomHistory[]): void {
  for (const h of history) {
    const c = convo(model, h.room);
    for (const m of h.messages) add(model, c, messageLine(model, m));
  }
}

/** A line of the node's own words (a notice, an error, who is here) in a conversation. */
export function addInfo(model: Model, key: string | undefined, text: string, error: boolean, now: number): void {
  const target = key ?? model.active ?? model.state?.current ?? undefined;
  if (target === undefined) return;
  add(model, convo(model, target), { kind: 'info', key: `~${now}-${++model.infoCount}`, ts: now, text, error });
}

/** Applies what the node sent. `seen`: the tab is visible; `now`: the page's clock, for its own lines. */
export function applyServer(model: Model, message: ServerMessage, seen: boolean, now: number): Effects {
  const effects: Effects = { notify: [] };
  switch (message.t) {
    case 'snapshot':
      model.commands = message.commands;
      setState(model, message.state);
      addHistory(model, message.history);
      break;
    case 'state':
      setState(model, message.state);
      break;
    case 'older': {
      const c = convo(model, message.room);
      for (const m of message.messages) add(model, c, messageLine(model, m));
      c.older = message.end ? 'end' : 'unknown';
      break;
    }
    case 'read': {
      const c = model.convos.get(message.key);
      if (c !== undefined) {
        c.unread = 0;
        c.mention = false;
      }
      break;
    }
    case 'event': {
      const event = message.event;
      if (event.event === 'message') {
        const { event: _kind, ...view } = event;
        addMessage(model, view, seen, effects);
      } else if (message.line !== undefined) {
        const room = eventRoom(model, event);
        addInfo(model, room, message.line.replace(/^[*!] /, ''), event.event === 'error', now);
      }
      break;
    }
  }
  return effects;
}

/**
 * The room an event is about, when the page has a conversation for it: a room this user just joined gets
 * one at once (its state follows in a moment), so "you joined #dev" shows in #dev.
 */
function eventRoom(model: Model, event: UiEvent): string | undefined {
  const room = 'room' in event && typeof event.room === 'string' ? event.room : undefined;
  if (room === undefined) return undefined;
  if (event.event === 'presence' && event.self && event.state === 'joined') convo(model, room);
  return model.convos.has(room) ? room : undefined;
}

/** Makes `key` the conversation shown: its unread count and mention mark go. */
export function select(model: Model, key: string): void {
  if (!model.convos.has(key) && key.startsWith('@')) convo(model, key);
  if (!model.convos.has(key)) return;
  model.active = key;
  markRead(model);
}

/** Clears the shown conversation's unread count and mention; returns its key when there was something to clear. */
export function markRead(model: Model): string | undefined {
  const c = model.active === undefined ? undefined : model.convos.get(model.active);
  if (c === undefined || (c.unread === 0 && !c.mention)) return undefined;
  c.unread = 0;
  c.mention = false;
  return c.key;
}

export function totalUnread(model: Model): number {
  let n = 0;
  for (const c of model.convos.values()) n += c.unread;
  return n;
}

/** The nicks of the active conversation's people (a room's, or the person of a private one). */
export function peopleOf(model: Model): { nick: string; self: boolean }[] {
  const state = model.state;
  const c = model.active === undefined ? undefined : model.convos.get(model.active);
  if (state === undefined || c === undefined) return [];
  if (c.kind === 'private') return [{ nick: c.name, self: false }, { nick: state.nick, self: true }];
  return state.people
    .filter((p) => p.rooms.includes(c.key))
    .map((p) => ({ nick: p.nick, self: p.nodeId === state.nodeId }))
    .sort((a, b) => a.nick.toLowerCase().localeCompare(b.nick.toLowerCase()));
}
