import { safeText } from '../../chat/safe-text.js';
import type { MessageView } from '../../chat/views.js';
import type { WhoisEvent } from '../../ui/events.js';
import { shownNick } from '../../ui/shown-nick.js';
import { WEB_WORDS } from '../../ui/web-words.js';
import { h } from './dom.js';
import { dayOf, type Line, linkPieces, nickColour } from './lines.js';

/** The rows of the message pane and the search panel, built from a peer's text only as text nodes. */

export function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function timeOf(ts: number, withDay = false): HTMLElement {
  return h('time', { attrs: { datetime: new Date(ts).toISOString() } }, withDay ? `${dayOf(ts)} ${clock(ts)}` : clock(ts));
}

/** A line's text as nodes: made safe (chat/safe-text.ts), links as links that open only when clicked, in a new tab. */
export function textNodes(text: string): Node[] {
  return linkPieces(safeText(text)).map((piece) =>
    piece.href === undefined
      ? document.createTextNode(piece.text)
      : h('a', { attrs: { href: piece.href, target: '_blank', rel: 'noopener noreferrer' } }, piece.text),
  );
}

/** Who wrote `m` and in what colour (to whom, for one's own private line). */
function nickSpan(m: MessageView): HTMLElement {
  const priv = m.room === null;
  const who = priv && m.own ? `→ ${safeText(m.to ?? '')}` : safeText(shownNick(m));
  return h('span', { class: `nick c${nickColour(m.own && priv ? (m.to ?? '') : m.from)}` }, who);
}

/** A message's body: an action reads "* alice waves", a topic set says so; a line, its text. */
function bodyOf(m: MessageView): HTMLElement {
  if (m.topic === true) return h('span', { class: 'text' }, `* ${WEB_WORDS.topicSet(safeText(shownNick(m)), safeText(m.text))}`);
  if (m.action === true) return h('span', { class: 'text' }, '* ', h('span', { class: `nick c${nickColour(m.from)}` }, safeText(shownNick(m))), ' ', ...textNodes(m.text));
  return h('span', { class: 'text' }, ...textNodes(m.text));
}

function messageClasses(m: MessageView, mention: boolean, extra: string): string {
  const talk = m.action === true ? 'action' : m.topic === true ? 'topic-set' : '';
  return ['line', 'msg', m.own ? 'own' : '', m.room === null ? 'private' : '', mention ? 'mention' : '', talk, extra].filter((c) => c !== '').join(' ');
}

export function rowOf(line: Line): HTMLElement {
  const time = timeOf(line.ts);
  if (line.kind === 'info') return h('div', { class: `line info${line.error ? ' error' : ''}` }, time, h('span', { class: 'text' }, line.text));
  if (line.kind === 'whois') return h('div', { class: 'line whois' }, time, whoisBlock(line.whois));
  const m = line.message;
  const talk = m.action === true || m.topic === true;
  return h('div', { class: messageClasses(m, line.mention, ''), attrs: { 'data-id': m.id } }, time, talk ? null : nickSpan(m), bodyOf(m));
}

/** A whois answer as a block: a row for each fact (ui/line-format.ts says the same in one line). */
function whoisBlock(w: WhoisEvent): HTMLElement {
  const W = WEB_WORDS.whois;
  const idle = w.idleMs === null ? W.unknown : `${Math.floor(w.idleMs / 60_000)} min`;
  const rows: [string, string][] = [
    [W.node, w.node],
    [W.key, w.fingerprint ?? W.unproven],
    [W.address, w.address === null ? W.unknown : `${w.address.includes(':') ? `[${w.address}]` : w.address}:${w.port}`],
    [W.since, `${dayOf(w.onlineSince)} ${clock(w.onlineSince)}`],
    [W.idle, idle],
    [W.state, w.away ? WEB_WORDS.awayYou(w.reason ?? '', false) : W.here],
    [W.rooms, w.rooms.length === 0 ? W.none : w.rooms.join(', ')],
  ];
  return h(
    'div',
    { class: 'whois-block' },
    h('strong', { class: `nick c${nickColour(w.nick)}` }, safeText(w.nick)),
    h('dl', {}, ...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, safeText(v))])),
  );
}

/** A search result: its date, where it was said, who, what; `data-key` the conversation it opens on a click. */
export function resultRow(m: MessageView, key: string): HTMLElement {
  const where = m.room ?? (m.own ? WEB_WORDS.privateTo(safeText(m.to ?? '')) : WEB_WORDS.privateWith(safeText(m.from)));
  const talk = m.action === true || m.topic === true;
  return h(
    'li',
    { class: messageClasses(m, false, 'result'), attrs: { 'data-key': key, 'data-id': m.id } },
    timeOf(m.ts, true),
    h('span', { class: 'where' }, where),
    talk ? null : nickSpan(m),
    bodyOf(m),
  );
}
