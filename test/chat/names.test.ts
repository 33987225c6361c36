import { describe, expect, it } from 'vitest';
import { compareNicks, nickKey, nickProblem, nickRule, normalizeRoom, sanitizeNick, suggestNick } from '../../src/chat/names.js';
import { skeleton } from '../../src/chat/confusables.js';
import { mixedScripts } from '../../src/chat/scripts.js';

describe('nicks', () => {
  it('compare case-insensitively', () => {
    expect(nickKey('Bob')).toBe(nickKey('bOB'));
    expect(nickKey('Zoë')).toBe(nickKey('ZOË'));
  });

  // [a nick in use, a newcomer's nick, what the newcomer's nick is]
  const lookalikes: [string, string, string][] = [
    ['watch', 'w\u0430tch', 'Cyrillic a'],
    ['watch', '\uff57\uff41\uff54\uff43\uff48', 'fullwidth Latin'],
    ['watch', 'WATCH', 'upper case'],
    ['cop', '\u0441\u043e\u0440', 'all Cyrillic'],
    ['paypal', '\u{1d52d}\u{1d4b6}\u1eff\u{1d561}\u{1d552}\u2113', 'mathematical letters'],
    ['bob', 'b0b', 'digit zero for o'],
    ['alice', 'a1ice', 'digit one for l'],
    ['mark', 'rnark', 'r n for m'],
    ['stra\u00dfe', 'STRASSE', 'sharp s folded to ss'],
    ['Zo\u00eb', 'Zoe\u0308', 'decomposed diaeresis'],
    ['ovo', '\u03bf\u03bd\u03bf', 'Greek omicron nu omicron'],
    ['x', '\u{1d431}', 'bold x'],
    ['ffi', '\ufb03', 'ligature'],
  ];

  it.each(lookalikes)('take %s and %s for the same nick (%s)', (held, newcomer) => {
    expect(nickKey(newcomer)).toBe(nickKey(held));
  });

  it.each([
    ['bob', 'rob'],
    ['ian', 'lan'],
    ['x_y', 'x-y'],
    ['bob', 'bob2'],
    ['\u674e', '\u6728\u5b50'],
  ])('keep %s and %s apart', (a, b) => {
    expect(nickKey(a)).not.toBe(nickKey(b));
  });

  it('have a key that is its own key (pins re-keyed on load keep their meaning)', () => {
    for (let cp = 0x21; cp < 0x20000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const key = nickKey(String.fromCodePoint(cp));
      if (nickKey(key) !== key) expect.fail(`U+${cp.toString(16)}: ${key} then ${nickKey(key)}`);
    }
  });

  it('skeleton follows UTS #39 (case kept, default ignorables dropped)', () => {
    expect(skeleton('I')).toBe('l');
    expect(skeleton('pa\u200bypal')).toBe('paypal');
    expect(skeleton('\u0430')).toBe('a');
  });

  it('list in alphabetical order, whatever their keys', () => {
    expect(['mary', 'Bob', 'peter', 'al\u00e9', 'alex'].sort(compareNicks)).toEqual(['al\u00e9', 'alex', 'Bob', 'mary', 'peter']);
  });

  it.each([
    ['w\u0430tch', /mixes Latin and Cyrillic/],
    ['\u0430dmin_\u03b1', /mixes/],
    ['\u3164', /invisible/],
    ['bob\u3164', /invisible/],
    ['bob\u200b', /letters, digits/],
    ['bob\u202e', /letters, digits/],
    ['\x1b[2J', /letters, digits/],
  ])('refuse %s', (nick, reason) => {
    expect(nickProblem(nick)).toMatch(reason);
  });

  it.each([
    ['single scripts', ['watch', '\u0441\u043e\u0440', '\u05e9\u05dc\u05d5\u05dd', '\u674e\u5c0f\u9f99', '\u0928\u092e\u0928']],
    ['Latin with Japanese, Chinese or Korean', ['taro_\u592a\u90ce', 'yuki\u3086\u304d', '\u30c6\u30b9\u30c8\u6f22\u5b57', 'kim\ud55c\uad6d\u4eba']],
    ['digits and punctuation with any script', ['\u0441\u043e\u0440_42', '[\u03b1\u03b2]']],
  ])('accept %s', (_what, nicks) => {
    for (const nick of nicks) expect(nickProblem(nick), nick).toBeUndefined();
  });

  it('name the scripts a nick mixes', () => {
    expect(mixedScripts('w\u0430tch')).toEqual(['Latn', 'Cyrl']);
    expect(mixedScripts('watch')).toBeUndefined();
    expect(mixedScripts('\u0645\u0631\u062d\u0628\u0627\u0661')).toBeUndefined();
  });

  it('accept letters, digits and IRC punctuation, and refuse the rest with a reason', () => {
    for (const ok of ['bob', 'Zoë', 'b_o-b', '[away]', 'x.y', '李']) expect(nickProblem(ok), ok).toBeUndefined();
    expect(nickProblem('')).toMatch(/empty/);
    expect(nickProblem('two words')).toMatch(/no spaces/);
    expect(nickProblem('#room')).toMatch(/no # or @/);
    expect(nickProblem('@bob')).toMatch(/no # or @/);
    expect(nickProblem('x'.repeat(33))).toMatch(/at most 32/);
  });

  it('name the rule a nick breaks, as data', () => {
    expect(['bob', '', 'two words', '@bob', 'x'.repeat(33), 'x'.repeat(32)].map(nickRule)).toEqual([undefined, 'empty', 'characters', 'characters', 'too-long', undefined]);
  });

  it('suggest the first free numbered variant', () => {
    const taken = new Set(['bob', 'bob2', 'bob3']);
    expect(suggestNick('bob', (n) => taken.has(n))).toBe('bob4');
    expect(suggestNick('bob2', (n) => taken.has(n))).toBe('bob4');
    expect(suggestNick('x'.repeat(32), () => false)).toHaveLength(32);
  });

  it('turn any OS user name into a usable nick', () => {
    expect(sanitizeNick('John Smith')).toBe('John_Smith');
    expect(sanitizeNick('')).toBe('anon');
    expect(sanitizeNick('   ')).toBe('anon');
    expect(nickProblem(sanitizeNick('a'.repeat(40)))).toBeUndefined();
    expect(sanitizeNick('\u3164')).toBe('anon');
    expect(sanitizeNick('ivan \u0438\u0432\u0430\u043d')).toBe('anon');
  });
});

describe('rooms', () => {
  it('normalize to a lowercase name with one #', () => {
    expect(normalizeRoom('dev')).toBe('#dev');
    expect(normalizeRoom('#Dev')).toBe('#dev');
    expect(normalizeRoom('#café')).toBe('#café');
  });

  it('refuse names that cannot be rooms', () => {
    for (const bad of ['#', '##', '#a b', '', '#' + 'x'.repeat(50), 'a,b']) expect(normalizeRoom(bad), bad).toBeUndefined();
  });
});
