import { describe, expect, it } from 'vitest';
import { nextExpiry, TYPING_EXPIRES_MS, TYPING_SEND_EVERY_MS, typingDone, typingDue, typingIn, typingSeen, type Typers } from '../../src/chat/typing.js';

describe('typing notices, sender side: at most every 3 s while typing', () => {
  const t0 = 1_000_000;
  it.each([
    ['the first keystroke', undefined, '#dev', t0, true],
    ['a keystroke 1 ms later', { target: '#dev', at: t0 }, '#dev', t0 + 1, false],
    ['just under 3 s later', { target: '#dev', at: t0 }, '#dev', t0 + TYPING_SEND_EVERY_MS - 1, false],
    ['3 s later', { target: '#dev', at: t0 }, '#dev', t0 + TYPING_SEND_EVERY_MS, true],
    ['another room at once', { target: '#dev', at: t0 }, '#ops', t0 + 1, true],
    ['a private line at once', { target: '#dev', at: t0 }, '@bob', t0 + 1, true],
  ] as const)('%s', (_name, last, target, now, due) => {
    expect(typingDue(last, target, now)).toBe(due);
  });

  it('sends 4 notices over 10 s of steady typing (a keystroke every 100 ms)', () => {
    let last: { target: string; at: number } | undefined;
    let sent = 0;
    for (let now = t0; now < t0 + 10_000; now += 100) {
      if (typingDue(last, '#dev', now)) {
        sent++;
        last = { target: '#dev', at: now };
      }
    }
    expect(sent).toBe(4); // at 0, 3, 6 and 9 s
  });
});

describe('typing notices, receiver side: shown until 6 s after the last, or the line', () => {
  const t0 = 5_000_000;
  const bob = { nick: 'bob', fromId: 'b'.repeat(64), room: '#dev' };
  const carol = { nick: 'carol', fromId: 'c'.repeat(64), room: '#dev' };
  const empty: Typers = new Map();

  it('shows a typer until it expires', () => {
    const typers = typingSeen(empty, bob, t0);
    expect(typingIn(typers, '#dev', t0)).toEqual(['bob']);
    expect(typingIn(typers, '#dev', t0 + TYPING_EXPIRES_MS - 1)).toEqual(['bob']);
    expect(typingIn(typers, '#dev', t0 + TYPING_EXPIRES_MS)).toEqual([]);
    expect(typingIn(typers, '#ops', t0)).toEqual([]);
    expect(typingIn(typers, null, t0)).toEqual([]);
  });

  it('keeps a typer who goes on typing: each notice moves the expiry', () => {
    let typers = typingSeen(empty, bob, t0);
    typers = typingSeen(typers, bob, t0 + 3_000);
    expect(typingIn(typers, '#dev', t0 + 8_000)).toEqual(['bob']);
    expect(typingIn(typers, '#dev', t0 + 9_000)).toEqual([]);
  });

  it('forgets a typer at their line, and sorts several', () => {
    let typers = typingSeen(typingSeen(empty, carol, t0), bob, t0);
    expect(typingIn(typers, '#dev', t0)).toEqual(['bob', 'carol']);
    typers = typingDone(typers, bob.fromId, '#dev');
    expect(typingIn(typers, '#dev', t0)).toEqual(['carol']);
    expect(typingDone(typers, bob.fromId, '#dev')).toBe(typers);
  });

  it('says when to look again, and drops the expired when a notice comes', () => {
    const typers = typingSeen(typingSeen(empty, bob, t0), carol, t0 + 1_000);
    expect(nextExpiry(typers, t0)).toBe(t0 + TYPING_EXPIRES_MS);
    expect(nextExpiry(typers, t0 + TYPING_EXPIRES_MS)).toBe(t0 + 1_000 + TYPING_EXPIRES_MS);
    expect(nextExpiry(typers, t0 + 60_000)).toBeUndefined();
    const later = typingSeen(typers, { ...bob, room: null }, t0 + 60_000);
    expect(later.size).toBe(1);
  });
});
