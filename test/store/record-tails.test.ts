import { describe, expect, it } from 'vitest';
import { A, B, runMessage } from '../helpers/run-message.js';
import { PAGE_ENTRIES, PAGE_SPAN_MS } from '../../src/store/display-page.js';
import type { DisplayPosition } from '../../src/store/history-store.js';
import { decodeRun } from '../../src/store/message-run.js';
import { JOIN_PIECES, JOINED_RUN_BYTES, planPages, planRuns, type RunPiece } from '../../src/store/record-tails.js';

const msg = runMessage;
const place = (seq: number, time = seq * 1000, origin = A): DisplayPosition => ({ time, counter: 0, origin, seq });

/** Appends messages of A one at a time, as live chat does; what each append wrote, and the tail after. */
function liveRuns(seqs: number[], size = 10): { writes: ReturnType<typeof planRuns>['writes'][]; tail: RunPiece[] | undefined } {
  let tails = new Map<string, RunPiece[]>();
  const writes: ReturnType<typeof planRuns>['writes'][] = [];
  for (const seq of seqs) {
    const plan = planRuns([msg(A, seq, size)], tails);
    writes.push(plan.writes);
    tails = new Map([...tails, ...plan.tails].filter((e): e is [string, RunPiece[]] => e[1] !== undefined));
  }
  return { writes, tail: tails.get(A) };
}

const seqs = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('record tails: runs', () => {
  it('writes live messages alone, then joins every JOIN_PIECES of them into one run, deleting the pieces', () => {
    const { writes, tail } = liveRuns(seqs(1, JOIN_PIECES + 1));
    for (const w of writes.slice(0, JOIN_PIECES - 1)) expect(w).toEqual([expect.objectContaining({ replaces: [] })]);
    const join = writes[JOIN_PIECES - 1]!;
    expect(join).toHaveLength(1);
    expect(join[0]!.span).toEqual({ first: 1, last: JOIN_PIECES });
    // the pieces on disk, not the message this append brings (it never had a record of its own)
    expect(join[0]!.replaces).toEqual(seqs(1, JOIN_PIECES - 1).map((s) => ({ first: s, last: s })));
    expect(decodeRun(join[0]!.value, JOIN_PIECES).map((b) => b[0])).toEqual(seqs(1, JOIN_PIECES));
    // the next message starts a new tail
    expect(writes[JOIN_PIECES]![0]!.replaces).toEqual([]);
    expect(tail?.map((p) => p.first)).toEqual([JOIN_PIECES + 1]);
  });

  it('joins the pieces it has when a message skips a seq, and starts the next tail at that message', () => {
    const { writes, tail } = liveRuns([1, 2, 3, 7]);
    expect(writes[3]!.map((w) => [w.span, w.replaces.length])).toEqual([
      [{ first: 7, last: 7 }, 0],
      [{ first: 1, last: 3 }, 3],
    ]);
    expect(tail?.map((p) => [p.first, p.last])).toEqual([[7, 7]]);
  });

  it('writes a piece that a join in the same append takes in only once, in the join', () => {
    const { tail } = liveRuns([1, 2]);
    const plan = planRuns([msg(A, 3), msg(A, 5)], new Map([[A, tail!]]));
    // 3 continues the tail, 5 skips a seq and ends it: pieces 1, 2 and 3 are joined, 3 never alone.
    expect(plan.writes.map((w) => [w.span, w.replaces])).toEqual([
      [{ first: 5, last: 5 }, []],
      [{ first: 1, last: 3 }, [{ first: 1, last: 1 }, { first: 2, last: 2 }]],
    ]);
  });

  it('leaves the tail alone for messages below it (a gap filled late) and for other origins', () => {
    const first = planRuns([msg(A, 5)], new Map());
    const tails = new Map([[A, first.tails.get(A)!]]);
    const late = planRuns([msg(A, 2), msg(B, 1)], tails);
    expect(late.writes.every((w) => w.replaces.length === 0)).toBe(true);
    expect(late.tails.has(A)).toBe(false); // unchanged: the store keeps what it had
    expect(late.tails.get(B)?.map((p) => p.first)).toEqual([1]);
  });

  it('keeps a joined run within JOINED_RUN_BYTES and keeps no big run as a tail', () => {
    const size = Math.floor(JOINED_RUN_BYTES / 4);
    const { writes } = liveRuns(seqs(1, 6), size);
    for (const w of writes.flat()) expect(w.value.length).toBeLessThanOrEqual(JOINED_RUN_BYTES);
    expect(writes.flat().some((w) => w.replaces.length > 1)).toBe(true);
    const big = planRuns(seqs(1, 10).map((s) => msg(A, s, size)), new Map());
    expect(big.tails.get(A)).toBeUndefined();
  });
});

describe('record tails: pages', () => {
  /** Places appended one at a time; each append's writes, and the tail after. */
  function livePages(places: DisplayPosition[]): { writes: ReturnType<typeof planPages>['writes'][]; tail: readonly DisplayPosition[][] | undefined } {
    let tail: readonly DisplayPosition[][] | undefined;
    const writes: ReturnType<typeof planPages>['writes'][] = [];
    for (const p of places) {
      const plan = planPages([p], tail);
      writes.push(plan.writes);
      tail = plan.tail;
    }
    return { writes, tail };
  }

  it('writes live places as pages of their own, then joins every JOIN_PIECES of them into one page', () => {
    const places = seqs(1, JOIN_PIECES).map((s) => place(s));
    const { writes, tail } = livePages(places);
    expect(writes.slice(0, -1).every((w) => w.length === 1 && w[0]!.replaces.length === 0)).toBe(true);
    const join = writes.at(-1)!;
    expect(join).toHaveLength(1);
    expect(join[0]!.page).toEqual(places);
    expect(join[0]!.replaces).toEqual(places.slice(0, -1));
    expect(tail).toBeUndefined();
  });

  it('joins the pieces it has when a place would take the page past its span, and starts the next tail there', () => {
    const { writes, tail } = livePages([place(1, 0), place(2, 1000), place(3, PAGE_SPAN_MS)]);
    expect(writes[2]!.map((w) => [w.page.map((p) => p.seq), w.replaces.map((p) => p.seq)])).toEqual([
      [[3], []],
      [[1, 2], [1, 2]],
    ]);
    expect(tail).toEqual([[place(3, PAGE_SPAN_MS)]]);
  });

  it('keeps the tail when a batch of older places comes in (a catch-up), and a full page is no tail', () => {
    const { tail } = livePages([place(100, 2 * PAGE_SPAN_MS), place(101, 2 * PAGE_SPAN_MS + 1)]);
    const older = planPages(seqs(1, 3).map((s) => place(s, s)), tail);
    expect(older.writes.every((w) => w.replaces.length === 0)).toBe(true);
    expect(older.tail).toEqual(tail);
    const full = planPages(seqs(1, PAGE_ENTRIES).map((s) => place(s, s)), undefined);
    expect(full.tail).toBeUndefined();
  });

  it('knows the tail’s newest place when a late place joined it last', () => {
    const { tail } = livePages([place(1, 5_000), place(2, 1_000)]); // the second piece is the older
    // Places older than the tail's newest, too many with it for one page: a catch-up, the tail stays.
    const many = [...seqs(10, 10 + PAGE_ENTRIES).map((s) => place(s, 2_000 + s, B)), place(3, 3_000, B)];
    expect(planPages(many, tail).tail).toEqual(tail);
  });

  it('keeps plain places in its tail, not the messages it was given', () => {
    const message = { ...place(1), bytes: new Uint8Array(100), room: '#lobby' };
    expect(planPages([message], undefined).tail).toEqual([[place(1)]]);
  });
});
