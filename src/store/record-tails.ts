import { compareOrder, PAGE_ENTRIES, PAGE_SPAN_MS, paginate } from './display-page.js';
import type { DisplayPosition, StoredMessage } from './history-store.js';
import type { RunSpan } from './keys.js';
import { encodeRun, RUN_MESSAGES, splitRuns } from './message-run.js';

/**
 * Record tails: the small runs an origin's last appends wrote, and the small pages a bucket's last
 * appends wrote, kept in memory so that once there are JOIN_PIECES of them they are joined into one
 * record (theirs deleted in the same batch).
 *
 * Why: live chat is stored a message or two per append. A record per append left a history of
 * one-message runs and one-place pages, which reading back paid for with a LevelDB seek per message
 * (`lanchat history` of 20,000 live messages: 2.7 s, against 0.1 s for the same messages synced).
 * Why pieces are joined at once rather than each append rewriting the record it continues: that would
 * write a live message's run and page again with every message after it (measured: twice the time of
 * an append); joined at once, each message is written twice in all.
 */
export const JOIN_PIECES = 32;
/** A joined run's record is at most this big: reading one message out of it stays cheap. */
export const JOINED_RUN_BYTES = 16 * 1024;

/** A run written alone lately: its seqs and its record's value. */
export interface RunPiece extends RunSpan {
  value: Uint8Array;
}

/** A run record to put, and the records it replaces (to delete). */
export interface RunWrite {
  origin: string;
  span: RunSpan;
  value: Uint8Array;
  replaces: RunSpan[];
}

/**
 * The run records of `fresh` (messages not held, each once), given each origin's tail (its consecutive
 * pieces, oldest first); and each origin's tail afterwards (undefined: none).
 */
export function planRuns(
  fresh: readonly Pick<StoredMessage, 'origin' | 'seq' | 'bytes'>[],
  tails: ReadonlyMap<string, readonly RunPiece[]>,
): { writes: RunWrite[]; tails: Map<string, RunPiece[] | undefined> } {
  const writes: RunWrite[] = [];
  const after = new Map<string, RunPiece[] | undefined>();
  /** Pieces this call writes alone, and their writes. */
  const writtenAlone = new Map<RunPiece, RunWrite>();
  /** Of a tail's pieces, those on disk: the writes of the others (made in this call) are dropped, the join holds them. */
  const onDisk = (tail: readonly RunPiece[]): RunPiece[] =>
    tail.filter((piece) => {
      const alone = writtenAlone.get(piece);
      if (alone !== undefined) writes.splice(writes.indexOf(alone), 1);
      return alone === undefined;
    });
  for (const run of splitRuns(fresh)) {
    const origin = run[0]!.origin;
    const piece: RunPiece = { first: run[0]!.seq, last: run.at(-1)!.seq, value: encodeRun(run.map((m) => m.bytes)) };
    const tail = (after.has(origin) ? after.get(origin) : tails.get(origin)) ?? [];
    const end = tail.at(-1);
    const continues =
      end !== undefined &&
      end.last + 1 === piece.first &&
      bytesOf(tail) + piece.value.length <= JOINED_RUN_BYTES &&
      piece.last - tail[0]!.first + 1 <= RUN_MESSAGES;
    if (continues && tail.length + 1 >= JOIN_PIECES) {
      writes.push(joinRuns(origin, [...tail, piece], onDisk(tail)));
      after.set(origin, undefined);
      continue;
    }
    const alone: RunWrite = { origin, span: { first: piece.first, last: piece.last }, value: piece.value, replaces: [] };
    writes.push(alone);
    writtenAlone.set(piece, alone);
    if (continues) {
      after.set(origin, [...tail, piece]);
    } else if (end === undefined || piece.last > end.last) {
      // The origin's highest run, so its next message continues this one: the old tail is done.
      if (tail.length > 1) writes.push(joinRuns(origin, tail, onDisk(tail)));
      after.set(origin, piece.value.length < JOINED_RUN_BYTES ? [piece] : undefined);
    }
  }
  return { writes, tails: after };
}

/** One run of consecutive pieces: a run's record is its messages one after another, so they concatenate. */
function joinRuns(origin: string, pieces: readonly RunPiece[], stored: readonly RunSpan[]): RunWrite {
  return {
    origin,
    span: { first: pieces[0]!.first, last: pieces.at(-1)!.last },
    value: Buffer.concat(pieces.map((p) => p.value)),
    replaces: stored.map(({ first, last }) => ({ first, last })),
  };
}

/** The records that join each tail of two pieces or more: what a store writes as it closes. */
export function joinTails(
  runTails: ReadonlyMap<string, readonly RunPiece[]>,
  pageTails: ReadonlyMap<string, readonly DisplayPosition[][]>,
): { runs: RunWrite[]; pages: [bucket: string, write: PageWrite][] } {
  const runs = [...runTails].filter(([, tail]) => tail.length > 1).map(([origin, tail]) => joinRuns(origin, tail, tail));
  const pages = [...pageTails]
    .filter(([, tail]) => tail.length > 1)
    .map(([bucket, tail]): [string, PageWrite] => [bucket, joinPages(tail)]);
  return { runs, pages };
}

function bytesOf(pieces: readonly RunPiece[]): number {
  let bytes = 0;
  for (const p of pieces) bytes += p.value.length;
  return bytes;
}

/** A page record to put, and the newest places of the pages it replaces (their keys; to delete). */
export interface PageWrite {
  page: DisplayPosition[];
  replaces: DisplayPosition[];
}

/**
 * The page records of a bucket's new places, given the bucket's tail (pages written alone lately, whose
 * places all fit one page); and the bucket's tail afterwards.
 */
export function planPages(
  places: readonly DisplayPosition[],
  tail: readonly DisplayPosition[][] | undefined,
): { writes: PageWrite[]; tail: readonly DisplayPosition[][] | undefined } {
  // Plain places: a tail must not keep the messages (and the frames their bytes are views of) alive.
  const own = places.map(({ time, counter, origin, seq }) => ({ time, counter, origin, seq })).sort(compareOrder);
  if (own.length === 0) return { writes: [], tail };
  const pieces = tail ?? [];
  if (pieces.length > 0 && fitOnePage([...pieces, own])) {
    if (pieces.length + 1 < JOIN_PIECES) return { writes: [{ page: own, replaces: [] }], tail: [...pieces, own] };
    return { writes: [joinPages([...pieces, own], pieces)], tail: undefined };
  }
  const writes: PageWrite[] = paginate(own).map((page) => ({ page, replaces: [] }));
  const newest = writes.at(-1)!.page;
  // A batch of older places (a catch-up) leaves the tail where it is: live chat goes on after it. (A
  // late place may have joined the tail as its last piece: the tail's newest is any piece's.)
  if (pieces.some((piece) => compareOrder(piece.at(-1)!, newest.at(-1)!) > 0)) return { writes, tail };
  if (pieces.length > 1) writes.push(joinPages(pieces));
  return { writes, tail: newest.length < PAGE_ENTRIES ? [newest] : undefined };
}

/** One page of pages whose places fit one; it replaces those of them on disk (`stored`). */
function joinPages(pages: readonly DisplayPosition[][], stored: readonly DisplayPosition[][] = pages): PageWrite {
  return { page: pages.flat().sort(compareOrder), replaces: stored.map((p) => p.at(-1)!) };
}

/** Whether paginate() would keep the places of these pages (each in display order) in one page. */
function fitOnePage(pages: readonly DisplayPosition[][]): boolean {
  let count = 0;
  let oldest = Infinity;
  let newest = -Infinity;
  for (const page of pages) {
    count += page.length;
    oldest = Math.min(oldest, page[0]!.time);
    newest = Math.max(newest, page.at(-1)!.time);
  }
  return count <= PAGE_ENTRIES && newest - oldest < PAGE_SPAN_MS;
}
