import { describe, expect, it } from 'vitest';
import type { PresenceView } from '../../src/chat/views.js';
import { arrival, departure, peerChanges, type RosterEntry, rosterDiff } from '../../src/node/roster-diff.js';

const peer = (nodeId: string, nick: string, rooms: string[] = ['#lobby']): RosterEntry => ({ nodeId, nick, rooms });
const ANN = peer('aa', 'ann');
const BEN = peer('bb', 'ben');
const CAT = peer('cc', 'cat', ['#lobby', '#dev']);
const DAN = peer('dd', 'dan');

const joined = (nick: string, rooms: string[] = ['#lobby']): PresenceView => ({ nick, state: 'joined', room: null, self: false, rooms });
const joinedRoom = (nick: string, room: string): PresenceView => ({ nick, state: 'joined', room, self: false });
const leftRoom = (nick: string, room: string): PresenceView => ({ nick, state: 'left', room, self: false });
const renamed = (nick: string, from: string): PresenceView => ({ nick, state: 'renamed', room: null, from, self: false });

describe('rosterDiff: who is news across a relay change', () => {
  const cases: { name: string; before: RosterEntry[]; after: RosterEntry[]; presences: PresenceView[]; missing: RosterEntry[] }[] = [
    { name: 'the same people: nothing', before: [ANN, BEN, CAT], after: [ANN, BEN, CAT], presences: [], missing: [] },
    { name: 'the same people in another order: nothing', before: [ANN, BEN, CAT], after: [CAT, ANN, BEN], presences: [], missing: [] },
    { name: 'nobody before or after: nothing', before: [], after: [], presences: [], missing: [] },
    { name: 'the new relay knows only some yet: the rest are missing, nobody announced', before: [ANN, BEN, CAT], after: [BEN], presences: [], missing: [ANN, CAT] },
    { name: 'someone new on the new relay: an arrival', before: [ANN], after: [ANN, DAN], presences: [joined('dan')], missing: [] },
    { name: 'arrivals in the new roster order, missing in the old one', before: [CAT, ANN], after: [DAN, BEN], presences: [joined('dan'), joined('ben')], missing: [CAT, ANN] },
    { name: 'a rename meanwhile (same node id)', before: [ANN], after: [peer('aa', 'anna')], presences: [renamed('anna', 'ann')], missing: [] },
    { name: 'a case-only rename is still a rename', before: [ANN], after: [peer('aa', 'Ann')], presences: [renamed('Ann', 'ann')], missing: [] },
    {
      name: 'rooms joined and left meanwhile, after the rename',
      before: [CAT],
      after: [peer('cc', 'kat', ['#lobby', '#ops'])],
      presences: [renamed('kat', 'cat'), joinedRoom('kat', '#ops'), leftRoom('kat', '#dev')],
      missing: [],
    },
    { name: 'the same nick on another node: one gone, one new', before: [ANN], after: [peer('a2', 'ann')], presences: [joined('ann')], missing: [ANN] },
  ];

  it.each(cases)('$name', ({ before, after, presences, missing }) => {
    expect(rosterDiff(before, after)).toEqual({ presences, missing });
  });
});

describe('one node there before and after', () => {
  it.each([
    { before: ANN, after: ANN, changes: [] },
    { before: ANN, after: peer('aa', 'ann', []), changes: [leftRoom('ann', '#lobby')] },
    { before: peer('aa', 'ann', []), after: ANN, changes: [joinedRoom('ann', '#lobby')] },
    { before: CAT, after: peer('cc', 'cat', ['#dev', '#lobby']), changes: [] },
  ])('$before.rooms -> $after.rooms', ({ before, after, changes }) => {
    expect(peerChanges(before, after)).toEqual(changes);
  });

  it('announces an arrival and a departure as the relay would', () => {
    expect(arrival(CAT)).toEqual(joined('cat', ['#lobby', '#dev']));
    expect(departure(CAT, 'connection lost')).toEqual({ nick: 'cat', state: 'left', room: null, self: false, reason: 'connection lost' });
  });
});
