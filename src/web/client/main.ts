import type { MessageView } from '../../chat/views.js';
import { safeText } from '../../chat/safe-text.js';
import { WEB_WORDS } from '../../ui/web-words.js';
import { SOCKET_PATH, type ServerMessage } from '../protocol.js';
import { applyCompletion, completions } from './complete.js';
import { byId, h } from './dom.js';
import { addInfo, applyServer, type Convo, convoOrder, markRead, newModel, peopleOf, privateKey, select, totalUnread } from './model.js';
import { Pane } from './pane.js';
import { NodeSocket } from './socket.js';

const model = newModel();
const side = byId<HTMLElement>('convos');
const people = byId<HTMLElement>('people');
const title = byId<HTMLElement>('title');
const status = byId<HTMLElement>('status');
const input = byId<HTMLInputElement>('input');
const form = byId<HTMLFormElement>('form');
const notifyButton = byId<HTMLButtonElement>('notify');
const menuButton = byId<HTMLButtonElement>('menu');
const newestButton = byId<HTMLButtonElement>('newest');
const pane = new Pane(byId('pane'), byId('lines'), (c) => askOlder(c), () => schedule());
let open = false;
let olderId = 0;
let painting = false;

const socket = new NodeSocket(`ws://${location.host}${SOCKET_PATH}`, onServer, (isOpen) => {
  open = isOpen;
  schedule();
});

function onServer(message: ServerMessage): void {
  const seen = document.visibilityState === 'visible';
  const effects = applyServer(model, message, seen, Date.now());
  if (document.hidden) {
    for (const m of effects.notify) notify(m);
    // A hidden tab gets no frames to paint in: its title (the unread count) is set at once.
    document.title = titleText();
  }
  schedule();
}

function titleText(): string {
  const n = totalUnread(model);
  const base = model.state === undefined ? WEB_WORDS.title : `${WEB_WORDS.title} · ${model.state.nick}`;
  return n > 0 ? `(${n}) ${base}` : base;
}

/** One paint per frame, however many events came in it. */
function schedule(): void {
  if (painting) return;
  painting = true;
  requestAnimationFrame(() => {
    painting = false;
    paint();
  });
}

function active(): Convo | undefined {
  return model.active === undefined ? undefined : model.convos.get(model.active);
}

function paint(): void {
  if (document.visibilityState === 'visible' && pane.following) {
    // The node's other tabs clear it too: read once, read everywhere.
    const read = markRead(model);
    if (read !== undefined) socket.send({ t: 'read', key: read });
  }
  const c = active();
  side.replaceChildren(
    ...convoOrder(model).map((convo, i) => {
      const badge = convo.unread > 0 ? h('span', { class: 'badge' }, String(convo.unread)) : null;
      const classes = ['convo', convo.key === model.active ? 'active' : '', convo.mention ? 'mention' : '', convo.unread > 0 ? 'unread' : '', convo.joined ? '' : 'gone'];
      return h(
        'button',
        { class: classes.filter((x) => x !== '').join(' '), attrs: { type: 'button', 'data-key': convo.key, title: i < 10 ? `Alt+${(i + 1) % 10}` : '' } },
        h('span', { class: 'name' }, convo.kind === 'private' ? `@${safeText(convo.name)}` : safeText(convo.name)),
        badge,
      );
    }),
  );
  people.replaceChildren(
    ...peopleOf(model).map((p) =>
      h('li', {}, h('button', { class: `person${p.self ? ' self' : ''}`, attrs: { type: 'button', 'data-nick': p.nick } }, safeText(p.nick), p.self ? ` ${WEB_WORDS.you}` : '')),
    ),
  );
  title.textContent = c === undefined ? WEB_WORDS.title : c.kind === 'private' ? `@${safeText(c.name)}` : safeText(c.name);
  status.textContent = statusText();
  status.className = open && model.state?.connected === true ? 'ok' : 'warn';
  input.placeholder = c === undefined ? WEB_WORDS.inputNone : c.kind === 'private' ? WEB_WORDS.inputPrivate(safeText(c.name)) : WEB_WORDS.inputRoom(safeText(c.name));
  pane.render(c);
  newestButton.hidden = pane.following || c === undefined;
  document.title = titleText();
}

function statusText(): string {
  const s = model.state;
  if (!open) return s === undefined ? WEB_WORDS.connecting : WEB_WORDS.offline;
  if (s === undefined) return WEB_WORDS.connecting;
  if (s.role === 'relay') return `${safeText(s.nick)} · ${WEB_WORDS.relayIsYou}`;
  if (s.relay === null || s.role === 'electing') return `${safeText(s.nick)} · ${WEB_WORDS.electing}`;
  const where = `${s.relay.host}:${s.relay.port}`;
  return `${safeText(s.nick)} · ${s.connected ? WEB_WORDS.relayIs(safeText(s.relay.nick), where) : WEB_WORDS.noRelayLink}`;
}

function askOlder(c: Convo): void {
  const first = c.list.lines.find((l) => l.kind === 'message');
  const before = first?.kind === 'message' ? { id: first.message.id, fromId: first.message.fromId } : undefined;
  if (!socket.send({ t: 'older', id: ++olderId, room: c.key, ...(before === undefined ? {} : { before }) })) return;
  c.older = 'loading';
  schedule();
}

function notify(m: MessageView): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const where = m.room === null ? WEB_WORDS.privately : WEB_WORDS.inRoom(m.room);
  new Notification(WEB_WORDS.noticeIn(safeText(m.from), safeText(where)), { body: safeText(m.text), tag: m.room ?? privateKey(m.from) });
}

// --- input: lines, commands, completion, recall ---
const sent: string[] = [];
let recall = -1;
let cycle: { start: number; options: string[]; index: number; base: string; cursor: number } | undefined;

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const line = input.value;
  if (line.trim() === '') return;
  const c = active();
  if (/^\/(quit|exit)\b/i.test(line)) addInfo(model, undefined, WEB_WORDS.quitHint, false, Date.now());
  else if (c?.kind === 'private' && !line.startsWith('/')) socket.send({ t: 'whisper', nick: c.name, text: line });
  else if (!socket.send({ t: 'command', line, ...(c?.kind === 'room' ? { room: c.key } : {}) })) return;
  sent.push(line);
  if (sent.length > 200) sent.shift();
  pane.toNewest();
  recall = -1;
  input.value = '';
  schedule();
});

input.addEventListener('keydown', (e) => {
  if (e.key === 'Tab' && !e.altKey && !e.ctrlKey) {
    e.preventDefault();
    complete();
    return;
  }
  cycle = undefined;
  if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && !e.altKey && sent.length > 0) {
    e.preventDefault();
    recall = e.key === 'ArrowUp' ? (recall < 0 ? sent.length - 1 : Math.max(0, recall - 1)) : recall < 0 ? -1 : recall + 1;
    if (recall >= sent.length) recall = -1;
    input.value = recall < 0 ? '' : sent[recall]!;
  }
});

input.addEventListener('input', () => (cycle = undefined));

function complete(): void {
  if (cycle === undefined) {
    const s = model.state;
    const sources = {
      nicks: s?.people.map((p) => p.nick) ?? [],
      commands: model.commands,
      rooms: [...(s?.rooms ?? []), ...[...model.convos.keys()].filter((k) => k.startsWith('#'))],
    };
    const cursor = input.selectionStart ?? input.value.length;
    const found = completions(input.value, cursor, sources);
    if (found.options.length === 0) return;
    cycle = { start: found.start, options: found.options, index: -1, base: input.value, cursor };
  }
  cycle.index = (cycle.index + 1) % cycle.options.length;
  const next = applyCompletion(cycle.base, cycle.start, cycle.cursor, cycle.options[cycle.index]!);
  input.value = next.line;
  input.setSelectionRange(next.cursor, next.cursor);
}

// --- the side list, people, keys ---
function show(key: string): void {
  const had = model.convos.get(key);
  const unread = had !== undefined && (had.unread > 0 || had.mention);
  select(model, key);
  if (unread) socket.send({ t: 'read', key });
  document.body.classList.remove('drawer');
  schedule();
  input.focus();
}

side.addEventListener('click', (e) => {
  const key = (e.target as Element).closest<HTMLElement>('[data-key]')?.dataset.key;
  if (key !== undefined) show(key);
});
people.addEventListener('click', (e) => {
  const nick = (e.target as Element).closest<HTMLElement>('[data-nick]')?.dataset.nick;
  if (nick !== undefined && nick !== model.state?.nick) show(privateKey(nick));
});
menuButton.addEventListener('click', () => document.body.classList.toggle('drawer'));
newestButton.textContent = WEB_WORDS.toNewest;
newestButton.addEventListener('click', () => {
  pane.toNewest();
  schedule();
  input.focus();
});

function step(by: number): void {
  const order = convoOrder(model);
  const at = order.findIndex((c) => c.key === model.active);
  const next = order[(at + by + order.length) % order.length];
  if (next !== undefined) show(next.key);
}

document.addEventListener('keydown', (e) => {
  if (e.altKey && /^Digit\d$/.test(e.code)) {
    const n = Number(e.code.slice(5));
    const c = convoOrder(model)[n === 0 ? 9 : n - 1];
    if (c !== undefined) show(c.key);
    e.preventDefault();
  } else if ((e.ctrlKey && (e.key === 'n' || e.key === 'p')) || (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp'))) {
    step(e.key === 'n' || e.key === 'ArrowDown' ? 1 : -1);
    e.preventDefault();
  } else if (e.key === 'PageUp' || e.key === 'PageDown') {
    pane.page(e.key === 'PageUp' ? -1 : 1);
    e.preventDefault();
  } else if (e.ctrlKey && e.key === 'End') {
    pane.toNewest();
    e.preventDefault();
  } else if (e.key === 'Escape') document.body.classList.remove('drawer');
});

// --- notifications: asked for on a click, as browsers require ---
function notifyLabel(): void {
  if (typeof Notification === 'undefined') {
    notifyButton.hidden = true;
    return;
  }
  const p = Notification.permission;
  notifyButton.textContent = p === 'granted' ? WEB_WORDS.notifyOn : p === 'denied' ? WEB_WORDS.notifyDenied : WEB_WORDS.notify;
  notifyButton.disabled = p !== 'default';
}
notifyButton.addEventListener('click', () => void Notification.requestPermission().then(notifyLabel));
notifyLabel();

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') schedule();
});
byId<HTMLElement>('side-title').textContent = WEB_WORDS.rooms;
byId<HTMLElement>('people-title').textContent = WEB_WORDS.people;
menuButton.textContent = '☰';
menuButton.title = WEB_WORDS.menu;
paint();
input.focus();
addEventListener('pagehide', () => socket.stop());
