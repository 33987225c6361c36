import { describe, expect, it } from 'vitest';
import { compareOrder, decodePage, encodePage, PAGE_ENTRIES, PAGE_SPAN_MS, paginate } from '../../src/store/display-page.js';
import type { DisplayPosition } from '../../src/store/history-store.js';

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);
const place = (time: number, origin = A, seq = 1, counter = 0): DisplayPosition => ({ time, counter, origin, seq });

describe('display pages', () => {
  it('orders by time, counter, origin, then seq', () => {
    const sorted = [place(2), place(1, B, 1), place(1, A, 2), place(1, A, 1, 1), place(1, A, 1)].sort(compareOrder);
    expect(sorted).toEqual([place(1, A, 1), place(1, A, 2), place(1, B, 1), place(1, A, 1, 1), place(2)]);
  });

  it('round-trips a page, origins shared, 48-bit times and seqs kept exact', () => {
    const page = [place(0, A, 1), place(1_700_000_000_000, B, 2 ** 48 - 1, 2 ** 32 - 1), place(2 ** 48 - 1, A, 7)];
    const bytes = encodePage(page);
    expect(bytes.length).toBe(1 + 2 + 2 * 32 + 2 + 3 * 18);
    expect(decodePage(bytes)).toEqual(page);
  });

  it('refuses bytes that are not a page', () => {
    const good = encodePage([place(5)]);
    expect(() => decodePage(good.subarray(0, good.length - 1))).toThrow(/wrong length/);
    expect(() => decodePage(Buffer.from([9, 0, 0, 0, 0]))).toThrow(/not a display page/);
    const badIndex = Buffer.from(good);
    badIndex.writeUInt16BE(3, 1 + 2 + 32 + 2 + 10);
    expect(() => decodePage(badIndex)).toThrow(/origin/);
  });

  it('splits places into sorted pages within the span and entry bounds', () => {
    const places = [
      ...Array.from({ length: PAGE_ENTRIES + 10 }, (_, i) => place(1_000 + i, A, i + 1)),
      place(1_000 + PAGE_SPAN_MS + 600, B, 1),
      place(500, B, 2),
    ];
    const pages = paginate(places.reverse());
    expect(pages.flat()).toEqual([...places].sort(compareOrder));
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(PAGE_ENTRIES);
      expect(page.at(-1)!.time - page[0]!.time).toBeLessThan(PAGE_SPAN_MS);
    }
    expect(pages.map((page) => page.length)).toEqual([PAGE_ENTRIES, 11, 1]);
  });
});
