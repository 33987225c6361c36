import type { StoredMessage } from './history-store.js';
import { runKey, type RunSpan } from './keys.js';

/**
 * Message runs: consecutive messages of one origin (seq n, n+1, … with no gap) kept as one LevelDB record.
 *
 * Why: a sync stores its batches author by author, and a LevelDB record per message made the fresh
 * node's writes cost as much as everything else it does together (measured in BENCHMARKS.md). A run
 * holds only messages not held before it was written, and is only ever replaced by a run of itself and
 * the runs right after it, in the same batch (record-tails.ts), so runs of one origin never overlap.
 *
 * A run on disk: per message, its length as a varint, then its bytes, in seq order.
 */

/** A run holds at most as many messages as a sync batch (SYNC_BATCH_MESSAGES, sync/replica.ts) ... */
export const RUN_MESSAGES = 500;
/** ... and this many bytes of them, so reading one message out of a run stays cheap. */
export const RUN_BYTES = 128 * 1024;

/**
 * Splits messages into runs: each run is one origin's consecutive seqs, within RUN_MESSAGES and
 * RUN_BYTES. `messages` must hold each (origin, seq) once; they may come in any order.
 */
export function splitRuns<M extends Pick<StoredMessage, 'origin' | 'seq' | 'bytes'>>(messages: readonly M[]): M[][] {
  const byOrigin = new Map<string, M[]>();
  for (const m of messages) {
    const list = byOrigin.get(m.origin);
    if (list === undefined) byOrigin.set(m.origin, [m]);
    else list.push(m);
  }
  const runs: M[][] = [];
  for (const list of byOrigin.values()) {
    if (!isAscending(list)) list.sort((a, b) => a.seq - b.seq);
    let run: M[] = [];
    let bytes = 0;
    for (const m of list) {
      const last = run.at(-1);
      if (last !== undefined && (m.seq !== last.seq + 1 || run.length === RUN_MESSAGES || bytes + m.bytes.length > RUN_BYTES)) {
        runs.push(run);
        run = [];
        bytes = 0;
      }
      run.push(m);
      bytes += m.bytes.length;
    }
    if (run.length > 0) runs.push(run);
  }
  return runs;
}

/** A run record as read: its origin, the seqs it covers, and its value. */
export interface Run extends RunSpan {
  origin: string;
  value: Uint8Array;
  /** Its messages, once split (views of `value`). */
  messages?: Uint8Array[];
}

/**
 * The bytes of message `seq` of a run, copied: a view would keep the whole run in memory as long as it.
 * The run is split once, however many of its messages are read.
 */
export function messageIn(run: Run, seq: number): Uint8Array {
  run.messages ??= decodeRun(run.value, run.last - run.first + 1);
  return Buffer.from(run.messages[seq - run.first]!);
}

/** The LevelDB records (key, value) of messages not held yet: one per run. */
export function runRecords(messages: readonly Pick<StoredMessage, 'origin' | 'seq' | 'bytes'>[]): [key: string, value: Uint8Array][] {
  return splitRuns(messages).map((run) => [
    runKey(run[0]!.origin, { first: run[0]!.seq, last: run.at(-1)!.seq }),
    encodeRun(run.map((m) => m.bytes)),
  ]);
}

function isAscending(list: readonly { seq: number }[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i]!.seq <= list[i - 1]!.seq) return false;
  return true;
}

/** The record of a run: its messages' bytes, each after its length. */
export function encodeRun(messages: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const bytes of messages) size += varintLength(bytes.length) + bytes.length;
  // Not from Node's shared pool: a small run kept in memory (a record tail) would keep 8 KiB of it alive.
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const bytes of messages) {
    at = writeVarint(out, at, bytes.length);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/**
 * The messages of a run record, as views into it, from the `skip`-th on (at most `limit` of them).
 * Throws on bytes that are not a run of `count` messages.
 */
export function decodeRun(value: Uint8Array, count: number, skip = 0, limit = count - skip): Uint8Array[] {
  const messages: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const [length, start] = readVarint(value, at);
    at = start + length;
    if (at > value.length) throw new Error('a message run cut short');
    if (i >= skip && messages.length < limit) messages.push(value.subarray(start, at));
  }
  if (at !== value.length) throw new Error('a message run longer than its key says');
  return messages;
}

function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value >>>= 7;
    length++;
  }
  return length;
}

function writeVarint(out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  out[at++] = value;
  return at;
}

/** A message's length (below 2^28: a frame is far smaller) and where its bytes start. */
function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (at >= bytes.length) throw new Error('a message run cut short');
    const byte = bytes[at++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return [value, at];
  }
  throw new Error('a message run with a length out of range');
}

/** What one message adds to its origin's runs on disk: its length prefix and its bytes. */
export function runBytesOf(bytes: Uint8Array): number {
  return varintLength(bytes.length) + bytes.length;
}
