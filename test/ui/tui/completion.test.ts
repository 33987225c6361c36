import { describe, expect, it } from 'vitest';
import { complete, lineCompleter } from '../../../src/ui/tui/completion.js';

const sources = { nicks: ['bob', 'Bobby', 'carol'], commands: ['/help', '/history', '/join', '/quit'], rooms: ['#dev', '#design', '#lobby'] };

describe('tab completion', () => {
  it('completes a nick at the start of a line with ": ", elsewhere with a space', () => {
    expect(complete('car', 3, sources)).toMatchObject({ text: 'carol: ', cursor: 7 });
    expect(complete('hi car', 6, sources)).toMatchObject({ text: 'hi carol ', cursor: 9 });
  });

  it('cycles through the matches on repeated Tab, case-insensitively', () => {
    const first = complete('bo', 2, sources);
    expect(first.text).toBe('bob: ');
    const second = complete(first.text, first.cursor, sources, first.cycle);
    expect(second.text).toBe('Bobby: ');
    const third = complete(second.text, second.cursor, sources, second.cycle);
    expect(third.text).toBe('bob: ');
  });

  it('completes /commands only as the first word, and #rooms anywhere', () => {
    expect(complete('/hi', 3, sources).text).toBe('/history ');
    expect(complete('say /hi', 7, sources).text).toBe('say /hi');
    expect(complete('/join #de', 9, sources).text).toBe('/join #design ');
    expect(complete('@ca', 3, sources).text).toBe('@carol ');
  });

  it('completes in the middle of a line without stray spaces, and leaves no match alone', () => {
    expect(complete('hi car and', 6, sources)).toMatchObject({ text: 'hi carol and', cursor: 8 });
    expect(complete('zz', 2, sources)).toEqual({ text: 'zz', cursor: 2, cycle: undefined });
    expect(complete('hi ', 3, sources).cycle).toBeUndefined();
  });

  it('gives line mode the same completions as readline wants them (issue 16 item 12)', () => {
    const sources = { nicks: ['bob', 'bella', 'carol'], commands: ['/join', '/help', '/history'], rooms: ['#dev', '#lobby'] };
    const completer = lineCompleter(() => sources);
    expect(completer('car')).toEqual([['carol: '], 'car']);
    expect(completer('hi car')).toEqual([['carol '], 'car']);
    expect(completer('b')).toEqual([['bella', 'bob'], 'b']);
    expect(completer('/jo')).toEqual([['/join '], '/jo']);
    expect(completer('/h')).toEqual([['/help', '/history'], '/h']);
    expect(completer('/join #d')).toEqual([['#dev '], '#d']);
    expect(completer('@ca')).toEqual([['@carol '], '@ca']);
    expect(completer('hello ')).toEqual([[], '']);
    expect(completer('zzz')).toEqual([[], 'zzz']);
  });
});
