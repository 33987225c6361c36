import { describe, expect, it } from 'vitest';
import { applyCompletion, completions } from '../../../src/web/client/complete.js';

const sources = { nicks: ['alice', 'Albert', 'bob', 'alice'], commands: ['/join', '/j', '/help', '/who'], rooms: ['#dev', '#design', '#lobby'] };

describe('Tab completion', () => {
  it.each([
    ['/j', 2, ['/j ', '/join ']],
    ['al', 2, ['Albert: ', 'alice: ']],
    ['hi al', 5, ['Albert ', 'alice ']],
    ['/join #de', 9, ['#design ', '#dev ']],
    ['see #lob and', 8, ['#lobby ']],
    ['x /jo', 5, []],
    ['', 0, []],
    ['zed', 3, []],
  ])('%j at %i offers %j', (line, cursor, options) => {
    expect(completions(line, cursor, sources).options).toEqual(options);
  });

  it('replaces the word before the cursor and keeps what follows', () => {
    const line = 'hi al, there';
    const { start } = completions(line, 5, sources);
    expect(applyCompletion(line, start, 5, 'alice')).toEqual({ line: 'hi alice, there', cursor: 8 });
  });
});
