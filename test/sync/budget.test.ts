import { describe, expect, it } from 'vitest';
import { admit, type BudgetInput, type BudgetLimits, type BudgetMessage, type LinkWindow } from '../../src/sync/budget.js';

const OWN = 'aa';
const BOB = 'bb';
const EVE = 'ee';

/** A message of `size` bytes as stored (a length prefix of one byte for sizes under 128). */
const m = (origin: string, seq: number, size = 100): BudgetMessage => ({ origin, seq, bytes: new Uint8Array(size - 1) });

const LIMITS: BudgetLimits = { historyBytes: 1_000, originBytes: 400, addressSyncBytes: 300, addressSyncWindowMs: 60_000 };

interface Case {
  name: string;
  messages: BudgetMessage[];
  held?: Record<string, number>;
  link?: LinkWindow;
  now?: number;
  /** [origin, seq, reason] of each message not kept, in the order given. */
  unkept: [string, number, string][];
  /** The link window after, when counted per link. */
  linkAfter?: LinkWindow;
}

const CASES: Case[] = [
  { name: 'keeps everything under every bound', messages: [m(BOB, 1), m(EVE, 1)], unkept: [] },
  {
    name: "stops an origin at its share, the rest of its chain in the batch with it, others' kept",
    messages: [m(BOB, 1), m(BOB, 2), m(BOB, 3), m(BOB, 4), m(BOB, 5), m(EVE, 1)],
    unkept: [[BOB, 5, 'ORIGIN_FULL']],
  },
  {
    name: 'counts what an origin already holds',
    messages: [m(BOB, 7), m(BOB, 8)],
    held: { [BOB]: 350 },
    unkept: [
      [BOB, 7, 'ORIGIN_FULL'],
      [BOB, 8, 'ORIGIN_FULL'],
    ],
  },
  {
    name: 'takes the lowest seqs first whatever the order given, and never one after a seq not kept',
    messages: [m(BOB, 3, 150), m(BOB, 1), m(BOB, 2, 200), m(BOB, 4, 10)],
    unkept: [
      [BOB, 3, 'ORIGIN_FULL'],
      [BOB, 4, 'ORIGIN_FULL'],
    ],
  },
  {
    name: 'stops everyone else at the history size',
    messages: [m(BOB, 1), m(EVE, 1)],
    held: { [BOB]: 300, [EVE]: 300, cc: 350 },
    unkept: [
      [BOB, 1, 'HISTORY_FULL'],
      [EVE, 1, 'HISTORY_FULL'],
    ],
  },
  {
    name: "always keeps this node's own lines, over every bound, and counts them",
    messages: [m(OWN, 1, 120), m(OWN, 2, 120), m(BOB, 1)],
    held: { [OWN]: 900 },
    link: { start: 0, bytes: 300 },
    unkept: [[BOB, 1, 'HISTORY_FULL']],
    linkAfter: { start: 0, bytes: 300 },
  },
  {
    name: "bounds one connection's bytes across origins (fresh identities cost nothing)",
    messages: [m('c1', 1), m('c2', 1), m('c3', 1), m('c4', 1)],
    link: { start: 0, bytes: 0 },
    now: 1_000,
    unkept: [['c4', 1, 'LINK_OVER']],
    linkAfter: { start: 0, bytes: 300 },
  },
  {
    name: 'counts what the connection brought earlier in its window',
    messages: [m(BOB, 1), m(EVE, 1)],
    link: { start: 0, bytes: 250 },
    now: 59_999,
    unkept: [
      [BOB, 1, 'LINK_OVER'],
      [EVE, 1, 'LINK_OVER'],
    ],
    linkAfter: { start: 0, bytes: 250 },
  },
  {
    name: 'starts a new window once the last one is over',
    messages: [m(BOB, 1), m(EVE, 1)],
    link: { start: 0, bytes: 300 },
    now: 60_000,
    unkept: [],
    linkAfter: { start: 60_000, bytes: 200 },
  },
  {
    name: 'starts a new window when the clock went back',
    messages: [m(BOB, 1)],
    link: { start: 5_000, bytes: 300 },
    now: 1_000,
    unkept: [],
    linkAfter: { start: 1_000, bytes: 100 },
  },
  {
    name: 'names the history first, then the origin, then the connection',
    messages: [m(BOB, 1), m(EVE, 1)],
    held: { [BOB]: 400, cc: 500 },
    link: { start: 0, bytes: 300 },
    unkept: [
      [BOB, 1, 'ORIGIN_FULL'],
      [EVE, 1, 'LINK_OVER'],
    ],
    linkAfter: { start: 0, bytes: 300 },
  },
  { name: 'an empty batch changes nothing', messages: [], link: { start: 0, bytes: 10 }, unkept: [], linkAfter: { start: 0, bytes: 10 } },
];

describe('admit: what a batch may add to the store', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const held = c.held ?? {};
      const input: BudgetInput<BudgetMessage> = {
        messages: c.messages,
        own: OWN,
        originBytes: (origin) => held[origin] ?? 0,
        totalBytes: Object.values(held).reduce((a, b) => a + b, 0),
        now: c.now ?? 0,
        ...(c.link === undefined ? {} : { link: c.link }),
      };
      const result = admit(input, LIMITS);
      expect(result.unkept.map(({ message, reason }) => [message.origin, message.seq, reason])).toEqual(c.unkept);
      expect(result.kept).toEqual(c.messages.filter((x) => !result.unkept.some((u) => u.message === x)));
      expect(result.link).toEqual(c.linkAfter);
    });
  }

  it('does not change the window it was given', () => {
    const link = { start: 0, bytes: 0 };
    admit({ messages: [m(BOB, 1)], originBytes: () => 0, totalBytes: 0, link, now: 0 }, LIMITS);
    expect(link).toEqual({ start: 0, bytes: 0 });
  });
});
