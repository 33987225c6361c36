import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPins, NickPins, PINS_FILE, savePins } from '../../src/identity/nick-pins.js';

const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);

describe('NickPins', () => {
  it('pins a nick on first sight, and tells a later other key apart, case-insensitively', () => {
    const pins = new NickPins();
    expect(pins.see('Bob', A)).toEqual({ verdict: 'new' });
    expect(pins.see('bob', A)).toEqual({ verdict: 'same' });
    expect(pins.see('BOB', B)).toEqual({ verdict: 'changed', pinned: A });
    // The first key stays pinned: a warning does not move the pin.
    expect(pins.see('bob', A)).toEqual({ verdict: 'same' });
  });

  it('takes a lookalike of a pinned nick for that nick', () => {
    const pins = new NickPins();
    pins.see('watch', A);
    expect(pins.see('w\u0430tch', B)).toEqual({ verdict: 'changed', pinned: A });
    expect(pins.see('\uff57\uff41\uff54\uff43\uff48', B)).toEqual({ verdict: 'changed', pinned: A });
  });

  it('keys the pins of an older file again, keeping the first of two that now share a key', () => {
    const pins = new NickPins([['b0b', A], ['bob', B], ['rnark', B]]);
    expect(pins.see('BOB', A)).toEqual({ verdict: 'same' });
    expect(pins.see('mark', B)).toEqual({ verdict: 'same' });
  });

  it('keeps its pins in the data folder, and starts empty from a missing or broken file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanchat-pins-'));
    try {
      expect((await loadPins(dir)).see('bob', A)).toEqual({ verdict: 'new' });
      const pins = new NickPins();
      pins.see('bob', A);
      await savePins(dir, pins);
      expect((await loadPins(dir)).see('bob', B)).toEqual({ verdict: 'changed', pinned: A });
      writeFileSync(join(dir, PINS_FILE), '{ not json');
      expect((await loadPins(dir)).see('bob', B)).toEqual({ verdict: 'new' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
