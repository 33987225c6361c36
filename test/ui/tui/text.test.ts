import { describe, expect, it } from 'vitest';
import { displayWidth, padToWidth, rowWidth, sanitize, wrapSpans } from '../../../src/ui/tui/text.js';

const plain = (rows: ReturnType<typeof wrapSpans>): string[] => rows.map((r) => r.map((s) => s.text).join(''));

describe('text by display width', () => {
  it('measures CJK and emoji as two columns and combining marks as none', () => {
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('🎉')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('👩‍👩‍👧')).toBe(2);
  });

  it('makes control characters visible, so a peer cannot drive the terminal', () => {
    expect(sanitize('a\x1b[2Jb\x07\tc')).toBe('a\u241b[2Jb\u2407 c');
    expect(sanitize('\u009b31m')).toBe('\ufffd31m');
  });

  it('pads or cuts to an exact width', () => {
    expect(padToWidth('ab', 4)).toBe('ab  ');
    expect(padToWidth('日本語', 5)).toBe('日本…');
    expect(displayWidth(padToWidth('日本語です', 6))).toBe(6);
  });
});

describe('wrapping', () => {
  it('breaks between words and indents continuation rows', () => {
    const rows = wrapSpans([{ text: '12:00 <bob> the quick brown fox jumps' }], 20, 12);
    expect(plain(rows)).toEqual(['12:00 <bob> the', '            quick', '            brown', '            fox', '            jumps']);
  });

  it('never makes a row wider than the width, whatever the text', () => {
    const texts = ['日本語のテキストはとても長いのでここで折り返す', '🎉'.repeat(30), 'x'.repeat(100), 'a 日 b 🎉 c'.repeat(10), 'e\u0301'.repeat(50)];
    for (const width of [1, 2, 3, 7, 20, 80]) {
      for (const text of texts) {
        const rows = wrapSpans([{ text }], width, 4);
        for (const row of rows) expect(rowWidth(row)).toBeLessThanOrEqual(width);
        // Nothing is lost: the graphemes of the text are all there, in order.
        if (width >= 2) expect(plain(rows).join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
      }
    }
  });

  it('cuts a word longer than a row where the row ends, wide characters whole', () => {
    expect(plain(wrapSpans([{ text: '日本語日本' }], 5))).toEqual(['日本', '語日', '本']);
    expect(plain(wrapSpans([{ text: 'abcdefgh' }], 3))).toEqual(['abc', 'def', 'gh']);
  });

  it('keeps each span its style across rows', () => {
    const rows = wrapSpans([{ text: '<bob>', style: { color: 'red' } }, { text: ' aaa bbb' }], 9, 0);
    expect(rows[0]).toEqual([{ text: '<bob>', style: { color: 'red' } }, { text: ' aaa' }]);
    expect(rows[1]).toEqual([{ text: 'bbb' }]);
  });

  it('never cuts a URL where it stands: it goes on a row of its own (issue 16 item 11)', () => {
    const url = 'https://example.org/a/long/path?q=1';
    // Fits the next row whole: moved there, at the first column, not under the indent.
    expect(plain(wrapSpans([{ text: `see ${url} ok` }], 36, 4))).toEqual(['see', url, '    ok']);
    // Wider than the screen: whole rows from the first column, and nothing lost.
    const long = `https://example.org/${'x'.repeat(50)}`;
    const rows = plain(wrapSpans([{ text: `look: ${long}` }], 30, 6));
    expect(rows[0]).toBe('look:');
    expect(rows.slice(1).join('')).toBe(long);
    expect(rows.slice(1, -1).every((r) => r.length === 30)).toBe(true);
    // A word that is not a URL is still cut where the row ends.
    expect(plain(wrapSpans([{ text: `ab ${'y'.repeat(12)}` }], 10, 0))).toEqual(['ab yyyyyyy', 'yyyyy']);
  });
});
