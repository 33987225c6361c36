import { describe, expect, it } from 'vitest';
import { OncePerTurn, TurnBatch } from '../../src/util/turn-batch.js';

/** A hand-driven event loop: `defer` queues, `end()` runs what the turn deferred. */
function manualTurns(): { defer: (run: () => void) => void; end: () => void; queued: () => number } {
  let queue: (() => void)[] = [];
  return {
    defer: (run) => queue.push(run),
    end: () => {
      const runs = queue;
      queue = [];
      for (const run of runs) run();
    },
    queued: () => queue.length,
  };
}

describe('TurnBatch', () => {
  it('hands every item of one turn over once, in order, at its end', () => {
    const turns = manualTurns();
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>((items) => flushed.push(items), turns.defer);
    batch.push(1);
    batch.push(2);
    batch.push(3);
    expect(turns.queued()).toBe(1);
    expect(flushed).toEqual([]);
    expect(batch.size).toBe(3);
    turns.end();
    expect(flushed).toEqual([[1, 2, 3]]);
    expect(batch.size).toBe(0);
    batch.push(4);
    turns.end();
    expect(flushed).toEqual([[1, 2, 3], [4]]);
  });

  it('flushNow hands over at once, and the end of the turn then has nothing to hand', () => {
    const turns = manualTurns();
    const flushed: string[][] = [];
    const batch = new TurnBatch<string>((items) => flushed.push(items), turns.defer);
    batch.push('a');
    batch.flushNow();
    expect(flushed).toEqual([['a']]);
    turns.end();
    expect(flushed).toEqual([['a']]);
  });

  it('an item pushed by the flush itself waits for the next turn', () => {
    const turns = manualTurns();
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>((items) => {
      flushed.push(items);
      if (items[0] === 1) batch.push(2);
    }, turns.defer);
    batch.push(1);
    turns.end();
    expect(flushed).toEqual([[1]]);
    turns.end();
    expect(flushed).toEqual([[1], [2]]);
  });

  it('defaults to the end of the real event-loop turn', async () => {
    const flushed: number[][] = [];
    const batch = new TurnBatch<number>((items) => flushed.push(items));
    batch.push(7);
    batch.push(8);
    expect(flushed).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toEqual([[7, 8]]);
  });
});

describe('OncePerTurn', () => {
  it('runs once however often it is asked within a turn, and again after', () => {
    const turns = manualTurns();
    let runs = 0;
    const once = new OncePerTurn(() => runs++, turns.defer);
    once.request();
    once.request();
    expect(once.scheduled).toBe(true);
    turns.end();
    expect(runs).toBe(1);
    expect(once.scheduled).toBe(false);
    once.request();
    turns.end();
    expect(runs).toBe(2);
  });
});
