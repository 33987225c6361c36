/**
 * LevelDB keys of the history store. Numbers are fixed-width hex so that byte order is numeric order,
 * and every key of a kind shares a prefix, so one range scan reads one kind in order:
 *   s!<origin>!<last seq>!<first seq>          a run of the origin's messages, first to last (message-run.ts);
 *                                              keyed by its last seq, so the first key at or after
 *                                              s!<origin>!<seq> is the run holding seq, if any holds it
 *   p!<bucket>!<time>!<counter>!<origin>!<seq> a display page of a bucket (a room, or '@' for private
 *                                              messages), keyed by its newest place (display-page.ts);
 *                                              the order of everything merges the buckets
 *   x!<origin>!<last seq>!<first seq>          the search sketch of the run s!… (search-sketch.ts)
 *   b!<bucket>                                 the buckets in use, so the merge knows what to read
 *   v!<origin>                                 highest seq of origin with no gap below it, and the top seq
 *   f!format                                   the layout of these keys (FORMAT)
 *   f!upgrading                                while an upgrade is under way: the format it started from
 * A record per run, not per message: each record costs a LevelDB write, and a sync is as fast as its writes.
 * Formats 1 to 3 kept a record per message, m!<origin>!<seq> (messageKey); an upgrade makes runs of them.
 */

import type { DisplayPosition, StoredMessage } from './history-store.js';

/**
 * Format 1 had a global display index (t!) and one per room (r!); format 2 one index record per message
 * and bucket (d!); format 3 has display pages (p!); format 4 keeps messages in runs (s!), not one each (m!);
 * format 5 adds a search sketch per run (x!).
 */
export const FORMAT = 5;
export const FORMAT_KEY = 'f!format';
export const UPGRADING_KEY = 'f!upgrading';

/** The bucket of private messages. Rooms start with '#', so no room is called this. */
export const PRIVATE_BUCKET = '@';

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

/** 52-bit integers (ms times, seqs) in 13 hex digits; counters in 8. */
const num = (value: number): string => hex(value, 13);

/** A message's own record, as formats 1 to 3 kept it. */
export function messageKey(origin: string, seq: number): string {
  return `m!${origin}!${num(seq)}`;
}

export const MESSAGE_PREFIX = 'm!';

/** The seqs a run covers: what a run's key holds besides its origin. */
export interface RunSpan {
  first: number;
  last: number;
}

export function runKey(origin: string, { first, last }: RunSpan): string {
  return `s!${origin}!${num(last)}!${num(first)}`;
}

export const RUN_PREFIX = 's!';

export function runPrefix(origin: string): string {
  return `s!${origin}!`;
}

/** Where to seek for the run holding `seq`: the first run key at or after this one ends at or after seq. */
export function runSeekKey(origin: string, seq: number): string {
  return `s!${origin}!${num(seq)}`;
}

/** The origin and seqs of a run, from its key. */
export function readRunKey(key: string): RunSpan & { origin: string } {
  // s! + 64 hex + ! + 13 + ! + 13
  return { origin: key.slice(2, 66), last: parseInt(key.slice(67, 80), 16), first: parseInt(key.slice(81, 94), 16) };
}

/** A place in display order: clock time, clock counter, then origin and seq to break ties. */
export function orderSuffix(time: number, counter: number, origin: string, seq: number): string {
  return `${num(time)}!${hex(counter, 8)}!${origin}!${num(seq)}`;
}

export function pageKey(bucket: string, newest: DisplayPosition): string {
  return `p!${bucket}!${orderSuffix(newest.time, newest.counter, newest.origin, newest.seq)}`;
}

export function pagePrefix(bucket: string): string {
  return `p!${bucket}!`;
}

/** time!counter!origin!seq: a fixed width, so it is cut from the end whatever a bucket's name holds. */
const ORDER_LENGTH = 13 + 1 + 8 + 1 + 64 + 1 + 13;

/**
 * Whether `key` (under `pagePrefix(bucket)`) is a page of `bucket` itself, not of a bucket whose name goes
 * on past it ("#lobby!x" under "#lobby"): the room of a message that came by sync is any text.
 */
export function isPageOf(key: string, bucket: string): boolean {
  return key.length === pagePrefix(bucket).length + ORDER_LENGTH;
}

/** The newest place of a page, from its key, in the form that sorts as display order does. */
export function pageNewestOrder(key: string): string {
  return key.slice(-ORDER_LENGTH);
}

export function bucketKey(bucket: string): string {
  return `b!${bucket}`;
}

export function vectorKey(origin: string): string {
  return `v!${origin}`;
}

/** The upper bound of a prefix range: every key that starts with `prefix` sorts below it. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\xff`;
}

/** The display bucket of a message: its room, or the one bucket of private messages. */
export function bucketOf(message: Pick<StoredMessage, 'room'> & Partial<Pick<StoredMessage, 'topic'>>): string {
  if (message.topic === true && message.room !== null) return topicBucket(message.room);
  return message.room ?? PRIVATE_BUCKET;
}

/**
 * The bucket of a room's topics: apart from its lines (a room's history and catch-up show lines, and the
 * topic shown is the newest of these, read as one page's last place). Rooms start with '#', so no room or
 * other bucket is called this.
 */
export function topicBucket(room: string): string {
  return `~${room}`;
}

/** The value of a v! key. */
export interface VectorEntry {
  /** The highest seq held with no gap below it. */
  held: number;
  /** The highest seq held at all. */
  top: number;
  /**
   * Bytes of the origin's runs (each message's bytes and its length prefix). Unknown in an entry written
   * before it was kept (16 bytes long): the store counts it again from the runs when it opens.
   */
  bytes?: number;
}

export function writeVectorEntry({ held, top, bytes }: VectorEntry): Uint8Array {
  const buf = Buffer.alloc(bytes === undefined ? 16 : 24);
  buf.writeBigUInt64BE(BigInt(held));
  buf.writeBigUInt64BE(BigInt(top), 8);
  if (bytes !== undefined) buf.writeBigUInt64BE(BigInt(bytes), 16);
  return buf;
}

export function readVectorEntry(bytes: Uint8Array): VectorEntry {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const entry: VectorEntry = { held: Number(buf.readBigUInt64BE()), top: Number(buf.readBigUInt64BE(8)) };
  if (buf.length >= 24) entry.bytes = Number(buf.readBigUInt64BE(16));
  return entry;
}
