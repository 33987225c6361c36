import { describe, expect, it } from 'vitest';
import { VectorChanges } from '../../src/store/vector-changes.js';

describe('VectorChanges: which origins moved since a reader last looked', () => {
  it('gives what was added since a position, in order', () => {
    const changes = new VectorChanges();
    const start = changes.end;
    expect(changes.since(start)).toEqual([]);
    changes.add(['a', 'b']);
    const middle = changes.end;
    changes.add(new Set(['c', 'a']));
    expect(changes.since(start)).toEqual(['a', 'b', 'c', 'a']);
    expect(changes.since(middle)).toEqual(['c', 'a']);
    expect(changes.since(changes.end)).toEqual([]);
  });

  it('stays bounded: a reader left behind what was dropped is told so (it walks everything then)', () => {
    const changes = new VectorChanges(4);
    const start = changes.end;
    changes.add(['a', 'b', 'c']);
    const kept = changes.end;
    changes.add(['d', 'e']);
    // Five past the bound of 4: the older ones go, the newest two stay.
    expect(changes.since(start)).toBeUndefined();
    expect(changes.since(kept)).toEqual(['d', 'e']);
    expect(changes.end).toBe(5);
    // A position it never gave is no position.
    expect(changes.since(changes.end + 1)).toBeUndefined();
    for (let i = 0; i < 1_000; i++) changes.add([`o${i}`]);
    expect(changes.since(changes.end - 2)).toEqual(['o998', 'o999']);
  });
});
