import type { StoredMessage } from './history-store.js';
import { decodeRun } from './message-run.js';
import { decodeStored } from './stored-message.js';

/**
 * The search index: a sketch per message run (message-run.ts), kept under the run's own key with `x`
 * for `s` and written in the batch that writes the run (and deleted with it).
 *
 * A sketch is a Bloom filter of the lower-cased trigrams (three UTF-16 units) of the run's room-message
 * texts, with the run's time range and whether it holds a private message (sealed: nothing to index).
 * A query's trigrams all being in a run's filter is necessary for any of its messages to hold the query,
 * so a search reads only the runs whose sketch may match, newest first, and stops once it holds the
 * newest N matches (search-scan.ts).
 *
 * Why this and not a word index: a record per word would make each message cost ten or more LevelDB
 * records where a sync writes one per run of up to 500 (the catch-up target is half LevelDB's batched
 * rate per record); a sketch is one record per run, at most 2 KiB, whatever a peer writes: what one
 * message adds is some bits in a filter of a fixed size. And trigrams, unlike words, find any part of
 * a word ("print" in "printer"), as the search does.
 *
 * Layout: [version 1][flags 1][min time 8][max time 8][filter bytes], times as float64 big-endian.
 */

const VERSION = 1;
const HEADER = 18;
export const SKETCH_PRIVATE = 1;
/** Filter bits a message is given (a power of two), and the smallest and biggest filter. */
const BITS_PER_MESSAGE = 64;
const MIN_BITS = 512;
const MAX_BITS = 16_384;

export interface Sketch {
  flags: number;
  minTime: number;
  maxTime: number;
  filter: Uint8Array;
}

/** The sketch of a run's messages. */
export function sketchOf(messages: readonly StoredMessage[]): Uint8Array {
  let bits = MIN_BITS;
  while (bits < MAX_BITS && bits < messages.length * BITS_PER_MESSAGE) bits *= 2;
  const out = Buffer.alloc(HEADER + bits / 8);
  out[0] = VERSION;
  let flags = 0;
  let minTime = Infinity;
  let maxTime = 0;
  const filter = out.subarray(HEADER);
  for (const m of messages) {
    minTime = Math.min(minTime, m.time);
    maxTime = Math.max(maxTime, m.time);
    if (m.isPrivate) {
      flags |= SKETCH_PRIVATE;
      continue;
    }
    forEachTrigram((m.shown.text ?? '').toLowerCase(), (h1, h2) => {
      setBit(filter, h1);
      setBit(filter, h2);
    });
  }
  out[1] = flags;
  out.writeDoubleBE(messages.length === 0 ? 0 : minTime, 2);
  out.writeDoubleBE(maxTime, 10);
  return out;
}

/** The sketch of a run record holding `count` messages. */
export function runSketch(value: Uint8Array, count: number): Uint8Array {
  return sketchOf(decodeRun(value, count).map(decodeStored));
}

/** A stored sketch; undefined for bytes that are not one (the run is then read as if it may match). */
export function readSketch(bytes: Uint8Array): Sketch | undefined {
  if (bytes.length < HEADER + MIN_BITS / 8 || bytes[0] !== VERSION) return undefined;
  const filterBytes = bytes.length - HEADER;
  if ((filterBytes & (filterBytes - 1)) !== 0) return undefined; // a power of two, as written
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return { flags: bytes[1]!, minTime: view.readDoubleBE(2), maxTime: view.readDoubleBE(10), filter: view.subarray(HEADER) };
}

/** The trigram hash pairs of a lower-cased query; empty when it is shorter than a trigram (every run may match). */
export function queryTrigrams(lower: string): [number, number][] {
  const pairs: [number, number][] = [];
  forEachTrigram(lower, (h1, h2) => pairs.push([h1, h2]));
  return pairs;
}

/** Whether a run whose sketch is `sketch` may hold a room message with every trigram of the query. */
export function mayHold(sketch: Sketch, trigrams: readonly [number, number][]): boolean {
  for (const [h1, h2] of trigrams) if (!hasBit(sketch.filter, h1) || !hasBit(sketch.filter, h2)) return false;
  return true;
}

/** Two 32-bit hashes of each trigram of `text` (FNV-1a over three UTF-16 units, then a second mix). */
function forEachTrigram(text: string, each: (h1: number, h2: number) => void): void {
  for (let i = 0; i + 3 <= text.length; i++) {
    let h = 0x811c9dc5;
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ text.charCodeAt(i + 1), 0x01000193);
    h = Math.imul(h ^ text.charCodeAt(i + 2), 0x01000193);
    let g = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    g = Math.imul(g ^ (g >>> 13), 0xc2b2ae35);
    each(h >>> 0, (g ^ (g >>> 16)) >>> 0);
  }
}

function setBit(filter: Uint8Array, hash: number): void {
  const bit = hash & (filter.length * 8 - 1);
  filter[bit >>> 3]! |= 1 << (bit & 7);
}

function hasBit(filter: Uint8Array, hash: number): boolean {
  const bit = hash & (filter.length * 8 - 1);
  return (filter[bit >>> 3]! & (1 << (bit & 7))) !== 0;
}

/** The sketch key of a run key (s!… → x!…). */
export function sketchKey(runKey: string): string {
  return `x${runKey.slice(1)}`;
}

export const SKETCH_PREFIX = 'x!';

/** The run key of a sketch key. */
export function runKeyOf(sketchKey: string): string {
  return `s${sketchKey.slice(1)}`;
}
