import { describe, expect, it } from 'vitest';
import { type EditLine, killToEnd } from '../../../src/ui/tui/editor.js';
import { keyAction, type KeyPress } from '../../../src/ui/tui/keys.js';
import { PasteGate, type PasteStep, pastedLines } from '../../../src/ui/tui/paste.js';

const START: KeyPress = { name: 'paste-start', sequence: '\x1b[200~' };
const END: KeyPress = { name: 'paste-end', sequence: '\x1b[201~' };
const EMPTY: EditLine = { text: '', cursor: 0 };

/** The keys node:readline makes of `text` pasted with bracketed paste on. */
function keysOf(text: string): [string | undefined, KeyPress][] {
  return [...text].map((ch): [string, KeyPress] => {
    if (ch === '\r') return [ch, { name: 'return', sequence: ch }];
    if (ch === '\n') return [ch, { name: 'enter', sequence: ch }];
    if (ch === '\t') return [ch, { name: 'tab', sequence: ch }];
    if (ch === '\x1b') return [ch, { name: 'escape', sequence: ch }];
    return [ch, { sequence: ch, ...(/[a-z]/.test(ch) ? { name: ch } : {}) }];
  });
}

/** Pastes `text` into a gate; the steps of the paste's keys (all held) and of its end. */
function paste(gate: PasteGate, text: string, line: EditLine = EMPTY): PasteStep {
  expect(gate.key(undefined, START, line)).toEqual({ kind: 'held' });
  for (const [ch, key] of keysOf(text)) expect(gate.key(ch, key, line)).toEqual({ kind: 'held' });
  return gate.key(undefined, END, line);
}

describe('a paste in the full-screen UI (issue 16 item 11)', () => {
  it('inserts a paste of one line where the cursor is, with nothing to ask', () => {
    const gate = new PasteGate();
    expect(paste(gate, 'hello world')).toEqual({ kind: 'insert', text: 'hello world' });
    expect(paste(gate, 'one line and its break\r')).toEqual({ kind: 'insert', text: 'one line and its break' });
    expect(gate.asking).toBeUndefined();
  });

  it('holds a paste of several lines and asks; Ctrl-K sends them, the input line around the cursor joined', () => {
    const gate = new PasteGate();
    const line = { text: 'before  after', cursor: 7 };
    expect(paste(gate, 'one\rtwo\r\n\rthree', line)).toEqual({ kind: 'ask', lines: 3 });
    expect(gate.asking).toBe(3);
    // Other keys do nothing while the question stands: not even Enter sends.
    expect(gate.key('\r', { name: 'return' }, line)).toEqual({ kind: 'held' });
    expect(gate.key('x', { name: 'x' }, line)).toEqual({ kind: 'held' });
    expect(gate.key(undefined, { name: 'k', ctrl: true }, line)).toEqual({ kind: 'send', lines: ['before one', 'two', 'three after'] });
    expect(gate.asking).toBeUndefined();
    expect(gate.key('x', { name: 'x' }, line)).toEqual({ kind: 'pass' });
  });

  it.each([
    ['Ctrl-C', { name: 'c', ctrl: true }],
    ['Esc', { name: 'escape' }],
  ])('drops the held lines on %s', (_key, key: KeyPress) => {
    const gate = new PasteGate();
    expect(paste(gate, 'a\nb')).toEqual({ kind: 'ask', lines: 2 });
    expect(gate.key(undefined, key, EMPTY)).toEqual({ kind: 'abort' });
    expect(gate.asking).toBeUndefined();
  });

  it('takes pasted text as text: no key inside a paste acts, control characters are dropped, a tab is a space', () => {
    const gate = new PasteGate();
    expect(paste(gate, '/quit\r\x1b[2Jx\ty\x07')).toEqual({ kind: 'ask', lines: 2 });
    expect(gate.key(undefined, { name: 'k', ctrl: true }, EMPTY)).toEqual({ kind: 'send', lines: ['/quit', '[2Jx y'] });
  });

  it('lets Ctrl-C out of a paste whose end never comes', () => {
    const gate = new PasteGate();
    gate.key(undefined, START, EMPTY);
    gate.key('a', { name: 'a' }, EMPTY);
    expect(gate.key(undefined, { name: 'c', ctrl: true }, EMPTY)).toEqual({ kind: 'abort' });
    expect(gate.key('a', { name: 'a' }, EMPTY)).toEqual({ kind: 'pass' });
  });

  it('replaces an open question with a new paste, and passes keys when no paste is under way', () => {
    const gate = new PasteGate();
    expect(gate.key(undefined, { name: 'k', ctrl: true }, EMPTY)).toEqual({ kind: 'pass' });
    expect(paste(gate, 'a\nb')).toEqual({ kind: 'ask', lines: 2 });
    expect(paste(gate, 'c\nd\ne')).toEqual({ kind: 'ask', lines: 3 });
    expect(gate.key(undefined, { name: 'k', ctrl: true }, EMPTY)).toEqual({ kind: 'send', lines: ['c', 'd', 'e'] });
    expect(paste(gate, '\r\n\r\n')).toEqual({ kind: 'held' }); // nothing but blank lines: nothing to do
  });

  it.each([
    ['a\nb', ['a', 'b']],
    ['a\r\nb\r\n', ['a', 'b']],
    ['a\rb\r', ['a', 'b']],
    ['a\n\n  \nb', ['a', 'b']],
    ['', []],
  ])('breaks %j into the lines it sends', (text, lines) => {
    expect(pastedLines(text)).toEqual(lines);
  });
});

describe('Ctrl-K with no paste held', () => {
  it('deletes everything after the cursor, as in readline and irssi', () => {
    expect(keyAction('\x0b', { name: 'k', ctrl: true })).toEqual({ kind: 'killToEnd' });
    expect(killToEnd({ text: 'hello world', cursor: 5 })).toEqual({ text: 'hello', cursor: 5 });
    expect(killToEnd({ text: 'hello', cursor: 5 })).toEqual({ text: 'hello', cursor: 5 });
  });
});
