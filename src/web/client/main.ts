import { nextExpiry, typingDue, type TypingSent } from '../../chat/typing.js';
import { safeText } from '../../chat/safe-text.js';
import { WEB_WORDS } from '../../ui/web-words.js';
import { SOCKET_PATH, type ServerMessage } from '../protocol.js';
import { Alerts } from './alerts.js';
import { applyCompletion, completions } from './complete.js';
import { byId } from './dom.js';
import { addInfo, applyServer, type Convo, markRead, newModel, privateKey, select } from './model.js';
import { Pane } from './pane.js';
import { paintHeader, paintPeople, paintSearch, paintSide, paintTyping } from './panels.js';
import { convoOrder, totalUnread } from './shown.js';
import { NodeSocket } from './socket.js';

const model = newModel();
const side = byId<HTMLElement>('convos');
const people = byId<HTMLElement>('people');
const results = byId<HTMLElement>('results');
const input = byId<HTMLInputElement>('input');
const form = byId<HTMLFormElement>('form');
const notifyButton = byId<HTMLButtonElement>('notify');
const menuButton = byId<HTMLButtonElement>('menu');
const newestButton = byId<HTMLButtonElement>('newest');
const pane = new Pane(byId('pane'), byId('lines'), (c) => askOlder(c), () => schedule());
let open = false;
let olderId = 0;
let painting = false;
const alerts = new Alerts();
/** Read markers told the node at most once a second (a busy room would spend the tab's rate on them). */
const reads = new Map<string, number>();
let readTimer: ReturnType<typeof setTimeout> | undefined;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let typingSent: TypingSent | undefined;

const socket = new NodeSocket(`ws://${location.host}${SOCKET_PATH}`, onServer, (isOpen) => {
  open = isOpen;
  // Read markers the node could not be told while the link was down go now.
  if (isOpen && reads.size > 0) sendReads();
  schedule();
});

function onServer(message: ServerMessage): void {
  const seen = document.visibilityState === 'visible';
  const now = Date.now();
  const effects = applyServer(model, message, seen, now);
  for (const m of effects.notify) alerts.message(m, model.state?.nick ?? '', model.notify.highlights, document.hidden, now);
  // A hidden tab gets no frames to paint in: its title (the unread count) is set at once.
  if (document.hidden) document.title = titleText();
  if (message.t === 'snapshot') notifyLabel();
  schedule();
}

function tellRead(read: { key: string; ts: number } | undefined): void {
  if (read === undefined) return;
  reads.set(read.key, read.ts);
  readTimer ??= setTimeout(sendReads, 1_000);
}

function sendReads(): void {
  if (readTimer !== undefined) clearTimeout(readTimer);
  readTimer = undefined;
  for (const [key, ts] of reads) if (socket.send({ t: 'read', key, ts })) reads.delete(key);
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
    // The node keeps it, and its other tabs clear it too: read once, read everywhere.
    tellRead(markRead(model));
  }
  const c = active();
  paintSide(model);
  paintPeople(model);
  paintHeader(model, c, open);
  paintSearch(model);
  const now = Date.now();
  paintTyping(model, now);
  const expires = nextExpiry(model.typers, now);
  if (typingTimer !== undefined) clearTimeout(typingTimer);
  typingTimer = expires === undefined ? undefined : setTimeout(schedule, expires - now + 10);
  input.placeholder = c === undefined ? WEB_WORDS.inputNone : c.kind === 'private' ? WEB_WORDS.inputPrivate(safeText(c.name)) : WEB_WORDS.inputRoom(safeText(c.name));
  pane.render(c);
  newestButton.hidden = pane.following || c === undefined;
  document.title = titleText();
  // A conversation whose lines all fit (a private one just opened) reads older ones at once: no scrolling will ask.
  if (c !== undefined && c.older === 'unknown' && open && pane.fitsAll()) askOlder(c);
}

function askOlder(c: Convo): void {
  const first = c.list.lines.find((l) => l.kind === 'message');
  const before = c.resume ?? (first?.kind === 'message' ? { id: first.message.id, fromId: first.message.fromId } : undefined);
  if (!socket.send({ t: 'older', id: ++olderId, room: c.key, ...(before === undefined ? {} : { before }) })) return;
  c.older = 'loading';
  schedule();
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
  // In a private conversation the node routes the line (ChatController.handleLine), as in the full screen's window.
  else if (!socket.send({ t: 'command', line, ...(c?.kind === 'room' ? { room: c.key } : c?.kind === 'private' ? { nick: c.name } : {}) })) return;
  sent.push(line);
  if (sent.length > 200) sent.shift();
  typingSent = undefined;
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

input.addEventListener('input', () => {
  cycle = undefined;
  // The others see "alice is typing…": told at most every 3 s (chat/typing.ts), as the terminal does; the
  // node sends nothing when it runs --no-typing.
  const c = active();
  const now = Date.now();
  if (c === undefined || input.value === '' || input.value.startsWith('/') || !typingDue(typingSent, c.key, now)) return;
  if (socket.send(c.kind === 'room' ? { t: 'typing', room: c.key } : { t: 'typing', nick: c.name })) typingSent = { target: c.key, at: now };
});

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
function show(key: string, name?: string): void {
  tellRead(select(model, key, name));
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
  if (nick === undefined || nick === model.state?.nick) return;
  show(privateKey(nick), nick);
  // Kept open by the node, as /query keeps it: across restarts and in the other tabs.
  socket.send({ t: 'command', line: `/query ${nick}` });
});
results.addEventListener('click', (e) => {
  const key = (e.target as Element).closest<HTMLElement>('[data-key]')?.dataset.key;
  if (key !== undefined && key !== '' && !(e.target as Element).closest('a')) show(key);
});
byId<HTMLButtonElement>('search-close').addEventListener('click', () => {
  model.search = undefined;
  schedule();
  input.focus();
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
  if (typeof Notification === 'undefined' || !model.notify.enabled) {
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
  if (document.visibilityState !== 'visible') return;
  alerts.shown(Date.now());
  schedule();
});
byId<HTMLElement>('side-title').textContent = WEB_WORDS.rooms;
byId<HTMLElement>('people-title').textContent = WEB_WORDS.people;
byId<HTMLElement>('search-title').textContent = WEB_WORDS.searchTitle;
byId<HTMLElement>('search-close').textContent = WEB_WORDS.close;
menuButton.textContent = '☰';
menuButton.title = WEB_WORDS.menu;
paint();
input.focus();
addEventListener('pagehide', () => {
  sendReads();
  socket.stop();
});
