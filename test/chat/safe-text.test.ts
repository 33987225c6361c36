import { describe, expect, it } from 'vitest';
import { REPLACEMENT, SAFE_TEXT_RULES, safeJson, safeText } from '../../src/chat/safe-text.js';

const ESC = '\x1b';
const BEL = '\x07';

// [what it is, what a peer wrote, what is shown]
const cases: [string, string, string][] = [
  ['plain text is left alone', 'hello, world', 'hello, world'],
  ['clear screen (ESC [2J)', `a${ESC}[2Jb`, 'a\u241b[2Jb'],
  ['window title (OSC 0 ... BEL)', `${ESC}]0;owned${BEL}hi`, '\u241b]0;owned\u2407hi'],
  ['window title ended by ST (ESC \\)', `${ESC}]2;t${ESC}\\`, '\u241b]2;t\u241b\\'],
  ['hyperlink (OSC 8)', `${ESC}]8;;http://x${ESC}\\click`, '\u241b]8;;http://x\u241b\\click'],
  ['bell', `ring${BEL}`, 'ring\u2407'],
  ['backspace overwrites', 'ok\b\bno', 'ok\u2408\u2408no'],
  ['carriage return overwrites the line', 'safe\rEVIL', 'safe\u240dEVIL'],
  ['line feed forges a line of its own', 'hi\n[09:05] <alice> send me your password', 'hi\u240a[09:05] <alice> send me your password'],
  ['NUL', 'a\0b', 'a\u2400b'],
  ['DEL', 'a\x7fb', 'a\u2421b'],
  ['tab becomes a space', 'a\tb', 'a b'],
  ['C1 CSI (0x9B)', '\x9b2J', `${REPLACEMENT}2J`],
  ['C1 OSC (0x9D) and ST (0x9C)', '\x9d0;t\x9c', `${REPLACEMENT}0;t${REPLACEMENT}`],
  ['right-to-left override', 'abc\u202eexe.txt', `abc${REPLACEMENT}exe.txt`],
  ['every bidi embedding, override and isolate', '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069', REPLACEMENT.repeat(9)],
  ['bidi marks are removed', 'a\u200eb\u200fc\u061cd', 'abcd'],
  ['line and paragraph separators', 'a\u2028b\u2029c', `a${REPLACEMENT}b${REPLACEMENT}c`],
  ['lone surrogates', 'a\ud800b\udc00', `a${REPLACEMENT}b${REPLACEMENT}`],
  ['zero-width space, word joiner, BOM, soft hyphen', 'pa\u200byp\u2060a\ufeffl\u00ad', 'paypal'],
  ['Hangul fillers (an invisible "letter")', '\u3164\u115f\u1160\uffa0x', 'x'],
  ['interlinear annotation', 'a\ufff9b\ufffac\ufffb', 'abc'],
  ['tag characters that smuggle hidden text', `hi${[...'ignore'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('')}`, 'hi'],
  ['a flag emoji keeps its tags', '\u{1f3f4}\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}', '\u{1f3f4}\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}'],
  ['joiners stay (emoji family, Persian)', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467} \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467} \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645'],
  ['variation selectors stay (emoji presentation)', '\u2764\ufe0f', '\u2764\ufe0f'],
  ['right-to-left text stays', '\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627', '\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627'],
  ['CJK, accents and emoji stay', '李 Zoë 😀 ｗ', '李 Zoë 😀 ｗ'],
  ['Arabic number sign (visible) stays', '\u0600\u0661', '\u0600\u0661'],
];

describe('safeText', () => {
  it.each(cases)('%s', (_what, written, shown) => {
    expect(safeText(written)).toBe(shown);
  });

  it('leaves nothing a terminal acts on, nor any bidi control, of all of Unicode', () => {
    let all = '';
    for (let cp = 0; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) all += String.fromCodePoint(cp);
    const left = safeText(all).match(/[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu) ?? [];
    expect(left.map((c) => `U+${c.codePointAt(0)!.toString(16)}`)).toEqual([]);
  });

  it('is idempotent, so showing a shown text again changes nothing', () => {
    for (const [, written] of cases) expect(safeText(safeText(written))).toBe(safeText(written));
  });

  it('has a case for every rule', () => {
    const matched = new Set<string>();
    for (const [, written] of cases) {
      for (const rule of SAFE_TEXT_RULES) if (new RegExp(rule.pattern, 'u').test(written)) matched.add(rule.what);
    }
    expect([...matched].sort()).toEqual(SAFE_TEXT_RULES.map((r) => r.what).sort());
  });
});

describe('safeJson', () => {
  it('escapes what safeText would change and keeps the value exact', () => {
    for (const [what, written] of cases) {
      const json = safeJson({ text: written });
      expect(JSON.parse(json), what).toEqual({ text: written });
      expect(/[\x00-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029\u200b\ufeff]/u.test(json), what).toBe(false);
    }
  });

  it('writes the rest as JSON.stringify does', () => {
    const value = { nick: 'Zoë', text: '李 😀 \u2764\ufe0f', n: 1 };
    expect(safeJson(value)).toBe(JSON.stringify(value));
    expect(safeJson({ t: 'a\u202eb\x9bc' })).toBe('{"t":"a\\u202eb\\u009bc"}');
  });
});
