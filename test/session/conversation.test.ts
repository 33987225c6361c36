import { describe, expect, it, vi } from 'vitest';
import type { Notice } from '../../src/chat/views.js';
import { AUTO_AWAY_REASON, Conversation, type TalkingNode } from '../../src/session/conversation.js';

/** A node that records what the conversation asks of it. */
function fakeNode(): TalkingNode & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  let away: { reason: string } | undefined;
  return {
    calls,
    currentRoom: '#dev',
    identity: { nodeIdHex: 'a'.repeat(64) },
    nodeIdOf: (nick) => (nick === 'bob' ? { nodeId: 'b'.repeat(64), nick: 'bob' } : undefined),
    talk: {
      get away() {
        return away;
      },
      setAway: (reason) => {
        away = reason === undefined ? undefined : { reason };
        calls.push(['setAway', reason]);
      },
      typing: (target) => (calls.push(['typing', target]), true),
    },
  };
}

describe('the session conversation, with an injected clock', () => {
  it('sends a typing notice at most every 3 s per target, and at once after a line is sent', () => {
    let now = 1_000_000;
    const node = fakeNode();
    const talk = new Conversation(node, { awayAfterMinutes: 0, sendTyping: true, ignoreList: undefined, notice: () => {}, now: () => now });
    for (let i = 0; i <= 30; i++, now += 100) talk.typing(undefined); // keystrokes from 0 to 3 s: at 0 and at 3 s
    talk.typing({ nick: 'bob' });
    talk.sent();
    talk.typing(undefined);
    expect(node.calls).toEqual([
      ['typing', { room: '#dev' }],
      ['typing', { room: '#dev' }],
      ['typing', { nick: 'bob' }],
      ['typing', { room: '#dev' }],
    ]);
  });

  it('sends none with --no-typing', () => {
    const node = fakeNode();
    const talk = new Conversation(node, { awayAfterMinutes: 0, sendTyping: false, ignoreList: undefined, notice: () => {} });
    talk.typing(undefined);
    expect(node.calls).toEqual([]);
  });

  it('goes away by itself after the minutes without input, and comes back at the next input', () => {
    vi.useFakeTimers();
    try {
      const node = fakeNode();
      const notices: Notice[] = [];
      const talk = new Conversation(node, { awayAfterMinutes: 10, sendTyping: true, ignoreList: undefined, notice: (n) => notices.push(n) });
      talk.start();
      vi.advanceTimersByTime(9 * 60_000);
      talk.input(); // the clock starts again
      vi.advanceTimersByTime(9 * 60_000);
      expect(node.calls).toEqual([]);
      vi.advanceTimersByTime(60_000 + 1);
      expect(talk.away).toEqual({ reason: AUTO_AWAY_REASON, auto: true });
      talk.input();
      expect(talk.away).toBeUndefined();
      expect(node.calls).toEqual([
        ['setAway', AUTO_AWAY_REASON],
        ['setAway', undefined],
      ]);
      expect(notices).toEqual([{ code: 'AWAY', reason: AUTO_AWAY_REASON, auto: true }, { code: 'BACK' }]);
      talk.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves an away asked for at the next input', () => {
    const node = fakeNode();
    const notices: Notice[] = [];
    const talk = new Conversation(node, { awayAfterMinutes: 10, sendTyping: true, ignoreList: undefined, notice: (n) => notices.push(n) });
    talk.input(); // not away: nothing to end
    expect(node.calls).toEqual([]);
    talk.setAway('lunch');
    expect(talk.away).toEqual({ reason: 'lunch', auto: false });
    talk.input();
    expect(talk.away).toEqual({ reason: 'lunch', auto: false });
    talk.setAway('   ');
    expect(talk.away).toBeUndefined();
    expect(node.calls).toEqual([
      ['setAway', 'lunch'],
      ['setAway', undefined],
    ]);
    expect(notices).toEqual([]);
  });

  it('refuses to ignore someone never seen, or oneself', () => {
    const talk = new Conversation(fakeNode(), { awayAfterMinutes: 0, sendTyping: true, ignoreList: undefined, notice: () => {} });
    expect(talk.ignore('zed')).toEqual({ code: 'NO_SUCH_NICK', nick: 'zed', reason: 'unknown' });
    expect(talk.unignore('bob')).toEqual({ code: 'NOT_IGNORED', nick: 'bob' });
  });
});
