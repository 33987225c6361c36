import { compareOrder } from './display-page.js';
import type { HistoryDb } from './history-db.js';
import type { SearchScan, StoredMessage } from './history-store.js';
import { prefixEnd, readRunKey, type RunSpan } from './keys.js';
import { mayHold, queryTrigrams, readSketch, runKeyOf, SKETCH_PREFIX, SKETCH_PRIVATE } from './search-sketch.js';
import { findFolded, hasRecipient, textMatches } from './search-match.js';
import { decodeStored } from './stored-message.js';

/**
 * Searching the history: the runs whose search sketch may match (search-sketch.ts, which says why a
 * sketch per run and not a word index), newest first, each scanned as bytes (search-match.ts: most
 * messages are passed over undecoded), until the newest `limit` matches are held and no run left can
 * hold a newer one. A word in none of a million messages reads the sketches alone (a few MiB); a common
 * word, the few newest runs. Measured with `npm run bench:store` (search-1m; BENCHMARKS.md).
 *
 * Private messages are sealed: their bytes show nothing, so in a run that holds any (its sketch says)
 * each is decoded and, if this node can read it (`privateText`), its text checked.
 */


/** Runs read from LevelDB at a time, newest first. */
const RUNS_AT_ONCE = 8;

/** The newest `limit` messages that match, newest first. */
export async function searchRuns(db: HistoryDb, scan: SearchScan): Promise<StoredMessage[]> {
  const { needle, limit } = scan;
  if (limit <= 0) return [];
  const trigrams = queryTrigrams(needle.lower);
  const candidates: { key: string; maxTime: number; private: boolean }[] = [];
  for await (const [key, value] of db.iterator({ gte: SKETCH_PREFIX, lt: prefixEnd(SKETCH_PREFIX), highWaterMarkBytes: SKETCH_READ_BYTES })) {
    const sketch = readSketch(value);
    // A sketch that cannot be read says nothing: its run is read.
    if (sketch === undefined) candidates.push({ key: runKeyOf(key), maxTime: Infinity, private: true });
    else if (mayHold(sketch, trigrams) || (scan.room === undefined && (sketch.flags & SKETCH_PRIVATE) !== 0)) {
      candidates.push({ key: runKeyOf(key), maxTime: sketch.maxTime, private: (sketch.flags & SKETCH_PRIVATE) !== 0 });
    }
  }
  candidates.sort((a, b) => b.maxTime - a.maxTime);
  let found: StoredMessage[] = [];
  for (let i = 0; i < candidates.length; i += RUNS_AT_ONCE) {
    // Held: the newest `limit`; a run whose newest message is older than all of them adds none.
    if (found.length >= limit) {
      found = newest(found, limit);
      if (found.at(-1)!.time > candidates[i]!.maxTime) break;
    }
    const group = candidates.slice(i, i + RUNS_AT_ONCE);
    const values = await db.getMany(group.map((c) => c.key));
    group.forEach((c, k) => {
      const value = values[k];
      if (value !== undefined) scanRun(value, readRunKey(c.key), scan, (m) => found.push(m));
    });
  }
  return newest(found, limit);
}

/** What one trip to LevelDB's thread reads at most of the sketches. */
const SKETCH_READ_BYTES = 1024 * 1024;

/** Hands `keep` each message of a run that matches. */
function scanRun(value: Uint8Array, { first, last }: RunSpan, scan: SearchScan, keep: (m: StoredMessage) => void): void {
  const { needle, room, privateText } = scan;
  let at = 0;
  for (let i = first; i <= last && at < value.length; i++) {
    const [length, start] = lengthAt(value, at);
    const end = start + length;
    at = end;
    if (start < 0 || end > value.length) return; // a damaged run: the rest of it is skipped
    if (hasRecipient(value, start, end)) {
      if (room !== undefined) continue;
      const m = decodeStored(Buffer.from(value.subarray(start, end)));
      const text = privateText(m);
      if (text !== undefined && textMatches(text, needle)) keep(m);
      continue;
    }
    if (needle.anchor !== undefined && findFolded(value, needle.anchor, start, end) < 0) continue;
    // A copy: a view would keep the whole run in memory as long as the result.
    const m = decodeStored(Buffer.from(value.subarray(start, end)));
    if (room !== undefined && m.room !== room) continue;
    if (textMatches(m.shown.text ?? '', needle)) keep(m);
  }
}

function newest(messages: StoredMessage[], limit: number): StoredMessage[] {
  return messages.sort((a, b) => compareOrder(b, a)).slice(0, limit);
}

/** A run's message length (varint) at `at`, and where the message starts; start -1 when cut short. */
function lengthAt(bytes: Uint8Array, at: number): [length: number, start: number] {
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (at >= bytes.length) return [0, -1];
    const byte = bytes[at++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return [value, at];
  }
  return [0, -1];
}
