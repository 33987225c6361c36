/** Reads in display order, from the display pages of each bucket (display-page.ts). */

import { compareOrder, decodePage, PAGE_SPAN_MS } from './display-page.js';
import type { HistoryDb } from './history-db.js';
import type { DisplayPosition, StoredMessage } from './history-store.js';
import { isPageOf, orderSuffix, pageNewestOrder, pagePrefix, prefixEnd } from './keys.js';
import { PlaceHeap } from './place-heap.js';
import { RunCursors } from './run-cursors.js';
import { readMany } from './run-reads.js';
import { decodeStored } from './stored-message.js';

/** Messages `history()` gives at a time. */
const HISTORY_CHUNK = 1_000;

/**
 * The newest `limit` places of a bucket (before `before`, if given), oldest first. Pages are read from
 * the newest down; every place in a page is at or below its key, so once `limit` places are newer than
 * the next page's key, no older page can change the answer.
 */
export async function latestPlaces(db: HistoryDb, bucket: string, limit: number, before: DisplayPosition | undefined): Promise<DisplayPosition[]> {
  const prefix = pagePrefix(bucket);
  // A page holding a place before `before` has its newest within PAGE_SPAN_MS of it.
  const end = before === undefined ? prefixEnd(prefix) : prefix + orderSuffix(before.time + PAGE_SPAN_MS, 0, '', 0);
  const found: DisplayPosition[] = [];
  /** Once `limit` places are found: the oldest of the newest `limit`. */
  let cutoff: string | undefined;
  for await (const [key, value] of db.iterator({ gte: prefix, lt: end, reverse: true })) {
    if (!isPageOf(key, bucket)) continue;
    if (cutoff !== undefined && cutoff > pageNewestOrder(key)) break;
    for (const place of decodePage(value)) if (before === undefined || compareOrder(place, before) < 0) found.push(place);
    if (found.length >= limit) {
      found.sort((a, b) => compareOrder(b, a)).length = limit;
      cutoff = orderOf(found.at(-1)!);
    }
  }
  found.sort((a, b) => compareOrder(b, a));
  return found.reverse();
}

/** HistoryStore.history over `buckets`: their messages in display order, HISTORY_CHUNK at a time. */
export async function* readHistory(db: HistoryDb, buckets: readonly string[]): AsyncGenerator<StoredMessage[]> {
  // Pages are read in the order of their newest place, all buckets merged. Every place of a page not
  // read yet is within PAGE_SPAN_MS of that page's newest or after it, so what waits in the heap
  // from further back than that precedes everything still unread, and is shown.
  const pagesOf = (bucket: string) => db.iterator({ gte: pagePrefix(bucket), lt: prefixEnd(pagePrefix(bucket)) });
  const pages: ReturnType<typeof pagesOf>[] = [];
  const waiting = new PlaceHeap();
  const runs = new RunCursors(db);
  try {
    for (const bucket of buckets) pages.push(pagesOf(bucket));
    const nextPage = async (i: number): Promise<[string, Uint8Array] | undefined> => {
      for (;;) {
        const entry = await pages[i]!.next();
        if (entry === undefined || isPageOf(entry[0], buckets[i]!)) return entry;
      }
    };
    const heads = await Promise.all(pages.map((_, i) => nextPage(i)));
    for (;;) {
      let next = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head !== undefined && (next < 0 || pageNewestOrder(head[0]) < pageNewestOrder(heads[next]![0]))) next = i;
      }
      const [key, value] = next < 0 ? [undefined, undefined] : heads[next]!;
      const shownBefore = key === undefined ? Infinity : parseInt(pageNewestOrder(key).slice(0, 13), 16) - PAGE_SPAN_MS;
      const ready: DisplayPosition[] = [];
      while (waiting.size > 0 && waiting.peek()!.time <= shownBefore) ready.push(waiting.pop()!);
      for (let at = 0; at < ready.length; at += HISTORY_CHUNK) {
        const values = await readMany(db, ready.slice(at, at + HISTORY_CHUNK), runs);
        yield values.filter((v): v is Uint8Array => v !== undefined).map(decodeStored);
      }
      if (key === undefined) return;
      for (const place of decodePage(value!)) waiting.push(place);
      heads[next] = await nextPage(next);
    }
  } finally {
    await Promise.all([...pages.map((it) => it.close()), runs.close()]);
  }
}

function orderOf(p: DisplayPosition): string {
  return orderSuffix(p.time, p.counter, p.origin, p.seq);
}
