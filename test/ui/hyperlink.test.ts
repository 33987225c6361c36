import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/chat/safe-text.js';
import { findLinks, hyperlink, hyperlinksWanted, linkify, linkTarget, MAX_LINK_BYTES, trimUrl } from '../../src/ui/hyperlink.js';

const ESC = '\x1b';
const link = (target: string, text: string): string => `${ESC}]8;;${target}${ESC}\\${text}${ESC}]8;;${ESC}\\`;
/** Every escape sequence in `text`, each as it stands. */
const sequences = (text: string): string[] => text.match(/\x1b[^\x1b]*/g) ?? [];

describe('OSC 8 hyperlinks (issue 16 item 11)', () => {
  it.each([
    ['see https://example.org/a?b=1#c now', [['https://example.org/a?b=1#c', 'https://example.org/a?b=1#c']]],
    ['plain http://x.org', [['http://x.org', 'http://x.org']]],
    ['www.example.org/docs is where', [['www.example.org/docs', 'http://www.example.org/docs']]],
    ['(see https://example.org/a_(b)).', [['https://example.org/a_(b)', 'https://example.org/a_(b)']]],
    ['ends a sentence: https://example.org.', [['https://example.org', 'https://example.org']]],
    ['"https://example.org/q"', [['https://example.org/q', 'https://example.org/q']]],
    ['two: https://a.org and https://b.org', [['https://a.org', 'https://a.org'], ['https://b.org', 'https://b.org']]],
    ['ünïcode https://bücher.example/ä', [['https://bücher.example/ä', 'https://b%C3%BCcher.example/%C3%A4']]],
    ['not links: ftp://x.org file:///etc/passwd javascript://x xhttps://x.org https:// www.', []],
  ])('finds the links in %j', (text, expected) => {
    expect(findLinks(text).map((l) => [text.slice(l.start, l.end), l.target])).toEqual(expected);
  });

  it.each([
    ['https://x.org/a).', 'https://x.org/a'],
    ['https://x.org/(a)', 'https://x.org/(a)'],
    ['https://x.org/a]', 'https://x.org/a'],
    ['https://x.org/?q=1;', 'https://x.org/?q=1'],
  ])('leaves the punctuation after %j out', (url, trimmed) => {
    expect(trimUrl(url)).toBe(trimmed);
  });

  it('links a URL to itself: the target is what the line shows', () => {
    expect(linkify('[09:05] #lobby <bob> look https://example.org/x here')).toBe(
      `[09:05] #lobby <bob> look ${link('https://example.org/x', 'https://example.org/x')} here`,
    );
    expect(linkify('no link here')).toBe('no link here');
  });

  it('lets no byte of a peer URL end or add a sequence: escapes are percent-encoded or refused', () => {
    // What a peer might send: ESC, BEL and the 8-bit ST (0x9C) to close the link early and start its own.
    const attacks = [
      `https://evil.example/${ESC}\\${ESC}]8;;https://bank.example${ESC}\\`,
      'https://evil.example/\x07\x1b]0;title\x07',
      'https://evil.example/\x9c\x1b[2J',
      'https://evil.example/\u202etxt.exe',
    ];
    for (const attack of attacks) {
      // As faces show it: made safe first. The link's target keeps no control, raw or 8-bit.
      const line = linkify(safeText(`<mallory> ${attack}`));
      for (const seq of sequences(line)) expect(seq).toMatch(/^\x1b(?:\]8;;[\x21-\x7e]*|\\[^\x00-\x1f\x7f-\x9f]*)$/);
      expect(line.split(`${ESC}]8;;`).length - 1).toBeLessThanOrEqual(2); // one link: its start and its end
      // Even unsanitized, the target is printable ASCII: nothing in it can end the sequence.
      expect(linkTarget(attack.replace(/\s/g, '')) ?? '').toMatch(/^[\x21-\x7e]*$/);
    }
  });

  it('refuses to build a sequence around a target or text that could break out of it', () => {
    expect(hyperlink(`https://x.org/${ESC}\\`, 'x')).toBe('x');
    expect(hyperlink('https://x.org/\x07', 'x')).toBe('x');
    expect(hyperlink('https://x.org/ a', 'x')).toBe('x');
    expect(hyperlink('https://x.org/', `x${ESC}[2J`)).toBe(`x${ESC}[2J`);
    expect(hyperlink('https://x.org/', 'x\x9b2J')).toBe('x\x9b2J');
    expect(hyperlink('https://x.org/', 'x')).toBe(link('https://x.org/', 'x'));
  });

  it('links no URL longer than a terminal takes (a long one is repeated on every row it wraps to)', () => {
    const long = `https://x.org/${'a'.repeat(MAX_LINK_BYTES)}`;
    expect(findLinks(long)).toEqual([]);
    expect(linkify(long)).toBe(long);
    // Percent-encoding counts: 700 two-byte letters are 4,200 bytes of target.
    expect(findLinks(`https://x.org/${'é'.repeat(700)}`)).toEqual([]);
  });

  it.each([
    ['a terminal', { TERM: 'xterm-256color' }, true, true],
    ['a pipe or a file (--json, lanchat history > file)', { TERM: 'xterm-256color' }, false, false],
    ['a pipe, even when asked for', { TERM: 'xterm-256color', LANCHAT_URLS: 'yes' }, false, false],
    ['NO_COLOR: a link adds no colour', { TERM: 'xterm-256color', NO_COLOR: '1' }, true, true],
    ['TERM=dumb', { TERM: 'dumb' }, true, false],
    ['no TERM', {}, true, false],
    ['the Linux console, which prints the sequence', { TERM: 'linux' }, true, false],
    ['a serial vt100', { TERM: 'vt100' }, true, false],
    ['an old gnome-terminal', { TERM: 'xterm-256color', COLORTERM: 'gnome-terminal' }, true, false],
    ['an old xfce4-terminal', { TERM: 'xterm', COLORTERM: 'xfce4-terminal' }, true, false],
    ['LANCHAT_URLS=no', { TERM: 'xterm-256color', LANCHAT_URLS: 'no' }, true, false],
    ['LANCHAT_URLS empty', { TERM: 'xterm-256color', LANCHAT_URLS: '' }, true, false],
    ['LANCHAT_URLS=yes on the Linux console', { TERM: 'linux', LANCHAT_URLS: 'yes' }, true, true],
    ["gcc's TERM_URLS=no", { TERM: 'xterm-256color', TERM_URLS: 'no' }, true, false],
    ['LANCHAT_URLS before TERM_URLS', { TERM: 'dumb', TERM_URLS: 'no', LANCHAT_URLS: 'st' }, true, true],
  ])('decides hyperlinks for %s', (_what, env, isTTY, wanted) => {
    expect(hyperlinksWanted(env, isTTY)).toBe(wanted);
  });
});
