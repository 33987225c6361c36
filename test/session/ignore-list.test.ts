import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IGNORED_FILE, IgnoreList, MAX_IGNORED, parseIgnored, serializeIgnored } from '../../src/session/ignore-list.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('the ignore list file', () => {
  it.each([
    ['empty text', '', []],
    ['not JSON', '{people', []],
    ['no list', '{"people":3}', []],
    ['a list', `{"people":[{"nodeId":"${A}","nick":"dave"}]}`, [{ nodeId: A, nick: 'dave' }]],
    ['a bad node id left out', `{"people":[{"nodeId":"xyz","nick":"x"},{"nodeId":"${B}","nick":"bob"}]}`, [{ nodeId: B, nick: 'bob' }]],
    ['an upper-case id left out', `{"people":[{"nodeId":"${A.toUpperCase()}"}]}`, []],
    ['a duplicate kept once', `{"people":[{"nodeId":"${A}","nick":"x"},{"nodeId":"${A}","nick":"y"}]}`, [{ nodeId: A, nick: 'x' }]],
    ['a nick that is not a string', `{"people":[{"nodeId":"${A}","nick":7}]}`, [{ nodeId: A, nick: '' }]],
  ])('%s', (_name, text, people) => {
    expect(parseIgnored(text)).toEqual(people);
  });

  it('reads back what it writes', () => {
    const people = [{ nodeId: A, nick: 'dave' }, { nodeId: B, nick: 'bob' }];
    expect(parseIgnored(serializeIgnored(people))).toEqual(people);
  });

  it(`keeps the newest ${MAX_IGNORED} of a longer file`, () => {
    const people = Array.from({ length: MAX_IGNORED + 5 }, (_, i) => ({ nodeId: i.toString(16).padStart(64, '0'), nick: `n${i}` }));
    const parsed = parseIgnored(serializeIgnored(people));
    expect(parsed).toHaveLength(MAX_IGNORED);
    expect(parsed[0]!.nick).toBe('n5');
  });
});

describe('IgnoreList in a data folder', () => {
  const dirs: string[] = [];
  const folder = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-ignore-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps people by node id across loads, and forgets them on remove', async () => {
    const dir = folder();
    const list = await IgnoreList.load(dir);
    expect(list.people).toEqual([]);
    await list.add({ nodeId: A, nick: 'dave' });
    await list.add({ nodeId: B, nick: 'bob' });
    await list.add({ nodeId: A, nick: 'davey' }); // the same person under a new nick: one entry
    const again = await IgnoreList.load(dir);
    expect(again.people).toEqual([{ nodeId: B, nick: 'bob' }, { nodeId: A, nick: 'davey' }]);
    expect(again.has(A)).toBe(true);
    expect(again.remove(A)).toBe(true);
    expect(again.remove(A)).toBe(false);
    await again.saved();
    expect((await IgnoreList.load(dir)).people).toEqual([{ nodeId: B, nick: 'bob' }]);
  });

  it('starts empty from a damaged file, and replaces it whole', async () => {
    const dir = folder();
    writeFileSync(join(dir, IGNORED_FILE), '\u0000garbage');
    const list = await IgnoreList.load(dir);
    expect(list.people).toEqual([]);
    await list.add({ nodeId: A, nick: 'dave' });
    expect(parseIgnored(readFileSync(join(dir, IGNORED_FILE), 'utf8'))).toEqual([{ nodeId: A, nick: 'dave' }]);
  });
});
