import { describe, expect, it } from 'vitest';
import { compareOrder } from '../../src/store/display-page.js';
import type { DisplayPosition } from '../../src/store/history-store.js';
import { PlaceHeap } from '../../src/store/place-heap.js';

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);

describe('place heap', () => {
  it('pops the oldest of what it holds, pushes and pops interleaved as a history read does', () => {
    let state = 11;
    const random = (n: number): number => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) % n;
    const heap = new PlaceHeap();
    const model: DisplayPosition[] = [];
    for (let i = 0; i < 3_000; i++) {
      if (random(3) > 0) {
        const place = { time: random(50), counter: random(3), origin: random(2) ? A : B, seq: i + 1 };
        heap.push(place);
        model.push(place);
      } else {
        model.sort(compareOrder);
        expect(heap.pop()).toBe(model.shift());
      }
      expect(heap.size).toBe(model.length);
    }
  });

  it('drains in exactly the sorted order', () => {
    const places: DisplayPosition[] = [5, 3, 9, 1, 7, 3, 2].map((time, seq) => ({ time, counter: 0, origin: A, seq }));
    const heap = new PlaceHeap();
    for (const p of places) heap.push(p);
    expect(heap.peek()).toEqual(places[3]);
    const out = Array.from({ length: places.length }, () => heap.pop()!);
    expect(out).toEqual([...places].sort(compareOrder));
  });
});
