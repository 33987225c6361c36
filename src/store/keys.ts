/**
 * LevelDB keys of the history store. Numbers are fixed-width hex so that byte order is numeric order,
 * and every key of a kind shares a prefix, so one range scan reads one kind in order:
 *   m!<origin>!<seq>                           the message bytes (a rewrite of the same key changes nothing)
 *   d!<bucket>!<time>!<counter>!<origin>!<seq> display order within a bucket: a room, or '@' for private
 *                                              messages; the order of everything merges the buckets
 *   b!<bucket>                                 the buckets in use, so the merge knows what to read
 *   v!<origin>                                 highest seq of origin with no gap below it
 *   f!format                                   the layout of these keys (FORMAT)
 * Two records per message: each one costs a LevelDB write, and a sync is as fast as its writes.
 */

import type { lanchat } from '../wire/protobuf.js';

/** Format 1 had a global display index (t!) and one per room (r!); format 2 has one per bucket. */
export const FORMAT = 2;
export const FORMAT_KEY = 'f!format';

/** The bucket of private messages. Rooms start with '#', so no room is called this. */
export const PRIVATE_BUCKET = '@';

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

/** 52-bit integers (ms times, seqs) in 13 hex digits; counters in 8. */
const num = (value: number): string => hex(value, 13);

export function messageKey(origin: string, seq: number): string {
  return `m!${origin}!${num(seq)}`;
}

export function messagePrefix(origin: string): string {
  return `m!${origin}!`;
}

/** A place in display order: clock time, clock counter, then origin and seq to break ties. */
export function orderSuffix(time: number, counter: number, origin: string, seq: number): string {
  return `${num(time)}!${hex(counter, 8)}!${origin}!${num(seq)}`;
}

export function displayKey(bucket: string, time: number, counter: number, origin: string, seq: number): string {
  return `d!${bucket}!${orderSuffix(time, counter, origin, seq)}`;
}

export function displayPrefix(bucket: string): string {
  return `d!${bucket}!`;
}

export function bucketKey(bucket: string): string {
  return `b!${bucket}`;
}

export function vectorKey(origin: string): string {
  return `v!${origin}`;
}

/** The message key a display key points to (its last two fields). */
export function messageKeyOfDisplay(key: string): string {
  const parts = key.split('!');
  return `m!${parts.at(-2)}!${parts.at(-1)}`;
}

/** time!counter!origin!seq: a fixed width, so it is cut from the end whatever a bucket's name holds. */
const ORDER_LENGTH = 13 + 1 + 8 + 1 + 64 + 1 + 13;

/** A display key without its bucket: display keys of different buckets compare by this. */
export function displayOrderOf(key: string): string {
  return key.slice(-ORDER_LENGTH);
}

/** The upper bound of a prefix range: every key that starts with `prefix` sorts below it. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\xff`;
}

/** The display bucket of a message: its room, or the one bucket of private messages. */
export function bucketOf(message: lanchat.ChatMessage): string {
  return message.target === 'room' && message.room ? message.room : PRIVATE_BUCKET;
}

/** The value of a v! key. */
export interface VectorEntry {
  /** The highest seq held with no gap below it. */
  held: number;
  /** The highest seq held at all. */
  top: number;
}

export function writeVectorEntry({ held, top }: VectorEntry): Uint8Array {
  const buf = Buffer.alloc(16);
  buf.writeBigUInt64BE(BigInt(held));
  buf.writeBigUInt64BE(BigInt(top), 8);
  return buf;
}

export function readVectorEntry(bytes: Uint8Array): VectorEntry {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return { held: Number(buf.readBigUInt64BE()), top: Number(buf.readBigUInt64BE(8)) };
}
