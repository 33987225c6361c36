import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LanchatNode } from '../../src/node/node.js';
import type { ChatSession, SessionEvent } from '../../src/session/chat-session.js';
import { NodeSession } from '../../src/session/node-session.js';
import { problemSentence } from '../../src/ui/words.js';

type Event<T extends SessionEvent['type']> = Extract<SessionEvent, { type: T }>;

/** The first event of `type` matching `match` from now on. */
function next<T extends SessionEvent['type']>(session: ChatSession, type: T, match: (e: Event<T>) => boolean = () => true): Promise<Event<T>> {
  return new Promise((resolve) => {
    const stop = session.subscribe((event) => {
      if (event.type === type && match(event as Event<T>)) {
        stop();
        resolve(event as Event<T>);
      }
    });
  });
}

// A lone node (no discovery: it relays for itself on loopback) behind the session, with faces listening.
describe('a session over a node', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-session-'));
  const thrown: unknown[] = [];
  let session: NodeSession;
  const first: SessionEvent[] = [];
  const second: SessionEvent[] = [];

  beforeAll(async () => {
    const node = await LanchatNode.start({ nick: 'ann', network: 'lanchat', dataDir: join(root, 'ann'), host: false, port: 0, discovery: false });
    session = new NodeSession(node, { listenerError: (err) => thrown.push(err) });
    session.subscribe((e) => first.push(e));
    session.subscribe((e) => second.push(e));
    const connected = next(session, 'role');
    session.run();
    session.run(); // every face may call it: once is what happens
    await connected;
  });
  afterAll(async () => {
    await session.stop();
    await session.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('hands every event to every face, once', () => {
    expect(first.filter((e) => e.type === 'ready')).toEqual([
      { type: 'ready', node: session.nodeId, nick: 'ann', port: expect.any(Number), secret: false, network: 'lanchat' },
    ]);
    // A notice of today's node with nothing to word but its code comes as data alone.
    expect(first).toContainEqual({ type: 'notice', notice: { code: 'OPEN' } });
    expect(second).toEqual(first);
  });

  it('tells the state a face reads', () => {
    expect(session.nick).toBe('ann');
    expect(session.network).toBe('lanchat');
    expect(session.secret).toBe(false);
    expect(session.role).toBe('relay');
    expect(session.relay).toMatchObject({ id: session.nodeId, nick: 'ann' });
    expect(session.connected).toBe(true);
    expect(session.rooms).toEqual(['#lobby']);
    expect(session.currentRoom).toBe('#lobby');
    expect(session.people()).toEqual([{ nodeId: session.nodeId, nick: 'ann', rooms: ['#lobby'] }]);
    expect(session.who('#lobby')).toEqual({ room: '#lobby', nicks: ['ann'] });
    expect(session.roomList()).toEqual([{ room: '#lobby', people: 1, joined: true }]);
  });

  it('returns a refusal to the face that gave the command, and tells no other face', () => {
    const before = first.length;
    const refusal = session.whisper('nobody', 'psst');
    expect(refusal?.problem.code).toBe('NO_SUCH_NICK');
    expect(problemSentence(refusal!, 'msg')).toBe('no one called nobody is online');
    expect(session.join('bad room!')?.problem.code).toBe('ROOM_INVALID');
    expect(session.setNick('no spaces')?.problem.code).toBe('NICK_INVALID');
    expect(first.slice(before).filter((e) => e.type === 'problem')).toEqual([]);
  });

  it('tells every face what a command brings', async () => {
    const shown = next(session, 'message', (e) => e.message.text === 'hello');
    expect(session.say('hello')).toBeUndefined();
    expect((await shown).message).toMatchObject({ from: 'ann', room: '#lobby', own: true });
    expect(second.some((e) => e.type === 'message' && e.message.text === 'hello')).toBe(true);
  });

  it('reads the history of a room for the face that asks', async () => {
    const said = next(session, 'message', (e) => e.message.text === 'for the record');
    session.say('for the record');
    await said;
    const history = await session.history('#lobby', 1);
    expect(history).toEqual([expect.objectContaining({ text: 'for the record', history: true })]);
    const older = await session.older('#lobby', 10, history[0]);
    expect(older.map((m) => m.text)).toContain('hello');
  });

  it('lets faces come and go while an event is handed out', async () => {
    const got: string[] = [];
    let late: (() => void) | undefined;
    let gone: (() => void) | undefined = undefined;
    const leaver = session.subscribe((e) => {
      if (e.type !== 'message') return;
      got.push(`leaver ${e.message.text}`);
      gone?.(); // the next face leaves during this event: it gets nothing more
      late ??= session.subscribe((m) => m.type === 'message' && got.push(`late ${m.message.text}`));
    });
    gone = session.subscribe((e) => e.type === 'message' && got.push(`gone ${e.message.text}`));
    const thrower = session.subscribe(() => {
      throw new Error('a face with a bug');
    });
    const after = session.subscribe((e) => e.type === 'message' && got.push(`after ${e.message.text}`));

    const one = next(session, 'message', (e) => e.message.text === 'one');
    session.say('one');
    await one;
    const two = next(session, 'message', (e) => e.message.text === 'two');
    session.say('two');
    await two;
    for (const stop of [leaver, thrower, after, late!]) {
      stop();
      stop(); // twice is safe
    }
    expect(got).toEqual(['leaver one', 'after one', 'leaver two', 'after two', 'late two']);
    expect(thrown).toEqual([new Error('a face with a bug'), new Error('a face with a bug')]);
  });

  it('gives the same function, subscribed twice, two subscriptions', async () => {
    const texts: string[] = [];
    const listener = (e: SessionEvent): void => void (e.type === 'message' && texts.push(e.message.text));
    const a = session.subscribe(listener);
    const b = session.subscribe(listener);
    const twice = next(session, 'message', (e) => e.message.text === 'twice');
    session.say('twice');
    await twice;
    a();
    const once = next(session, 'message', (e) => e.message.text === 'once');
    session.say('once');
    await once;
    b();
    expect(texts).toEqual(['twice', 'twice', 'once']);
  });
});
