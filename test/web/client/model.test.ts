import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/chat/views.js';
import { applyServer, markRead, newModel, select } from '../../../src/web/client/model.js';
import { convoOrder, peopleOf, totalUnread, typingNow } from '../../../src/web/client/shown.js';
import type { ServerMessage, StateView } from '../../../src/web/protocol.js';

const state: StateView = {
  nodeId: 'a',
  nick: 'alice',
  network: 'lanchat',
  secret: false,
  role: 'member',
  relay: null,
  connected: true,
  rooms: ['#lobby', '#dev'],
  current: '#lobby',
  people: [
    { nodeId: 'a', nick: 'alice', rooms: ['#lobby', '#dev'] },
    { nodeId: 'b', nick: 'bob', rooms: ['#dev'] },
  ],
  away: null,
  conversations: [],
};

let seq = 0;
function m(fields: Partial<MessageView>): MessageView {
  seq++;
  return { id: `id${seq}`, from: 'bob', fromId: 'b', room: '#dev', to: null, text: 'hi', ts: 1_000 + seq, own: false, ...fields };
}
const live = (message: MessageView): ServerMessage => ({ t: 'event', event: { event: 'message', ...message } });
const snapshot = (history: { room: string; messages: MessageView[] }[], read: Record<string, number> = {}, over: Partial<StateView> = {}): ServerMessage => ({
  t: 'snapshot',
  state: { ...state, ...over },
  history,
  commands: ['/join'],
  topics: [],
  read,
  notify: { enabled: true, highlights: [] },
});

describe('the page’s model of the session', () => {
  it('opens on the session’s room with each room’s history, counting none of it unread', () => {
    const model = newModel();
    const old = [m({ history: true }), m({ history: true })];
    applyServer(model, snapshot([{ room: '#dev', messages: old }]), true, 0);
    expect(model.active).toBe('#lobby');
    expect(convoOrder(model).map((c) => c.key)).toEqual(['#lobby', '#dev']);
    expect(model.convos.get('#dev')!.list.lines).toHaveLength(2);
    expect(totalUnread(model)).toBe(0);
  });

  it('shows nothing twice when a reconnect brings the same lines again', () => {
    const model = newModel();
    const a = m({});
    const b = m({});
    applyServer(model, snapshot([{ room: '#dev', messages: [a] }]), true, 0);
    applyServer(model, live(b), true, 0);
    applyServer(model, snapshot([{ room: '#dev', messages: [{ ...a, history: true }, { ...b, history: true }] }]), true, 0);
    applyServer(model, live(b), true, 0);
    expect(model.convos.get('#dev')!.list.lines.map((l) => l.key)).toEqual([a.id, b.id]);
    expect(model.convos.get('#dev')!.unread).toBe(1);
  });

  it('counts unread lines and mentions away from the room shown, and clears them when it is shown', () => {
    const model = newModel();
    applyServer(model, snapshot([]), true, 0);
    applyServer(model, live(m({ text: 'anyone?' })), true, 0);
    const effects = applyServer(model, live(m({ text: 'alice: look' })), true, 0);
    expect(effects.notify.map((n) => n.text)).toEqual(['alice: look']);
    const dev = model.convos.get('#dev')!;
    expect([dev.unread, dev.mention]).toEqual([2, true]);
    select(model, '#dev');
    expect([dev.unread, dev.mention, totalUnread(model)]).toEqual([0, false, 0]);
    applyServer(model, live(m({})), true, 0);
    expect(dev.unread).toBe(0);
    applyServer(model, live(m({})), false, 0); // the tab is hidden
    expect(dev.unread).toBe(1);
    applyServer(model, { t: 'read', key: '#dev', ts: dev.list.lines.at(-1)!.ts }, false, 0); // another tab showed it
    expect(dev.unread).toBe(0);
  });

  it('puts private lines, sent and received, in one conversation with the other person, and notifies of received ones', () => {
    const model = newModel();
    applyServer(model, snapshot([]), true, 0);
    const got = applyServer(model, live(m({ room: null, to: 'alice', text: 'psst' })), true, 0);
    applyServer(model, live(m({ room: null, from: 'alice', fromId: 'a', to: 'bob', own: true, text: 'yes?' })), true, 0);
    expect(got.notify).toHaveLength(1);
    const bob = model.convos.get('@bob')!;
    expect(bob.kind).toBe('private');
    expect(bob.list.lines).toHaveLength(2);
    expect(convoOrder(model).map((c) => c.key)).toEqual(['#lobby', '#dev', '@bob']);
    select(model, '@bob');
    expect(peopleOf(model).map((p) => p.nick)).toEqual(['bob', 'alice']);
  });

  it('files older history in front and marks the room’s start', () => {
    const model = newModel();
    const recent = m({ history: true });
    applyServer(model, snapshot([{ room: '#dev', messages: [recent] }]), true, 0);
    const older = [m({ ts: 1, history: true }), m({ ts: 2, history: true })];
    applyServer(model, { t: 'older', id: 1, room: '#dev', messages: older, end: true }, true, 0);
    const dev = model.convos.get('#dev')!;
    expect(dev.list.lines.map((l) => l.key)).toEqual([older[0]!.id, older[1]!.id, recent.id]);
    expect([dev.older, dev.addedBefore]).toEqual(['end', 2]);
  });

  it('shows other events by line mode’s words, in their room when they name one, and ignores kinds it does not know', () => {
    const model = newModel();
    applyServer(model, snapshot([]), true, 0);
    applyServer(model, { t: 'event', event: { event: 'who', room: '#dev', nicks: ['bob'] }, line: '* in #dev: bob' }, true, 5);
    applyServer(model, { t: 'event', event: { event: 'error', code: 'USAGE', message: 'usage: /nick NICK' }, line: '! usage: /nick NICK' }, true, 6);
    const unknown = { t: 'event', event: { event: 'typing', nick: 'bob' } } as unknown as ServerMessage;
    applyServer(model, unknown, true, 7);
    const texts = (key: string): string[] => model.convos.get(key)!.list.lines.map((l) => (l.kind === 'info' ? l.text : ''));
    expect(texts('#dev')).toEqual(['in #dev: bob']);
    applyServer(model, { t: 'event', event: { event: 'presence', nick: 'alice', state: 'joined', room: '#new', self: true }, line: '* you joined #new' }, true, 8);
    expect(texts('#new')).toEqual(['you joined #new']);
    expect(texts('#lobby')).toEqual(['usage: /nick NICK']);
    expect(model.convos.get('#lobby')!.list.lines[0]).toMatchObject({ error: true });
  });

  it('keeps a conversation to its bound, the oldest leaving, and lets scrolling back read them again', () => {
    const model = newModel(50);
    applyServer(model, snapshot([]), true, 0);
    for (let i = 0; i < 120; i++) applyServer(model, live(m({})), true, 0);
    const dev = model.convos.get('#dev')!;
    expect(dev.list.lines).toHaveLength(50);
    expect(dev.older).toBe('unknown');
  });
});

describe('the conversation features in the page’s model', () => {
  it('counts unread lines since the session’s read markers, and places the marker where the reader last looked', () => {
    const model = newModel();
    const lines = [m({ ts: 10, history: true }), m({ ts: 20, history: true }), m({ ts: 30, history: true }), m({ ts: 40, history: true, own: true, from: 'alice' })];
    applyServer(model, snapshot([{ room: '#dev', messages: lines }], { '#dev': 10 }), true, 0);
    const dev = model.convos.get('#dev')!;
    expect([dev.unread, dev.read, dev.marker]).toEqual([2, 10, 10]);
    expect(select(model, '#dev')).toEqual({ key: '#dev', ts: 40 });
    expect([dev.unread, dev.read, dev.marker]).toEqual([0, 40, 10]);
    // Lines coming while it is shown stay below the marker; leaving it moves the marker to what was read.
    applyServer(model, live(m({ ts: 50 })), true, 0);
    expect(markRead(model)).toEqual({ key: '#dev', ts: 50 });
    expect(dev.marker).toBe(10);
    select(model, '#lobby');
    expect(dev.marker).toBe(50);
    expect(markRead(model)).toBeUndefined(); // #lobby holds no line to mark
  });

  it('takes another tab’s read up to a time: what came after it stays unread', () => {
    const model = newModel();
    applyServer(model, snapshot([]), true, 0);
    for (const ts of [10, 20, 30]) applyServer(model, live(m({ ts })), true, 0);
    const dev = model.convos.get('#dev')!;
    expect(dev.unread).toBe(3);
    applyServer(model, { t: 'read', key: '#dev', ts: 20 }, true, 0);
    expect(dev.unread).toBe(1);
    applyServer(model, { t: 'read', key: '#dev', ts: 5 }, true, 0); // a marker never moves back
    expect([dev.unread, dev.read]).toEqual([1, 20]);
  });

  it('keeps each room’s topic, from the snapshot and as it changes', () => {
    const model = newModel();
    const topic = { room: '#dev', topic: 'ship it', by: 'bob', byId: 'b', ts: 5 };
    applyServer(model, { ...(snapshot([]) as Extract<ServerMessage, { t: 'snapshot' }>), topics: [topic] }, true, 0);
    expect(model.topics.get('#dev')).toEqual({ topic: 'ship it', by: 'bob', ts: 5 });
    applyServer(model, { t: 'event', event: { event: 'topic', room: '#dev', topic: 'shipped', by: 'carol', ts: 9 }, line: '* topic of #dev: shipped' }, true, 10);
    expect(model.topics.get('#dev')).toEqual({ topic: 'shipped', by: 'carol', ts: 9 });
  });

  it('shows who is typing in the conversation shown until it expires or their line comes', () => {
    const model = newModel();
    applyServer(model, snapshot([]), true, 0);
    select(model, '#dev');
    const typing = (nick: string, room: string | null): ServerMessage => ({ t: 'event', event: { event: 'typing', nick, room } });
    applyServer(model, typing('bob', '#dev'), true, 1_000);
    applyServer(model, typing('carol', '#lobby'), true, 1_000);
    applyServer(model, typing('dana', null), true, 1_000);
    expect(typingNow(model, 2_000)).toEqual(['bob']);
    expect(typingNow(model, 7_001)).toEqual([]);
    select(model, '@dana', 'Dana');
    expect(typingNow(model, 2_000)).toEqual(['dana']);
    select(model, '#dev');
    applyServer(model, typing('bob', '#dev'), true, 8_000);
    applyServer(model, live(m({ from: 'bob', ts: 8_001 })), true, 8_001);
    expect(typingNow(model, 8_002)).toEqual([]);
  });

  it('marks away people, and this user when away, in who is here', () => {
    const model = newModel();
    const people = [
      { nodeId: 'a', nick: 'alice', rooms: ['#dev'] },
      { nodeId: 'b', nick: 'bob', rooms: ['#dev'], away: { reason: 'lunch', since: 1 } },
    ];
    applyServer(model, snapshot([], {}, { people, current: '#dev', away: { reason: 'brb', auto: false } }), true, 0);
    expect(peopleOf(model)).toEqual([{ nick: 'alice', self: true }, { nick: 'bob', self: false, away: 'lunch' }]);
    select(model, '@bob', 'bob');
    expect(peopleOf(model)).toEqual([{ nick: 'bob', self: false, away: 'lunch' }, { nick: 'alice', self: true, away: 'brb' }]);
  });

  it('opens the session’s private conversations, on /query shows one, on /close drops it, and pages a private one from where the store left off', () => {
    const model = newModel();
    const stored = [m({ room: null, to: 'alice', history: true })];
    applyServer(model, { ...(snapshot([{ room: '@bob', messages: stored }], {}, { conversations: ['Bob'] }) as Extract<ServerMessage, { t: 'snapshot' }>) }, true, 0);
    const bob = model.convos.get('@bob')!;
    expect([bob.name, bob.older, bob.list.lines.length]).toEqual(['Bob', 'end', 1]);
    applyServer(model, { t: 'event', event: { event: 'query', nick: 'Dana' } }, true, 0);
    expect(model.active).toBe('@dana');
    expect(model.convos.get('@dana')!.list.lines).toEqual([]); // no "private conversation with…" line: the window says it
    const resume = { id: 'x-1', fromId: 'x' };
    applyServer(model, { t: 'older', id: 1, room: '@dana', messages: [], end: false, resume }, true, 0);
    expect([model.convos.get('@dana')!.older, model.convos.get('@dana')!.resume]).toEqual(['unknown', resume]);
    applyServer(model, { t: 'event', event: { event: 'closed', nick: 'dana' } }, true, 0);
    expect([model.convos.has('@dana'), model.active]).toEqual([false, '#lobby']);
  });

  it('keeps the last search for its panel, and puts a whois answer in the conversation shown', () => {
    const model = newModel();
    applyServer(model, snapshot([]), true, 0);
    const found = m({ text: 'demo', history: true });
    applyServer(model, { t: 'event', event: { event: 'search', query: 'demo', room: null, results: [found] }, line: '* search…' }, true, 0);
    expect(model.search).toEqual({ query: 'demo', room: null, results: [found] });
    expect(model.convos.get('#lobby')!.list.lines).toEqual([]);
    const whois = { event: 'whois' as const, nick: 'bob', node: 'b'.repeat(64), fingerprint: null, address: '127.0.0.1', addresses: ['127.0.0.1'], port: 1, onlineSince: 1, idleMs: 0, away: false, rooms: ['#dev'] };
    applyServer(model, { t: 'event', event: whois, line: '* bob: …' }, true, 7);
    expect(model.convos.get('#lobby')!.list.lines).toMatchObject([{ kind: 'whois', whois }]);
  });
});

describe('the page’s private conversations kept in step with the session', () => {
  it('drops one closed by another face, and asks again for older lines a lost link never answered', () => {
    const model = newModel();
    applyServer(model, snapshot([], {}, { conversations: ['bob', 'dana'] }), true, 0);
    model.convos.get('#dev')!.older = 'loading';
    applyServer(model, { t: 'state', state: { ...state, conversations: ['dana'] } }, true, 0);
    expect([...model.convos.keys()]).toEqual(['#lobby', '#dev', '@dana']);
    applyServer(model, snapshot([], {}, { conversations: ['dana'] }), true, 0);
    expect(model.convos.get('#dev')!.older).toBe('unknown');
  });
});

describe('notifications as the node runs them', () => {
  const base = snapshot([]) as Extract<ServerMessage, { t: 'snapshot' }>;
  it.each([
    ['the nick', { enabled: true, highlights: [] }, ['alice: look', 'psst'], [true, false]],
    ['a --highlight word too', { enabled: true, highlights: ['deploy'] }, ['alice: look', 'deploy done', 'psst'], [true, true, false]],
    ['none with --no-notify', { enabled: false, highlights: ['deploy'] }, ['alice: look', 'deploy done', 'psst'], [true, true, false]],
  ])('notify and mark mentions of %s', (_name, notify, texts, mentionMarks) => {
    const model = newModel();
    applyServer(model, { ...base, notify }, true, 0);
    const room = texts.map((text) => applyServer(model, live(m({ text })), true, 0).notify.length);
    const priv = applyServer(model, live(m({ room: null, to: 'alice', text: 'psst' })), true, 0).notify.length;
    const lines = model.convos.get('#dev')!.list.lines;
    expect(lines.map((l) => l.kind === 'message' && l.mention)).toEqual(mentionMarks);
    expect([...room, priv]).toEqual(notify.enabled ? [...mentionMarks.map((x) => (x ? 1 : 0)), 1] : [...texts.map(() => 0), 0]);
  });
});
