import { describe, expect, it } from 'vitest';
import { type Span, type SpanAction, spanAfter } from '../../../src/web/client/window.js';

const SIZE = 200;
const STEP = 60;

describe('the window of lines in the DOM', () => {
  const cases: [string, Span, SpanAction, Span][] = [
    ['follows the newest as lines come, keeping the rows it has', { start: 0, end: 10, follow: true }, { kind: 'changed', total: 50, addedBefore: 0, removedBefore: 0 }, { start: 0, end: 50, follow: true }],
    ['following, drops its oldest rows past its size', { start: 800, end: 1_000, follow: true }, { kind: 'changed', total: 1_030, addedBefore: 0, removedBefore: 0 }, { start: 830, end: 1_030, follow: true }],
    ['following, takes only the newest step of a burst', { start: 0, end: 10, follow: true }, { kind: 'changed', total: 1_010, addedBefore: 0, removedBefore: 0 }, { start: 950, end: 1_010, follow: true }],
    ['following, takes in older history that comes in front of it', { start: 0, end: 0, follow: true }, { kind: 'changed', total: 50, addedBefore: 50, removedBefore: 0 }, { start: 0, end: 50, follow: true }],
    ['following, moves with lines trimmed in front of it', { start: 100, end: 300, follow: true }, { kind: 'changed', total: 320, addedBefore: 0, removedBefore: 20 }, { start: 120, end: 320, follow: true }],
    ['stays on what the reader reads when lines come below', { start: 100, end: 300, follow: false }, { kind: 'changed', total: 1_300, addedBefore: 0, removedBefore: 0 }, { start: 100, end: 300, follow: false }],
    ['moves with older history put in front of it', { start: 0, end: 200, follow: false }, { kind: 'changed', total: 400, addedBefore: 100, removedBefore: 0 }, { start: 100, end: 300, follow: false }],
    ['moves with lines trimmed in front of it', { start: 500, end: 700, follow: false }, { kind: 'changed', total: 4_900, addedBefore: 0, removedBefore: 100 }, { start: 400, end: 600, follow: false }],
    ['grows to its size when there are lines for it', { start: 0, end: 50, follow: false }, { kind: 'changed', total: 500, addedBefore: 0, removedBefore: 0 }, { start: 0, end: 200, follow: false }],
    ['brings earlier lines in at the top', { start: 500, end: 700, follow: true }, { kind: 'up', total: 700 }, { start: 440, end: 640, follow: false }],
    ['stops at the first line', { start: 30, end: 230, follow: false }, { kind: 'up', total: 700 }, { start: 0, end: 200, follow: false }],
    ['brings later lines in at the bottom', { start: 100, end: 300, follow: false }, { kind: 'down', total: 1_000 }, { start: 160, end: 360, follow: false }],
    ['follows again once the newest is in', { start: 700, end: 960, follow: false }, { kind: 'down', total: 1_000 }, { start: 800, end: 1_000, follow: true }],
    ['jumps to the newest', { start: 3, end: 203, follow: false }, { kind: 'bottom', total: 150 }, { start: 0, end: 150, follow: true }],
  ];
  it.each(cases)('%s', (_, span, action, expected) => {
    expect(spanAfter(span, action, SIZE, STEP)).toEqual(expected);
  });

  it('never holds more than its size, whatever comes (a burst of 1,000 included)', () => {
    let span: Span = { start: 0, end: 0, follow: true };
    let total = 0;
    const actions: ((t: number) => SpanAction)[] = [
      (t) => ({ kind: 'changed', total: t + 1_000, addedBefore: 0, removedBefore: 0 }),
      (t) => ({ kind: 'up', total: t }),
      (t) => ({ kind: 'changed', total: t + 100, addedBefore: 100, removedBefore: 0 }),
      (t) => ({ kind: 'down', total: t }),
    ];
    for (let i = 0; i < 200; i++) {
      const action = actions[i % actions.length]!(total);
      total = action.total;
      span = spanAfter(span, action, SIZE, STEP);
      expect(span.end - span.start).toBeLessThanOrEqual(SIZE);
      expect(span.start).toBeGreaterThanOrEqual(0);
      expect(span.end).toBeLessThanOrEqual(total);
    }
  });
});
