import { describe, expect, it } from 'vitest';
import { openedAction, sealedAction } from '../../src/chat/private-action.js';
import { safeText } from '../../src/chat/safe-text.js';

describe('a private action inside the seal (CTCP ACTION)', () => {
  it('wraps the text as IRC does', () => {
    expect(sealedAction('waves')).toBe('\u0001ACTION waves\u0001');
  });

  it.each([
    ['\u0001ACTION waves\u0001', { text: 'waves', action: true }],
    ['\u0001ACTION waves at \u0001you\u0001', { text: 'waves at \u0001you', action: true }],
    ['waves', { text: 'waves', action: false }],
    ['\u0001ACTION waves', { text: '\u0001ACTION waves', action: false }], // no closing mark: a line as it is
    ['\u0001ACTION \u0001', { text: '\u0001ACTION \u0001', action: false }], // an action of nothing
    ['\u0001action waves\u0001', { text: '\u0001action waves\u0001', action: false }],
    ['\u0001VERSION\u0001', { text: '\u0001VERSION\u0001', action: false }],
    ['', { text: '', action: false }],
  ])('opens %j as %j', (text, expected) => {
    expect(openedAction(text)).toEqual(expected);
  });

  it('reads on a node older than this (which shows the text made safe) as the action with visible marks', () => {
    expect(`*alice* ${safeText(sealedAction('waves'))}`).toBe('*alice* ␁ACTION waves␁');
  });
});
