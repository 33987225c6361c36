import { describe, expect, it } from 'vitest';
import type { PresenceView } from '../../src/chat/views.js';
import { Roster } from '../../src/member/roster.js';
import { Talk } from '../../src/member/talk.js';
import type { HistoryStore } from '../../src/store/history-store.js';
import type { Identity } from '../../src/identity/identity.js';

const BOB = 'b'.repeat(64);

function talk(roster = new Roster(), sent: unknown[] = []): Talk {
  return new Talk({
    identity: { nodeIdHex: 'a'.repeat(64) } as Identity,
    store: {} as HistoryStore,
    rooms: () => new Set(['#dev']),
    roster: () => roster,
    send: (frame) => (sent.push(frame), true),
    currentRoom: () => '#dev',
    write: () => true,
    topic: () => {},
    typing: () => {},
    whois: () => {},
    problem: () => {},
  });
}

const away = (reason: string): PresenceView => ({ nick: 'bob', state: 'away', room: null, reason, self: false });
const back: PresenceView = { nick: 'bob', state: 'back', room: null, self: false };

describe("the member's away news", () => {
  it('shows an away once, however often a new relay is told it again, and a back once', () => {
    const t = talk();
    expect(t.presenceNews(away('lunch'), BOB)).toBe(true);
    expect(t.presenceNews(away('lunch'), BOB)).toBe(false); // told again, to a new relay
    expect(t.presenceNews(away('meeting'), BOB)).toBe(true); // a new reason is news
    expect(t.presenceNews(back, BOB)).toBe(true);
    expect(t.presenceNews(back, BOB)).toBe(false);
  });

  it('takes who is away from a welcome, and forgets a node that left', () => {
    const roster = Roster.fromWire({ peers: [{ nodeId: Buffer.from(BOB, 'hex'), nick: 'bob', away: { reason: 'lunch', since: 1 } }] });
    const sent: unknown[] = [];
    const t = talk(roster, sent);
    t.welcomed();
    expect(sent).toEqual([]); // this user is not away: nothing to tell the relay
    expect(t.presenceNews(away('lunch'), BOB)).toBe(false);
    expect(t.presenceNews({ nick: 'bob', state: 'left', room: null, reason: 'quit', self: false }, BOB)).toBe(true);
    expect(t.presenceNews(away('lunch'), BOB)).toBe(true);
  });

  it("tells each new relay this user's away, cut to awayReasonChars", () => {
    const sent: unknown[] = [];
    const t = talk(new Roster(), sent);
    t.setAway('x'.repeat(500));
    t.welcomed();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual({ away: { away: true, reason: 'x'.repeat(200) } });
    t.setAway(undefined);
    t.welcomed();
    expect(sent.at(-1)).toEqual({ away: { away: false } });
    expect(sent).toHaveLength(3);
  });
});
