/**
 * Pure parts of searching the history (search-scan.ts): what a query looks for, and finding it in a run's
 * bytes without decoding its messages.
 *
 * A message matches a query when its text, lower-cased, holds the query, lower-cased (String
 * toLowerCase: case-insensitive for every script). Most messages do not match, so the scan first looks
 * for the query's longest ASCII part (its anchor) in the raw bytes, ASCII case folded: a message whose
 * bytes do not hold the anchor cannot match, and only those that do are decoded and checked whole.
 * (A text whose only spelling of an ASCII letter is a character that lower-cases to it, such as the
 * Kelvin sign for "k", is passed over: the price of not decoding a million messages.)
 */

/** A query as the scan uses it. */
export interface SearchNeedle {
  /** The query lower-cased: what a decoded text must hold. */
  lower: string;
  /** Its longest ASCII part, lower-cased, as UTF-8 bytes; undefined when it has none (every message is decoded). */
  anchor: Uint8Array | undefined;
}

export function searchNeedle(query: string): SearchNeedle {
  const lower = query.toLowerCase();
  let best = '';
  for (const part of lower.split(/[^\x00-\x7f]+/)) if (part.length > best.length) best = part;
  return { lower, anchor: best === '' ? undefined : Buffer.from(best, 'latin1') };
}

/** Whether `text` holds the needle (the check a candidate passes after decoding). */
export function textMatches(text: string, needle: SearchNeedle): boolean {
  return text.toLowerCase().includes(needle.lower);
}

const A = 0x41;
const Z = 0x5a;

/** An ASCII byte lower-cased; every other byte as it is. */
function fold(byte: number): number {
  return byte >= A && byte <= Z ? byte | 0x20 : byte;
}

/**
 * The first index in `hay[from, end)` where `anchor` (lower-case ASCII) stands, ASCII case folded;
 * -1 if nowhere. One pass over the bytes: a tight loop on a typed array, no allocation.
 */
export function findFolded(hay: Uint8Array, anchor: Uint8Array, from = 0, end = hay.length): number {
  const n = anchor.length;
  if (n === 0) return from <= end ? from : -1;
  const first = anchor[0]!;
  const letter = first >= 0x61 && first <= 0x7a;
  const last = end - n;
  for (let i = from; i <= last; i++) {
    const byte = hay[i]!;
    // For a letter, | 0x20 maps exactly its two cases onto it (0x41-0x5a and 0x61-0x7a).
    if ((letter ? byte | 0x20 : byte) !== first) continue;
    let k = 1;
    while (k < n && fold(hay[i + k]!) === anchor[k]) k++;
    if (k === n) return i;
  }
  return -1;
}

/**
 * Whether the encoded ChatMessage `bytes[start, end)` has a recipient (field 7): a private message, whose
 * text is sealed, so no anchor can be seen in its bytes. Walks the field tags only; bytes that are not a
 * well-formed message answer false (the store holds none: every message was decoded before it was stored).
 */
export function hasRecipient(bytes: Uint8Array, start: number, end: number): boolean {
  let at = start;
  while (at < end) {
    const [tag, afterTag] = varint(bytes, at, end);
    if (afterTag < 0) return false;
    const field = tag >>> 3;
    if (field === RECIPIENT) return true;
    switch (tag & 7) {
      case 0: {
        const [, next] = varint(bytes, afterTag, end);
        if (next < 0) return false;
        at = next;
        break;
      }
      case 1:
        at = afterTag + 8;
        break;
      case 2: {
        const [length, next] = varint(bytes, afterTag, end);
        if (next < 0) return false;
        at = next + length;
        break;
      }
      case 5:
        at = afterTag + 4;
        break;
      default:
        return false;
    }
  }
  return false;
}

/** ChatMessage.to (proto/lanchat.proto). */
const RECIPIENT = 7;

/**
 * A varint (up to 64 bits, as a time or a seq may be; its value exact below 2^53, as tags and lengths
 * are) and the index after it; next -1 when cut short or longer than ten bytes.
 */
function varint(bytes: Uint8Array, at: number, end: number): [value: number, next: number] {
  let value = 0;
  for (let shift = 0; shift < 70; shift += 7) {
    if (at >= end) return [0, -1];
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
  }
  return [0, -1];
}
