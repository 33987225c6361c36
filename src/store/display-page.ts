import type { DisplayPosition } from './history-store.js';
import { isPageOf, pageKey } from './keys.js';

/**
 * Display pages: a bucket's display order (a room's, or that of private messages) kept as a few records
 * rather than one per message. An append writes the places of its new messages, bucket by bucket, as
 * pages; a page's key is its newest place, so pages sort by their newest entry.
 *
 * Why pages: a sync stores hundreds of messages per batch, and a LevelDB record per message for the
 * index would double its writes. Why bounded: a page spans at most PAGE_SPAN_MS, so a page holding
 * anything older than a place P has its newest entry before P + PAGE_SPAN_MS; paging back from P reads
 * no page newer than that.
 */
export const PAGE_SPAN_MS = 10 * 60_000;
/** A page holds at most a sync batch's worth of places, so reading one to show 50 lines stays cheap. */
export const PAGE_ENTRIES = 500;

/** Display order: clock time, clock counter, then origin and seq to break ties (as the store's keys). */
export function compareOrder(a: DisplayPosition, b: DisplayPosition): number {
  return a.time - b.time || a.counter - b.counter || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.seq - b.seq);
}

/** Splits places (in any order) into pages in display order, each within the entry and span bounds. */
export function paginate(places: readonly DisplayPosition[]): DisplayPosition[][] {
  const sorted = [...places].sort(compareOrder);
  const pages: DisplayPosition[][] = [];
  let page: DisplayPosition[] = [];
  for (const place of sorted) {
    if (page.length > 0 && (page.length === PAGE_ENTRIES || place.time - page[0]!.time >= PAGE_SPAN_MS)) {
      pages.push(page);
      page = [];
    }
    page.push(place);
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/*
 * A page on disk: version byte, origin count (u16), the distinct origins (32 bytes each), entry count
 * (u16), then per entry time (u48), counter (u32), origin index (u16), seq (u48): 18 bytes, where a key
 * per message would take over a hundred.
 */
const VERSION = 1;
const ORIGIN_BYTES = 32;
const ENTRY_BYTES = 6 + 4 + 2 + 6;
/** Times and seqs fit 48 bits (decodeStored refuses larger ones): 8,900 years of milliseconds. */
export const MAX_PLACE_VALUE = 2 ** 48 - 1;

export function encodePage(page: readonly DisplayPosition[]): Uint8Array {
  const origins = new Map<string, number>();
  for (const place of page) if (!origins.has(place.origin)) origins.set(place.origin, origins.size);
  const buf = Buffer.allocUnsafe(1 + 2 + origins.size * ORIGIN_BYTES + 2 + page.length * ENTRY_BYTES);
  let at = buf.writeUInt8(VERSION, 0);
  at = buf.writeUInt16BE(origins.size, at);
  for (const origin of origins.keys()) at += buf.write(origin, at, ORIGIN_BYTES, 'hex');
  at = buf.writeUInt16BE(page.length, at);
  for (const place of page) {
    at = buf.writeUIntBE(place.time, at, 6);
    at = buf.writeUInt32BE(place.counter, at);
    at = buf.writeUInt16BE(origins.get(place.origin)!, at);
    at = buf.writeUIntBE(place.seq, at, 6);
  }
  return buf;
}

/** The places of a page, oldest first. Throws on bytes that are not a page. */
export function decodePage(bytes: Uint8Array): DisplayPosition[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < 5 || buf.readUInt8(0) !== VERSION) throw new Error('not a display page');
  const originCount = buf.readUInt16BE(1);
  let at = 3;
  const origins: string[] = [];
  for (let i = 0; i < originCount; i++, at += ORIGIN_BYTES) origins.push(buf.toString('hex', at, at + ORIGIN_BYTES));
  const count = buf.readUInt16BE(at);
  at += 2;
  if (buf.length !== at + count * ENTRY_BYTES) throw new Error('a display page of the wrong length');
  const places: DisplayPosition[] = new Array(count);
  for (let i = 0; i < count; i++, at += ENTRY_BYTES) {
    const origin = origins[buf.readUInt16BE(at + 10)];
    if (origin === undefined) throw new Error('a display page naming an origin it does not hold');
    places[i] = { time: buf.readUIntBE(at, 6), counter: buf.readUInt32BE(at + 6), origin, seq: buf.readUIntBE(at + 12, 6) };
  }
  return places;
}

/** How many places a page holds, read from its header alone. Throws on bytes that are not a page. */
export function pageEntryCount(bytes: Uint8Array): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < 5 || buf.readUInt8(0) !== VERSION) throw new Error('not a display page');
  return buf.readUInt16BE(3 + buf.readUInt16BE(1) * ORIGIN_BYTES);
}

/**
 * The places in a bucket's pages, from `records` (the records under its page prefix, which may hold
 * another bucket's whose name starts the same), by their headers alone: a few thousand records for a
 * million messages.
 */
export async function countPlaces(bucket: string, records: AsyncIterable<[key: string, value: Uint8Array]>): Promise<number> {
  let n = 0;
  for await (const [key, value] of records) if (isPageOf(key, bucket)) n += pageEntryCount(value);
  return n;
}

/** The LevelDB records (key, value) of a bucket's new places: its pages, each under its newest place. */
export function pageRecords(bucket: string, places: readonly DisplayPosition[]): [key: string, value: Uint8Array][] {
  return paginate(places).map((page) => [pageKey(bucket, page.at(-1)!), encodePage(page)]);
}
