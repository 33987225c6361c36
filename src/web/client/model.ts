import { typingDone, typingSeen } from '../../chat/typing.js';
import type { MessageView } from '../../chat/views.js';
import type { UiEvent } from '../../ui/events.js';
import { worthNotifying } from '../../ui/notify-policy.js';
import { privateKey, type RoomHistory, type ServerMessage, type StateView } from '../protocol.js';
import type { Convo, Effects, Model } from './convo.js';
import { emptyList, insertLine, type Line, mentions, newestMessage, trimOldest, unreadAfter } from './lines.js';

export type { Convo, Effects, Model, SearchShown, TopicShown } from './convo.js';

export function newModel(maxLines = 5_000): Model {
  return { state: undefined, convos: new Map(), active: undefined, commands: [], maxLines, infoCount: 0, topics: new Map(), typers: new Map(), search: undefined, notify: { enabled: true, highlights: [] } };
}

export { privateKey };

/** The conversation a message belongs to. */
export function convoKeyOf(m: MessageView): string {
  if (m.room !== null) return m.room;
  return privateKey(m.own ? (m.to ?? m.from) : m.from);
}

/** The conversation of `key`, made when new; `name`: how to show a private one's nick. */
function convo(model: Model, key: string, name?: string): Convo {
  let c = model.convos.get(key);
  if (c === undefined) {
    const room = !key.startsWith('@');
    c = {
      key,
      kind: room ? 'room' : 'private',
      name: room ? key : (name ?? key.slice(1)),
      list: emptyList(),
      unread: 0,
      mention: false,
      joined: true,
      older: 'unknown',
      addedBefore: 0,
      removedBefore: 0,
      read: undefined,
      marker: undefined,
      resume: undefined,
    };
    model.convos.set(key, c);
  }
  return c;
}

function setState(model: Model, state: StateView): void {
  const before = model.state;
  model.state = state;
  // A room just joined (from this tab, another, or the terminal) is shown, as /join does in the terminal.
  const joined = state.current !== null && before !== undefined && !before.rooms.includes(state.current) && state.rooms.includes(state.current);
  for (const room of state.rooms) convo(model, room);
  for (const nick of state.conversations) convo(model, privateKey(nick), nick);
  // A private conversation closed by another face goes (unless shown here: it stays until left).
  const open = new Set(state.conversations.map(privateKey));
  for (const nick of before?.conversations ?? []) if (!open.has(privateKey(nick)) && privateKey(nick) !== model.active) model.convos.delete(privateKey(nick));
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
    c.older = 'unknown';
    c.resume = undefined;
  }
  return true;
}

function messageLine(model: Model, m: MessageView): Line {
  const words = [model.state?.nick ?? '', ...model.notify.highlights];
  const mention = !m.own && m.room !== null && words.some((word) => mentions(m.text, word));
  return { kind: 'message', key: m.id, ts: m.ts, message: m, mention };
}

/** Adds a message; `seen`: the reader is looking at its conversation now (the tab visible). */
export function addMessage(model: Model, m: MessageView, seen: boolean, effects: Effects): void {
  const c = convo(model, convoKeyOf(m), m.own ? (m.to ?? undefined) : m.from);
  const line = messageLine(model, m);
  // Their line came: they are done typing it.
  if (m.history !== true) model.typers = typingDone(model.typers, m.from.toLowerCase(), m.room);
  if (!add(model, c, line) || m.own || m.history === true) return;
  const looking = seen && model.active === c.key;
  if (!looking) {
    c.unread++;
    if (line.kind === 'message' && line.mention) c.mention = true;
  }
  // The full screen's policy (ui/notify-policy.ts): a private line, or one naming this user.
  if (model.notify.enabled && worthNotifying(m, model.state?.nick ?? '', model.notify.highlights) !== undefined) effects.notify.push(m);
}

function addHistory(model: Model, history: readonly RoomHistory[], read: Readonly<Record<string, number>>): void {
  for (const h of history) {
    const c = convo(model, h.room);
    for (const m of h.messages) add(model, c, messageLine(model, m));
    if (c.kind === 'private' && c.list.lines.length === h.messages.length) {
      c.resume = h.resume;
      c.older = h.resume === undefined ? 'end' : 'unknown';
    }
  }
  // Unread counts and markers as the session keeps them: the same after a restart, and in every tab.
  for (const c of model.convos.values()) {
    const at = read[c.key];
    if (at === undefined) continue;
    if (c.read === undefined || at > c.read) c.read = at;
    if (c.marker === undefined || c.key !== model.active) c.marker = c.read;
    c.unread = Math.max(c.key === model.active ? 0 : c.unread, unreadAfter(c.list.lines, c.read));
  }
}

/** A tab (this one or another) read `key` up to `ts`: the unread count is what came after. */
function readUpTo(c: Convo, ts: number): void {
  if (c.read === undefined || ts > c.read) c.read = ts;
  c.unread = unreadAfter(c.list.lines, c.read);
  if (c.unread === 0) c.mention = false;
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
      model.notify = message.notify;
      setState(model, message.state);
      // An answer lost with the last link is asked for again.
      for (const c of model.convos.values()) if (c.older === 'loading') c.older = 'unknown';
      for (const t of message.topics) model.topics.set(t.room, { topic: t.topic, by: t.by, ts: t.ts });
      addHistory(model, message.history, message.read);
      break;
    case 'state':
      setState(model, message.state);
      break;
    case 'older': {
      const c = convo(model, message.room);
      for (const m of message.messages) add(model, c, messageLine(model, m));
      c.older = message.end ? 'end' : 'unknown';
      c.resume = message.resume;
      break;
    }
    case 'read': {
      const c = model.convos.get(message.key);
      if (c !== undefined) readUpTo(c, message.ts);
      break;
    }
    case 'event': {
      const event = message.event;
      if (event.event === 'message') {
        const { event: _kind, ...view } = event;
        addMessage(model, view, seen, effects);
      } else if (!applyTalk(model, event, now) && message.line !== undefined) {
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

/**
 * Events with a place of their own in the page (the topic header, the typing line, the search panel, a
 * whois block, the side list); false for those shown as a line of line mode's words.
 */
function applyTalk(model: Model, event: UiEvent, now: number): boolean {
  switch (event.event) {
    case 'topic':
      model.topics.set(event.room, { topic: event.topic, by: event.by, ts: event.ts });
      return false; // and said in its room, as the terminal says it
    case 'typing':
      model.typers = typingSeen(model.typers, { nick: event.nick, fromId: event.nick.toLowerCase(), room: event.room }, now);
      return true;
    case 'search':
      model.search = { query: event.query, room: event.room, results: event.results };
      return true;
    case 'whois': {
      const target = model.active ?? model.state?.current ?? undefined;
      if (target !== undefined) add(model, convo(model, target), { kind: 'whois', key: `~${now}-${++model.infoCount}`, ts: now, whois: event });
      return true;
    }
    case 'query':
      focus(model, privateKey(event.nick), event.nick);
      return true;
    case 'closed': {
      const key = privateKey(event.nick);
      model.convos.delete(key);
      if (model.active === key) model.active = model.state?.current ?? undefined;
      return true;
    }
    default:
      return false;
  }
}

/**
 * Makes `key` the conversation shown (`name`: a new private one's nick as written): its unread count and
 * mention mark go. Returns what to tell the node (markRead).
 */
export function select(model: Model, key: string, name?: string): { key: string; ts: number } | undefined {
  if (!focus(model, key, name)) return undefined;
  return markRead(model);
}

function focus(model: Model, key: string, name?: string): boolean {
  if (!model.convos.has(key) && key.startsWith('@')) convo(model, key, name);
  const c = model.convos.get(key);
  if (c === undefined) return false;
  const left = model.active === undefined ? undefined : model.convos.get(model.active);
  // The one left was read to its end: its marker moves there. The one shown keeps its marker while shown.
  if (left !== undefined && left !== c) left.marker = left.read;
  if (left !== c) c.marker = c.read;
  model.active = key;
  c.unread = 0;
  c.mention = false;
  return true;
}

/**
 * The shown conversation is read to its newest line: its unread count and mention go. Returns what to
 * tell the node (the session keeps it: other tabs, a restart) when the marker moved.
 */
export function markRead(model: Model): { key: string; ts: number } | undefined {
  const c = model.active === undefined ? undefined : model.convos.get(model.active);
  if (c === undefined) return undefined;
  c.unread = 0;
  c.mention = false;
  const ts = newestMessage(c.list.lines);
  if (ts === undefined || (c.read !== undefined && c.read >= ts)) return undefined;
  c.read = ts;
  return { key: c.key, ts };
}

