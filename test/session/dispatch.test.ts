import { describe, expect, it } from 'vitest';
import type { Refusal } from '../../src/session/chat-session.js';
import { dispatch } from '../../src/session/dispatch.js';
import { fakeSession } from '../helpers/fake-session.js';

describe('the command dispatcher', () => {
  it('opens a private conversation (saying a line in it when given), and closes one or parts a room', () => {
    const session = fakeSession({ currentRoom: '#dev' });
    expect(dispatch(session, { kind: 'query', nick: 'bob' })).toEqual({ kind: 'query', nick: 'bob' });
    expect(dispatch(session, { kind: 'query', nick: 'bob', text: 'hi' })).toEqual({ kind: 'query', nick: 'bob' });
    expect(dispatch(session, { kind: 'close', name: 'bob' })).toEqual({ kind: 'closed', name: 'bob' });
    expect(dispatch(session, { kind: 'close', name: '#dev' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'close', name: 'zed' })).toMatchObject({ kind: 'refused', command: 'close', problem: { code: 'NOT_IN_ROOM', room: 'zed' } });
    expect(session.calls).toEqual([
      ['openConversation', 'bob'],
      ['openConversation', 'bob'],
      ['whisper', 'bob', 'hi'],
      ['closeConversation', 'bob'],
      ['part', '#dev'],
      ['closeConversation', 'zed'],
    ]);
  });

  it('searches everything, or a room as typed, and refuses an empty or overlong text', async () => {
    const session = fakeSession({ currentRoom: '#dev' });
    const all = dispatch(session, { kind: 'search', text: '  lunch ' });
    expect(all).toMatchObject({ kind: 'search', query: 'lunch', room: null });
    const inRoom = dispatch(session, { kind: 'search', text: 'lunch', room: 'Dev' });
    expect(inRoom).toMatchObject({ kind: 'search', query: 'lunch', room: '#dev' });
    if (inRoom.kind === 'search') expect(await inRoom.results).toHaveLength(1);
    expect(session.calls).toEqual([['search', 'lunch', undefined], ['search', 'lunch', '#dev']]);
    expect(dispatch(session, { kind: 'search', text: ' ' })).toEqual({ kind: 'refused', command: 'search', problem: { code: 'SEARCH_INVALID', maxChars: 200 } });
    expect(dispatch(session, { kind: 'search', text: 'x'.repeat(201) })).toMatchObject({ kind: 'refused', problem: { code: 'SEARCH_INVALID' } });
    expect(dispatch(session, { kind: 'search', text: 'x', room: '#bad room' })).toMatchObject({ kind: 'refused', problem: { code: 'ROOM_INVALID' } });
  });

  it('hands each chat command to the session, as typed', () => {
    const session = fakeSession({ currentRoom: '#dev' });
    expect(dispatch(session, { kind: 'say', text: 'hi' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'msg', nick: 'bob', text: 'psst' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'join', room: 'Dev' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'part' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'nick', nick: 'ann2' })).toEqual({ kind: 'done' });
    expect(session.calls).toEqual([
      ['say', 'hi'],
      ['whisper', 'bob', 'psst'],
      ['join', 'Dev'],
      ['part', undefined],
      ['setNick', 'ann2'],
    ]);
  });

  it("returns the session's refusal with the command it refuses", () => {
    const refusal = { problem: { code: 'NOT_IN_ROOM' as const, room: null } };
    const session = fakeSession({}, refusal);
    expect(dispatch(session, { kind: 'part' })).toEqual({ kind: 'refused', command: 'part', ...refusal });
    expect(dispatch(session, { kind: 'say', text: 'x' })).toEqual({ kind: 'refused', command: 'say', ...refusal });
  });

  it('answers who in the current room or the one named, and refuses what is no room', () => {
    expect(dispatch(fakeSession({ currentRoom: '#dev' }), { kind: 'who' })).toEqual({ kind: 'who', room: '#dev', nicks: ['ann', 'bob'] });
    const session = fakeSession();
    expect(dispatch(session, { kind: 'who', room: 'Dev' })).toMatchObject({ kind: 'who', room: '#dev' });
    expect(dispatch(session, { kind: 'who' })).toEqual({ kind: 'refused', command: 'who', problem: { code: 'NOT_IN_ROOM', room: null } });
    expect(dispatch(session, { kind: 'who', room: 'bad!' })).toEqual({
      kind: 'refused',
      command: 'who',
      problem: { code: 'ROOM_INVALID', room: 'bad!' },
    });
  });

  it('reads history for the face that asked, and refuses what is no room as it always has', async () => {
    const session = fakeSession({ currentRoom: '#lobby' });
    const answer = dispatch(session, { kind: 'history', room: '#Dev', count: 5 });
    expect(answer.kind).toBe('history');
    if (answer.kind === 'history') expect((await answer.messages).map((m) => m.text)).toEqual(['hi']);
    dispatch(session, { kind: 'history', count: 50 });
    expect(session.calls).toEqual([
      ['history', '#dev', 5],
      ['history', '#lobby', 50],
    ]);
    expect(dispatch(fakeSession(), { kind: 'history', count: 3 })).toEqual({
      kind: 'refused',
      command: 'history',
      problem: { code: 'ROOM_INVALID', room: '' },
    });
    expect(dispatch(session, { kind: 'history', room: 'bad!', count: 3 })).toMatchObject({ kind: 'refused', problem: { room: 'bad!' } });
  });

  it('answers rooms from the state, and leaves help and quit to the face', () => {
    const session = fakeSession();
    expect(dispatch(session, { kind: 'rooms' })).toEqual({ kind: 'rooms', rooms: [{ room: '#dev', people: 2, joined: true }] });
    expect(dispatch(session, { kind: 'help' })).toEqual({ kind: 'help' });
    expect(dispatch(session, { kind: 'quit' })).toEqual({ kind: 'quit' });
    expect(session.calls).toEqual([]);
  });
});

describe('the conversation commands (issue 17)', () => {
  it('hands each to the session, as typed', () => {
    const session = fakeSession({ currentRoom: '#dev' });
    expect(dispatch(session, { kind: 'me', text: 'waves' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'away', reason: 'lunch' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'away' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'back' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'topic', room: '#ops', text: 'deploys' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'whois', nick: 'bob' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'ignore', nick: 'bob' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'unignore', nick: 'bob' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'typing', room: 'Dev' })).toEqual({ kind: 'done' });
    expect(dispatch(session, { kind: 'typing', nick: 'bob' })).toEqual({ kind: 'done' });
    expect(session.calls).toEqual([
      ['act', 'waves'],
      ['setAway', 'lunch'],
      ['setAway', undefined],
      ['setAway', undefined],
      ['setTopic', '#ops', 'deploys'],
      ['whois', 'bob'],
      ['ignore', 'bob'],
      ['unignore', 'bob'],
      ['typing', { room: '#dev' }],
      ['typing', { nick: 'bob' }],
    ]);
  });

  it('answers /topic without text with the topic of the room named or the current one', async () => {
    const session = fakeSession({ currentRoom: '#dev' });
    const answer = dispatch(session, { kind: 'topic', room: 'Ops' });
    expect(answer.kind).toBe('topic');
    if (answer.kind !== 'topic') return;
    expect(answer.room).toBe('#ops');
    expect(await answer.topic).toEqual({ room: '#ops', topic: 'plans', by: 'ann', byId: 'a', ts: 5 });
    expect(dispatch(fakeSession(), { kind: 'topic' })).toEqual({ kind: 'refused', command: 'topic', problem: { code: 'NOT_IN_ROOM', room: null } });
  });

  it('lists whom the user ignores for /ignore alone', () => {
    expect(dispatch(fakeSession(), { kind: 'ignore' })).toEqual({ kind: 'ignored', people: [{ nick: 'bob', nodeId: 'b' }] });
  });

  it('returns a refusal to the face that gave the command', () => {
    const refusal = { problem: { code: 'NOT_IGNORED' as const, nick: 'bob' } };
    expect(dispatch(fakeSession({}, refusal), { kind: 'unignore', nick: 'bob' })).toEqual({ kind: 'refused', command: 'unignore', ...refusal });
  });
});
