import { describe, expect, it } from 'vitest';
import { type FrameHolder, PartialFrameBudget } from '../../src/net/frame-budget.js';

/** A holder that records being shed, and lets go of its bytes as a closing connection does. */
function holder(name: string, shed: string[]): FrameHolder {
  return { shed: () => shed.push(name) };
}

describe('PartialFrameBudget', () => {
  it('counts what each holder holds now, not what it held before', () => {
    const budget = new PartialFrameBudget(1_000);
    const a = holder('a', []);
    const b = holder('b', []);
    budget.hold(a, 300);
    budget.hold(b, 200);
    budget.hold(a, 600);
    expect(budget.heldBytes).toBe(800);
    budget.hold(a, 0);
    expect(budget.heldBytes).toBe(200);
    budget.release(b);
    budget.release(b);
    expect(budget.heldBytes).toBe(0);
  });

  it('over the cap, sheds the biggest holder, then the next, until the rest fit', () => {
    const shed: string[] = [];
    const budget = new PartialFrameBudget(1_000);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => holder(n, shed)) as [FrameHolder, FrameHolder, FrameHolder, FrameHolder];
    budget.hold(a, 400);
    budget.hold(b, 350);
    budget.hold(c, 200);
    expect(shed).toEqual([]);
    // 1,250: a, the biggest, goes (not d, which tipped it over).
    budget.hold(d, 300);
    expect(shed).toEqual(['a']);
    expect(budget.heldBytes).toBe(850);
    // d grows to 700: 1,250 again; d is now the biggest and goes.
    budget.hold(d, 700);
    expect(shed).toEqual(['a', 'd']);
    expect(budget.heldBytes).toBe(550);
    expect(budget.peakBytes).toBe(950);
  });

  it('sheds as many as it takes, biggest first', () => {
    const shed: string[] = [];
    const budget = new PartialFrameBudget(1_000);
    const own = holder('own', shed);
    budget.exempt(own);
    budget.hold(own, 500);
    budget.hold(holder('a', shed), 300);
    budget.hold(holder('b', shed), 150);
    // The own member's frame grows to 900: 1,350; a goes (1,050), then b (900).
    budget.hold(own, 900);
    expect(shed).toEqual(['a', 'b']);
    expect(budget.heldBytes).toBe(900);
  });

  it('never sheds an exempt holder, though its bytes count', () => {
    const shed: string[] = [];
    const budget = new PartialFrameBudget(1_000);
    const own = holder('own', shed);
    const other = holder('other', shed);
    budget.exempt(own);
    budget.hold(own, 900);
    budget.hold(other, 300);
    expect(shed).toEqual(['other']);
    budget.hold(own, 1_200);
    expect(shed).toEqual(['other']);
    expect(budget.heldBytes).toBe(1_200);
  });
});
