import { describe, expect, it } from 'vitest';
import { PendingLines } from '../../src/ui/pending-lines.js';
import { deliveredText } from '../../src/ui/words.js';

describe("line mode's pending lines (issue 16 item 9)", () => {
  it('says once, when the last line it printed as pending is delivered, how many were', () => {
    const pending = new PendingLines();
    pending.shown('a-1');
    pending.shown('a-2');
    expect(pending.delivered('a-1')).toBeUndefined();
    expect(pending.delivered('a-1')).toBeUndefined(); // twice: counted once
    expect(pending.delivered('x-9')).toBeUndefined(); // never printed as pending
    expect(pending.delivered('a-2')).toBe(2);
    pending.shown('a-3');
    expect(pending.delivered('a-3')).toBe(1);
  });

  it('words the note', () => {
    expect(deliveredText(1)).toBe('your pending line reached the relay');
    expect(deliveredText(3)).toBe('your 3 pending lines reached the relay');
  });
});
