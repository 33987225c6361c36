import { safeText } from '../../chat/safe-text.js';
import { WEB_WORDS } from '../../ui/web-words.js';
import { byId, h } from './dom.js';
import { dayOf } from './lines.js';
import type { Convo, Model } from './model.js';
import { clock, resultRow } from './rows.js';
import { convoOrder, peopleOf, resultKey, typingNow } from './shown.js';

/** The parts of the page around the message pane, each painted whole from the model: small, so cheap. */
const side = byId<HTMLElement>('convos');
const people = byId<HTMLElement>('people');
const title = byId<HTMLElement>('title');
const status = byId<HTMLElement>('status');
const away = byId<HTMLElement>('away');
const topic = byId<HTMLElement>('topic');
const typing = byId<HTMLElement>('typing');
const search = byId<HTMLElement>('search');
const searchHead = byId<HTMLElement>('search-head');
const results = byId<HTMLElement>('results');

export function paintSide(model: Model): void {
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
}

/** Who is here, an away person marked, with the reason on hover. */
export function paintPeople(model: Model): void {
  people.replaceChildren(
    ...peopleOf(model).map((p) => {
      const reason = p.away === undefined ? undefined : WEB_WORDS.awayReason(safeText(p.nick), safeText(p.away));
      return h(
        'li',
        {},
        h(
          'button',
          { class: `person${p.self ? ' self' : ''}${reason === undefined ? '' : ' away'}`, attrs: { type: 'button', 'data-nick': p.nick, ...(reason === undefined ? {} : { title: reason }) } },
          safeText(p.nick),
          p.self ? ` ${WEB_WORDS.you}` : '',
          reason === undefined ? null : h('span', { class: 'away-mark', attrs: { 'aria-label': WEB_WORDS.away } }, ` ${WEB_WORDS.away}`),
        ),
      );
    }),
  );
}

/** The header: the conversation's name, the node's state, this user's away; the room's topic under it. */
export function paintHeader(model: Model, c: Convo | undefined, open: boolean): void {
  title.textContent = c === undefined ? WEB_WORDS.title : c.kind === 'private' ? `@${safeText(c.name)}` : safeText(c.name);
  status.textContent = statusText(model, open);
  status.className = open && model.state?.connected === true ? 'ok' : 'warn';
  const mine = model.state?.away ?? null;
  away.hidden = mine === null;
  away.textContent = mine === null ? '' : WEB_WORDS.awayYou(safeText(mine.reason), mine.auto);
  away.title = away.textContent;
  const t = c?.kind === 'room' ? model.topics.get(c.key) : undefined;
  topic.hidden = c?.kind !== 'room';
  topic.classList.toggle('none', t === undefined);
  topic.textContent = t === undefined ? WEB_WORDS.noTopic : safeText(t.topic);
  topic.title = t === undefined ? '' : WEB_WORDS.topicBy(safeText(t.by), `${dayOf(t.ts)} ${clock(t.ts)}`);
}

function statusText(model: Model, open: boolean): string {
  const s = model.state;
  if (!open) return s === undefined ? WEB_WORDS.connecting : WEB_WORDS.offline;
  if (s === undefined) return WEB_WORDS.connecting;
  if (s.role === 'relay') return `${safeText(s.nick)} · ${WEB_WORDS.relayIsYou}`;
  if (s.relay === null || s.role === 'electing') return `${safeText(s.nick)} · ${WEB_WORDS.electing}`;
  const where = `${s.relay.host}:${s.relay.port}`;
  return `${safeText(s.nick)} · ${s.connected ? WEB_WORDS.relayIs(safeText(s.relay.nick), where) : WEB_WORDS.noRelayLink}`;
}

/** "bob is typing…" under the pane, for the conversation shown. */
export function paintTyping(model: Model, now: number): void {
  const nicks = typingNow(model, now).map(safeText);
  typing.textContent = nicks.length === 0 ? '' : WEB_WORDS.typing(nicks);
}

/** The answer to /search in its panel, newest first, each result opening its conversation on a click. */
let searchShown: unknown;
export function paintSearch(model: Model): void {
  const s = model.search;
  search.hidden = s === undefined;
  if (s === undefined || s === searchShown) return;
  searchShown = s;
  searchHead.textContent = WEB_WORDS.searchHead(safeText(s.query), s.room, s.results.length);
  results.replaceChildren(...s.results.map((m) => resultRow(m, resultKey(model, m) ?? '')));
}
