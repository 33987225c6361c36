import { describe, expect, it } from 'vitest';
import { nickKey, nickProblem, nickRule, normalizeRoom, sanitizeNick, suggestNick } from '../../src/chat/names.js';

describe('nicks', () => {
  it('compare case-insensitively', () => {
    expect(nickKey('Bob')).toBe(nickKey('bOB'));
    expect(nickKey('Zoë')).toBe(nickKey('ZOË'));
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
