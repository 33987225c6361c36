import { describe, expect, it } from 'vitest';
import type { MessageView } from '../../../src/chat/views.js';
import { emptyList, insertLine, type Line, linkPieces, mentions, nickColour, trimOldest } from '../../../src/web/client/lines.js';

function msg(id: string, ts: number): Line {
  const message: MessageView = { id, from: 'bob', fromId: 'b', room: '#dev', to: null, text: id, ts, own: false };
  return { kind: 'message', key: id, ts, message, mention: false };
}

describe('a conversation’s lines', () => {
  it('keeps them in time order, each once, whatever order they come in', () => {
    const list = emptyList();
    const arrivals = [msg('c', 3), msg('a', 1), msg('b', 2), msg('a', 1), msg('c', 3), msg('b2', 2)];
    const places = arrivals.map((l) => insertLine(list, l));
    expect(places).toEqual([0, 0, 1, -1, -1, 2]);
    expect(list.lines.map((l) => l.key)).toEqual(['a', 'b', 'b2', 'c']);
  });

  it('drops the oldest past the bound, and forgets their keys so a later page can bring them back', () => {
    const list = emptyList();
    for (let i = 0; i < 10; i++) insertLine(list, msg(`m${i}`, i));
    expect(trimOldest(list, 7)).toBe(3);
    expect(list.lines.map((l) => l.key)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);
    expect(insertLine(list, msg('m0', 0))).toBe(0);
    expect(trimOldest(list, 100)).toBe(0);
  });
});

describe('mentions', () => {
  it.each([
    ['alice: look', 'alice', true],
    ['hey ALICE!', 'alice', true],
    ['malice aforethought', 'alice', false],
    ['alice_2 is here', 'alice', false],
    ['(alice)', 'alice', true],
    ['anything', '', false],
  ])('%j names %j: %s', (text, nick, expected) => {
    expect(mentions(text, nick)).toBe(expected);
  });
});

describe('links in a line', () => {
  it.each([
    ['no link here', [{ text: 'no link here' }]],
    ['see https://example.org/a?b=1.', [{ text: 'see ' }, { text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' }, { text: '.' }]],
    ['(http://x.test/y) and', [{ text: '(' }, { text: 'http://x.test/y', href: 'http://x.test/y' }, { text: ') and' }]],
    ['javascript:alert(1) ftp://x', [{ text: 'javascript:alert(1) ftp://x' }]],
    ['<a href="https://e.test">x</a>', [{ text: '<a href="' }, { text: 'https://e.test', href: 'https://e.test' }, { text: '">x</a>' }]],
  ])('%j', (text, pieces) => {
    expect(linkPieces(text)).toEqual(pieces);
  });
});

describe('nick colours', () => {
  it('gives a nick the same colour every time, and spreads nicks over the colours', () => {
    expect(nickColour('alice')).toBe(nickColour('alice'));
    const used = new Set(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'].map((n) => nickColour(n)));
    expect(used.size).toBeGreaterThan(3);
    for (const c of used) expect(c).toBeLessThan(12);
  });
});
