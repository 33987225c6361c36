import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views.js';
import { bounded, dueAt, flush, initialGate, MAX_HELD_SENDERS, mentionsWord, NOTIFY_GAP_MS, offer, worthNotifying, type GateState } from '../../src/ui/notify-policy.js';
import { notificationText } from '../../src/ui/words.js';

const view = (over: Partial<MessageView>): MessageView => ({ id: 'b-1', from: 'bob', fromId: 'b', room: '#lobby', to: null, text: 'hi', ts: 1, own: false, ...over });

describe('which lines are worth a notification', () => {
  it.each([
    [{ room: null, to: 'alice', text: 'psst' }, [], { from: 'bob', text: 'psst', private: true }],
    [{ text: 'alice: lunch?' }, [], { from: 'bob', text: 'alice: lunch?', private: false }],
    [{ text: 'ALICE look' }, [], { from: 'bob', text: 'ALICE look', private: false }],
    [{ text: 'aliceson is here' }, [], undefined],
    [{ text: 'the deploy is done' }, ['deploy'], { from: 'bob', text: 'the deploy is done', private: false }],
    [{ text: 'redeploy' }, ['deploy'], undefined],
    [{ text: 'alice: old', history: true }, [], undefined], // history and catch-ups never
    [{ room: null, to: 'alice', text: 'caught up', history: true }, [], undefined],
    [{ text: 'alice: me', own: true }, [], undefined],
  ])('%j with highlights %j → %j', (over, highlights, expected) => {
    expect(worthNotifying(view(over), 'alice', highlights)).toEqual(expected);
  });

  it('matches a word of its own, whatever its characters', () => {
    expect(mentionsWord('ping @a.b now', 'a.b')).toBe(true);
    expect(mentionsWord('ping axb now', 'a.b')).toBe(false);
    expect(mentionsWord('anything', '')).toBe(false);
  });
});

describe('at most one notification every 5 s', () => {
  const line = (from: string) => ({ from, text: `from ${from}`, private: true });

  it('shows the first at once, holds the next ones, and sums them up once the gap has passed', () => {
    let state: GateState = initialGate();
    const shown: unknown[] = [];
    const step = (result: { state: GateState; show: unknown }) => {
      state = result.state;
      if (result.show !== undefined) shown.push(result.show);
    };
    step(offer(state, line('bob'), 1_000, false));
    step(offer(state, line('bob'), 1_500, false));
    step(offer(state, line('bob'), 2_000, false));
    step(offer(state, line('carol'), 3_000, false));
    expect(shown).toEqual([{ kind: 'line', from: 'bob', text: 'from bob', private: true }]);
    expect(dueAt(state)).toBe(1_000 + NOTIFY_GAP_MS);
    step(flush(state, 5_999, false)); // not yet
    expect(shown).toHaveLength(1);
    step(flush(state, 6_000, false));
    expect(shown[1]).toEqual({ kind: 'summary', count: 3, senders: ['bob', 'carol'], others: 0 });
    expect(dueAt(state)).toBeUndefined();
    // The gap counts from the summary: a line 4 s later is held, one 5 s later shown.
    step(offer(state, line('dan'), 10_000, false));
    expect(shown).toHaveLength(2);
    step(flush(state, 11_000, false));
    expect(shown[2]).toEqual({ kind: 'summary', count: 1, senders: ['dan'], others: 0 });
    step(offer(state, line('eve'), 16_000, false));
    expect(shown[3]).toMatchObject({ kind: 'line', from: 'eve' });
  });

  it('shows nothing while the terminal has focus, and focus drops what was held', () => {
    let state = offer(initialGate(), line('bob'), 0, true).state;
    expect(state).toEqual(initialGate());
    state = offer(state, line('bob'), 0, false).state;
    state = offer(state, line('bob'), 100, false).state;
    const focused = flush(state, 10_000, true);
    expect(focused.show).toBeUndefined();
    expect(dueAt(focused.state)).toBeUndefined();
  });

  it('holds counts for a bounded number of senders', () => {
    let state: GateState = { lastShown: 0, held: new Map() };
    for (let i = 0; i < MAX_HELD_SENDERS + 50; i++) state = bounded(offer(state, line(`n${i}`), 1, false).state);
    expect(state.held.size).toBe(MAX_HELD_SENDERS);
    expect([...state.held.values()].reduce((a, b) => a + b, 0)).toBe(MAX_HELD_SENDERS + 50);
  });

  it('is worded as a line or a summary', () => {
    // A private line's text never goes into notify-send's arguments (visible in ps).
    expect(notificationText({ kind: 'line', from: 'bob', text: 'psst', private: true })).toEqual({ title: 'bob (private)', body: 'wrote to you privately' });
    expect(notificationText({ kind: 'line', from: 'bob', text: 'alice?', private: false })).toEqual({ title: 'bob mentioned you', body: 'alice?' });
    expect(notificationText({ kind: 'summary', count: 3, senders: ['bob'], others: 0 }).body).toBe('3 more from bob');
    expect(notificationText({ kind: 'summary', count: 9, senders: ['a', 'b', 'c'], others: 2 }).body).toBe('9 more from a, b, c and 2 others');
  });
});
