import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRemembered, Remembered, REMEMBERED_FILE, REMEMBERED_INPUT } from '../../src/session/remembered.js';

describe('what a restart remembers (issue 16 item 10)', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-remembered-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads a damaged or foreign file as a fresh start, keeping what is valid', () => {
    const fresh = { rooms: [], current: undefined, input: [] };
    expect(parseRemembered('')).toEqual(fresh);
    expect(parseRemembered('{"rooms":')).toEqual(fresh);
    expect(parseRemembered('[1,2]')).toEqual(fresh);
    expect(parseRemembered('{"rooms":["#Dev","bad room!",3,"#dev","ops"],"current":"#OPS","input":["a",7,"b"]}')).toEqual({
      rooms: ['#dev', '#ops'],
      current: '#ops',
      input: ['a', 'b'],
    });
    // A current room the user is not in is no current room.
    expect(parseRemembered('{"rooms":["#dev"],"current":"#ops"}').current).toBeUndefined();
  });

  it('writes every change whole, the last one asked winning, and keeps the latest input lines', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    const remembered = await Remembered.load(dir);
    expect(remembered.state).toEqual({ rooms: [], current: undefined, input: [] });
    expect(remembered.existed).toBe(false);
    void remembered.update({ rooms: ['#a'], current: '#a' });
    void remembered.update({ rooms: ['#a', '#b'], current: '#b' });
    for (let i = 0; i < REMEMBERED_INPUT + 5; i++) void remembered.addInput(`line ${i}`);
    await remembered.addInput('   ');
    const again = await Remembered.load(dir);
    expect(again.existed).toBe(true);
    expect(again.state.rooms).toEqual(['#a', '#b']);
    expect(again.state.current).toBe('#b');
    expect(again.state.input).toHaveLength(REMEMBERED_INPUT);
    expect(again.state.input.at(-1)).toBe(`line ${REMEMBERED_INPUT + 4}`);
    // No temporary file left behind.
    expect(readdirSync(dir)).toEqual([REMEMBERED_FILE]);
  });

  it('starts fresh over a file that is not JSON', async () => {
    const dir = mkdtempSync(join(root, 'data-'));
    writeFileSync(join(dir, REMEMBERED_FILE), '\u0000garbage');
    expect((await Remembered.load(dir)).state.rooms).toEqual([]);
  });
});
