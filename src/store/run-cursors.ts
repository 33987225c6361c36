import type { HistoryDb } from './history-db.js';
import { prefixEnd, readRunKey, runPrefix, runSeekKey } from './keys.js';
import type { Run } from './message-run.js';

/** Cursors open at most: each holds a LevelDB iterator, and the snapshot it reads. */
const CURSORS_KEPT = 64;

/** An origin's runs, from the one holding `seq` on. */
function runsFrom(db: HistoryDb, origin: string, seq: number) {
  return db.iterator({ gte: runSeekKey(origin, seq), lt: prefixEnd(runPrefix(origin)) });
}

interface Cursor {
  iterator: ReturnType<typeof runsFrom>;
  /** The run read last; undefined before the first and after the last. */
  run: Run | undefined;
}

/**
 * Runs read forward, with a LevelDB iterator per origin. A history read in display order asks for each
 * origin's seqs in rising order, so the run after the one read last is most often the next one asked
 * for: an iterator reads ahead a batch of runs in one trip to LevelDB's thread, where looking each run
 * up would take a new iterator and a seek (measured: 16 s against 0.75 s for 100,000 messages kept a
 * run each, as a store written before runs were joined holds them).
 */
export class RunCursors {
  readonly #db: HistoryDb;
  /** Least recently asked first. */
  readonly #cursors = new Map<string, Cursor>();
  readonly #closing: Promise<void>[] = [];

  constructor(db: HistoryDb) {
    this.#db = db;
  }

  /**
   * The run holding (origin, seq), if it is at or after where this origin's cursor stands; undefined
   * when it is not held there (then look it up on its own: it may be behind the cursor, or newer than
   * the cursor's snapshot).
   */
  async holding(origin: string, seq: number): Promise<Run | undefined> {
    const cursor = this.#take(origin, seq);
    const { run } = cursor;
    if (run !== undefined && seq <= run.last) return seq >= run.first ? run : undefined;
    // The next run is read ahead; a seq further on is sought.
    if (run !== undefined && seq > run.last + 1) cursor.iterator.seek(runSeekKey(origin, seq));
    const entry = await cursor.iterator.next();
    cursor.run = entry === undefined ? undefined : { ...readRunKey(entry[0]), value: entry[1] };
    return cursor.run !== undefined && cursor.run.first <= seq ? cursor.run : undefined;
  }

  async close(): Promise<void> {
    for (const cursor of this.#cursors.values()) this.#closing.push(cursor.iterator.close());
    this.#cursors.clear();
    await Promise.all(this.#closing);
  }

  /** The origin's cursor, made most recent; a new one starts at `seq`. */
  #take(origin: string, seq: number): Cursor {
    let cursor = this.#cursors.get(origin);
    if (cursor === undefined) {
      cursor = { iterator: runsFrom(this.#db, origin, seq), run: undefined };
      for (const [oldest, { iterator }] of this.#cursors) {
        if (this.#cursors.size < CURSORS_KEPT) break;
        this.#cursors.delete(oldest);
        this.#closing.push(iterator.close());
      }
    } else {
      this.#cursors.delete(origin);
    }
    this.#cursors.set(origin, cursor);
    return cursor;
  }
}
