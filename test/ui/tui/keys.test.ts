import { describe, expect, it } from 'vitest';
import { keyAction } from '../../../src/ui/tui/keys.js';

describe('key bindings', () => {
  it('maps editing keys as readline does', () => {
    expect(keyAction(undefined, { name: 'left' })).toEqual({ kind: 'left' });
    expect(keyAction('\x01', { name: 'a', ctrl: true })).toEqual({ kind: 'home' });
    expect(keyAction('\x05', { name: 'e', ctrl: true })).toEqual({ kind: 'end' });
    expect(keyAction('\x15', { name: 'u', ctrl: true })).toEqual({ kind: 'killToStart' });
    expect(keyAction('\x17', { name: 'w', ctrl: true })).toEqual({ kind: 'killWordBack' });
    expect(keyAction('\x7f', { name: 'backspace' })).toEqual({ kind: 'backspace' });
    expect(keyAction(undefined, { name: 'delete' })).toEqual({ kind: 'delete' });
    expect(keyAction('\r', { name: 'return' })).toEqual({ kind: 'submit' });
    expect(keyAction('\t', { name: 'tab' })).toEqual({ kind: 'complete' });
  });

  it('switches windows with Alt+number and Ctrl-N/Ctrl-P, as irssi does', () => {
    expect(keyAction(undefined, { name: '2', meta: true })).toEqual({ kind: 'window', number: 2 });
    expect(keyAction(undefined, { name: '0', meta: true })).toEqual({ kind: 'window', number: 10 });
    expect(keyAction('\x0e', { name: 'n', ctrl: true })).toEqual({ kind: 'nextWindow' });
    expect(keyAction('\x10', { name: 'p', ctrl: true })).toEqual({ kind: 'previousWindow' });
  });

  it('scrolls, quits and inserts text', () => {
    expect(keyAction(undefined, { name: 'pageup' })).toEqual({ kind: 'pageUp' });
    expect(keyAction(undefined, { name: 'pagedown' })).toEqual({ kind: 'pageDown' });
    expect(keyAction('\x04', { name: 'd', ctrl: true })).toEqual({ kind: 'eof' });
    expect(keyAction('\x03', { name: 'c', ctrl: true })).toEqual({ kind: 'interrupt' });
    expect(keyAction('日', { sequence: '日' })).toEqual({ kind: 'insert', text: '日' });
    expect(keyAction('x', { name: 'x', sequence: 'x' })).toEqual({ kind: 'insert', text: 'x' });
    expect(keyAction('\x1b[99~', { sequence: '\x1b[99~' })).toEqual({ kind: 'ignore' });
  });
});
