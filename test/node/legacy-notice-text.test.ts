import { describe, expect, it } from 'vitest';
import type { Notice } from '../../src/chat/views.js';
import { legacyNoticeText, withLegacyText } from '../../src/node/legacy-notice-text.js';

const A = 'a1b2c3d4'.repeat(8);
const B = 'ffee0011'.repeat(8);

// The sentences the node emitted before notices became data, byte for byte (scripts and tests read them).
const cases: [Notice, string][] = [
  [{ code: 'OPEN' }, 'the network is open: anyone on this LAN can read it (for a room secret: LANCHAT_SECRET or --secret-file)'],
  [{ code: 'SECRET' }, 'the network has a room secret: only those who know it can read or write'],
  [{ code: 'LOOKING' }, 'looking for peers…'],
  [{ code: 'RELAY_LOST', relay: 'ann', reason: 'no heartbeat for 3000 ms' }, 'lost the relay ann (no heartbeat for 3000 ms); electing another…'],
  [{ code: 'HANDING_OVER', host: '10.0.0.1', port: 4001 }, 'another relay outranks this one; handing over to 10.0.0.1:4001'],
  [{ code: 'TWO_FORCED', keeper: 'other', host: '10.0.0.1' }, 'another node was started with --host; the node at 10.0.0.1 keeps the relay (the lower node id)'],
  [{ code: 'TWO_FORCED', keeper: 'self', host: '10.0.0.1' }, 'another node was started with --host; this node keeps the relay (the lower node id)'],
  [{ code: 'MDNS_TROUBLE', detail: 'mDNS: send EHOSTUNREACH' }, 'mDNS: send EHOSTUNREACH'],
  [
    { code: 'NICK_KEY_CHANGED', nick: 'bob', nodeId: A, pinned: B, proven: true },
    'warning: bob now comes with another key (node a1b2c3d4, before: ffee0011); it may be someone else using that nick',
  ],
  [
    { code: 'NICK_KEY_CHANGED', nick: 'bob', nodeId: A, pinned: B, proven: false },
    'warning: bob now comes with another key (node a1b2c3d4, before: ffee0011); it may be someone else using that nick' +
      ' (on an open network node ids are not proven either)',
  ],
  [{ code: 'CAUGHT_UP', count: 1, shown: 1, away: true }, '1 message while you were away'],
  [{ code: 'CAUGHT_UP', count: 60, shown: 50, away: true }, '60 messages while you were away (the last 50 below; /history for more)'],
  [{ code: 'CAUGHT_UP', count: 1200, shown: 1000, away: false }, '1200 messages arrived at once (the last 1000 below; /history for more)'],
];

describe('legacy notice sentences', () => {
  it.each(cases)('%o', (notice, text) => {
    expect(legacyNoticeText(notice)).toBe(text);
  });

  it('keeps the data beside the sentence', () => {
    expect(withLegacyText({ code: 'HANDING_OVER', host: 'h', port: 1 })).toEqual({
      code: 'HANDING_OVER',
      host: 'h',
      port: 1,
      text: 'another relay outranks this one; handing over to h:1',
    });
  });
});
