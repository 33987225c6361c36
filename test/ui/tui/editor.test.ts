import { describe, expect, it } from 'vitest';
import * as edit from '../../../src/ui/tui/editor.js';
import { InputHistory, visibleSlice } from '../../../src/ui/tui/editor.js';

const at = (text: string, cursor = text.length): edit.EditLine => ({ text, cursor });

describe('input line editing', () => {
  it('inserts at the cursor and moves over whole graphemes', () => {
    let line = edit.insert(at('hllo', 1), 'e');
    expect(line).toEqual({ text: 'hello', cursor: 2 });
    line = at('a🎉b', 1);
    expect(edit.right(line).cursor).toBe(3); // past both halves of the surrogate pair
    expect(edit.left(at('a🎉b', 3)).cursor).toBe(1);
    expect(edit.home(line).cursor).toBe(0);
    expect(edit.end(line).cursor).toBe(4);
  });

  it('deletes a whole emoji or a letter with its accent', () => {
    expect(edit.backspace(at('a🎉'))).toEqual({ text: 'a', cursor: 1 });
    expect(edit.backspace(at('cafe\u0301'))).toEqual({ text: 'caf', cursor: 3 });
    expect(edit.deleteForward(at('👩‍👩‍👧x', 0))).toEqual({ text: 'x', cursor: 0 });
    expect(edit.backspace(at('abc', 0))).toEqual(at('abc', 0));
    expect(edit.deleteForward(at('abc'))).toEqual(at('abc'));
  });

  it('kills to the start (Ctrl-U) and the word before the cursor (Ctrl-W)', () => {
    expect(edit.killToStart(at('hello world', 6))).toEqual({ text: 'world', cursor: 0 });
    expect(edit.killWordBack(at('hello big world'))).toEqual({ text: 'hello big ', cursor: 10 });
    expect(edit.killWordBack(at('hello big ', 10))).toEqual({ text: 'hello ', cursor: 6 });
    expect(edit.killWordBack(at('one two', 3))).toEqual({ text: ' two', cursor: 0 });
  });

  it('scrolls a long line sideways so the cursor stays in view', () => {
    const long = at('x'.repeat(100));
    const slice = visibleSlice(long, 20);
    expect(slice.cursorColumn).toBeLessThan(20);
    expect(slice.text.length).toBeLessThanOrEqual(20);
    expect(visibleSlice(at('日本語', 1), 10)).toEqual({ text: '日本語', cursorColumn: 2 });
  });
});

describe('input history', () => {
  it('goes back with Up, forward with Down, and brings the draft back', () => {
    const h = new InputHistory();
    h.add('first');
    h.add('second');
    expect(h.up('draft')).toBe('second');
    expect(h.up('second')).toBe('first');
    expect(h.up('first')).toBeUndefined();
    expect(h.down()).toBe('second');
    expect(h.down()).toBe('draft');
    expect(h.down()).toBeUndefined();
  });

  it('keeps no blank lines, no repeats in a row, and at most its limit', () => {
    const h = new InputHistory(2);
    for (const l of ['a', 'a', ' ', 'b', 'c']) h.add(l);
    expect(h.up('')).toBe('c');
    expect(h.up('')).toBe('b');
    expect(h.up('')).toBeUndefined();
  });
});
