import { describe, expect, it } from 'vitest';
import { frameUpdate } from '../../../src/ui/tui/frame.js';

describe('frame updates', () => {
  it('draws a first frame whole, inside a synchronized update, and puts the cursor on the input line', () => {
    const out = frameUpdate(undefined, { lines: ['top', 'mid', 'in'], cursor: { row: 2, column: 4 } });
    expect(out.startsWith('\x1b[?2026h')).toBe(true);
    expect(out.endsWith('\x1b[?2026l')).toBe(true);
    expect(out).toContain('\x1b[2J');
    for (const [i, line] of ['top', 'mid', 'in'].entries()) expect(out).toContain(`\x1b[${i + 1};1H${line}\x1b[0m\x1b[K`);
    expect(out).toContain('\x1b[3;5H');
  });

  it('rewrites only the rows that changed, never clearing the screen', () => {
    const out = frameUpdate({ lines: ['a', 'b', 'c'], cursor: { row: 2, column: 0 } }, { lines: ['a', 'B', 'c'], cursor: { row: 2, column: 0 } });
    expect(out).toContain('\x1b[2;1HB');
    expect(out).not.toContain('\x1b[1;1Ha');
    expect(out).not.toContain('\x1b[3;1Hc');
    expect(out).not.toContain('\x1b[2J');
  });

  it('only moves the cursor when only the cursor moved, and writes nothing when nothing changed', () => {
    const before = { lines: ['a', 'in'], cursor: { row: 1, column: 2 } };
    expect(frameUpdate(before, { ...before, cursor: { row: 1, column: 0 } })).toBe('\x1b[2;1H');
    expect(frameUpdate(before, { ...before })).toBe('');
  });
});
