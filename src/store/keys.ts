/**
 * LevelDB keys of the history store. Numbers are fixed-width hex so that byte order is numeric order,
 * and every key of a kind shares a prefix, so one range scan reads one kind in order:
 *   m!<origin>!<seq>                         the message bytes (a rewrite of the same key changes nothing)
 *   t!<time>!<counter>!<origin>!<seq>        display order over everything
 *   r!<room>!<time>!<counter>!<origin>!<seq> display order within a room
 *   v!<origin>                               highest seq of origin with no gap below it
 */

const hex = (value: number, width: number): string => value.toString(16).padStart(width, '0');

/** 52-bit integers (ms times, seqs) in 13 hex digits; counters in 8. */
const num = (value: number): string => hex(value, 13);

export function messageKey(origin: string, seq: number): string {
  return `m!${origin}!${num(seq)}`;
}

export function messagePrefix(origin: string): string {
  return `m!${origin}!`;
}

export function orderSuffix(time: number, counter: number, origin: string, seq: number): string {
  return `${num(time)}!${hex(counter, 8)}!${origin}!${num(seq)}`;
}

export function timeKey(time: number, counter: number, origin: string, seq: number): string {
  return `t!${orderSuffix(time, counter, origin, seq)}`;
}

export function roomKey(room: string, time: number, counter: number, origin: string, seq: number): string {
  return `r!${room}!${orderSuffix(time, counter, origin, seq)}`;
}

export function roomPrefix(room: string): string {
  return `r!${room}!`;
}

export function vectorKey(origin: string): string {
  return `v!${origin}`;
}

/** The message key an index key points to (its last two fields). */
export function messageKeyOfIndex(indexKey: string): string {
  const parts = indexKey.split('!');
  return `m!${parts.at(-2)}!${parts.at(-1)}`;
}

/** The upper bound of a prefix range: every key that starts with `prefix` sorts below it. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\xff`;
}
