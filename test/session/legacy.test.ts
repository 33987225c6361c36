import { describe, expect, it } from 'vitest';
import { noticeOf, problemOf } from '../../src/session/legacy.js';

// TRANSITION: the node's notices and problems, in today's form (a code and a sentence) and in the data
// forms the emitters are moving to (with the sentence still attached), become the same session data.
describe('notices from the node', () => {
  it('keeps the sentence of a notice that comes without its data', () => {
    expect(noticeOf({ code: 'RELAY_LOST', text: 'lost the relay bob (gone); electing another…' })).toEqual({
      notice: { code: 'RELAY_LOST' },
      legacyText: 'lost the relay bob (gone); electing another…',
    });
  });

  it('drops the sentence of a notice that has its data: the faces word it', () => {
    const raw = { code: 'RELAY_LOST', relay: 'bob', reason: 'gone', text: 'lost the relay bob (gone); electing another…' };
    expect(noticeOf(raw)).toEqual({
      notice: { code: 'RELAY_LOST', relay: 'bob', reason: 'gone' },
    });
    // A notice with no data to carry is whole in both forms.
    expect(noticeOf({ code: 'LOOKING', text: 'looking for peers…' })).toEqual({ notice: { code: 'LOOKING' } });
  });

  it('counts false, 0 and null as data', () => {
    const raw = { code: 'CAUGHT_UP', count: 0, shown: 0, away: false, text: 'x' };
    expect(noticeOf(raw)).toEqual({ notice: { code: 'CAUGHT_UP', count: 0, shown: 0, away: false } });
  });

  it('keeps the sentence of a code it does not know', () => {
    expect(noticeOf({ code: 'TAKING_OVER', text: 'taking over' })).toEqual({ notice: { code: 'TAKING_OVER' }, legacyText: 'taking over' });
  });
});

describe('problems from the node', () => {
  it('keeps the sentence of a problem that comes without its data', () => {
    expect(problemOf({ code: 'NOT_IN_ROOM', message: 'you are not in any room' })).toEqual({
      problem: { code: 'NOT_IN_ROOM' },
      legacyText: 'you are not in any room',
    });
  });

  it('drops the sentence of a problem that has its data', () => {
    const raw = { code: 'NOT_IN_ROOM', room: null, message: 'you are in no room; /join #room first' };
    expect(problemOf(raw)).toEqual({ problem: { code: 'NOT_IN_ROOM', room: null } });
    const partial = { code: 'BAD_SIGNATURE', what: 'sync', reason: 'invalid', message: 'refused a sync batch…' };
    expect(problemOf(partial)).toEqual({ problem: { code: 'BAD_SIGNATURE', what: 'sync', reason: 'invalid' } });
  });

  it("takes a code only the relay words as the relay's refusal, suggestion included", () => {
    expect(problemOf({ code: 'NICK_IN_USE', message: 'the nick bob is taken', suggestion: 'bob2' })).toEqual({
      problem: { code: 'NICK_IN_USE', remote: { message: 'the nick bob is taken', suggestion: 'bob2' } },
    });
    expect(problemOf({ code: 'SERVER_FULL', message: 'the relay is full' })).toEqual({
      problem: { code: 'SERVER_FULL', remote: { message: 'the relay is full' } },
    });
    // A method of Object is not a code.
    expect(problemOf({ code: 'toString', message: 'odd' })).toEqual({ problem: { code: 'toString', remote: { message: 'odd' } } });
  });

  it("passes the data form of a relay's refusal through", () => {
    const raw = { code: 'ROOM_INVALID', remote: { message: 'not a room' }, message: 'not a room' };
    expect(problemOf(raw)).toEqual({ problem: { code: 'ROOM_INVALID', remote: { message: 'not a room' } } });
  });
});
