import { DEFAULT_LIMITS } from '../wire/limits.js';

/**
 * URLs in chat lines as OSC 8 hyperlinks (`ESC ] 8 ; ; target ESC \ text ESC ] 8 ; ; ESC \`), which a
 * terminal that knows them makes clickable and one that does not ignores. Pure.
 *
 * A URL comes from a peer, so the sequence is built to be safe whatever it holds: the text was made safe
 * first (chat/safe-text.ts: no ESC, BEL or C1 control is left in it), the target is the URL as shown with
 * every byte outside printable ASCII percent-encoded (so nothing in it can end the sequence early), and a
 * link always leads where its text says: the link is the URL itself, never words over a hidden target.
 */

const OSC8 = '\x1b]8;;';
const ST = '\x1b\\';

/** A target longer than this is not linked (its text is shown as it is): wire/limits.ts says why. */
export const MAX_LINK_BYTES = DEFAULT_LIMITS.linkBytes;

/** http(s) URLs and www. addresses, as terminals' own URL detection finds them; no other scheme is linked. */
const URL_PATTERN = /(?<![\p{L}\p{N}_])(?:https?:\/\/|www\.)[^\s]+/giu;
const TRAILING = /[.,:;!?'"*_]$/;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };

export interface FoundLink {
  /** Where the URL starts and ends in the text (code units, end excluded). */
  start: number;
  end: number;
  /** Where it leads, ready for the sequence: printable ASCII only. */
  target: string;
}

/** The URLs in `text` (text already made safe), with trailing punctuation left out as terminals do. */
export function findLinks(text: string): FoundLink[] {
  const found: FoundLink[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const target = linkTarget(url);
    if (target !== undefined) found.push({ start: match.index, end: match.index + url.length, target });
  }
  return found;
}

/** A URL without the sentence's punctuation after it: `(see https://x.org/a).` links `https://x.org/a`. */
export function trimUrl(url: string): string {
  let out = url;
  for (;;) {
    const last = out.at(-1) ?? '';
    const open = PAIRS[last];
    if (TRAILING.test(last)) out = out.slice(0, -1);
    else if (open !== undefined && count(out, open) < count(out, last)) out = out.slice(0, -1);
    else return out;
  }
}

function count(text: string, ch: string): number {
  return text.split(ch).length - 1;
}

/** The target of a URL as shown: a scheme for a www. address, non-ASCII percent-encoded; undefined if not linkable. */
export function linkTarget(url: string): string | undefined {
  const scheme = /^(https?:\/\/|www\.)(.+)$/iu.exec(url);
  if (scheme === null || !/[\p{L}\p{N}]/u.test(scheme[2]!)) return undefined;
  const full = scheme[1]!.toLowerCase() === 'www.' ? `http://${url}` : url;
  let target = '';
  for (const byte of new TextEncoder().encode(full)) {
    target += byte > 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return target.length <= MAX_LINK_BYTES ? target : undefined;
}

/**
 * `text` as a hyperlink to `target`. Anything that could break out of the sequence (a target with a byte
 * outside printable ASCII, a text with a control character) gets no link: the text alone.
 */
export function hyperlink(target: string, text: string): string {
  if (!/^[\x21-\x7e]+$/.test(target) || target.length > MAX_LINK_BYTES || /[\x00-\x1f\x7f-\x9f]/.test(text)) return text;
  return `${OSC8}${target}${ST}${text}${OSC8}${ST}`;
}

/** A line of safe text with each URL in it made a hyperlink (line mode). */
export function linkify(text: string): string {
  let out = '';
  let at = 0;
  for (const link of findLinks(text)) {
    out += text.slice(at, link.start) + hyperlink(link.target, text.slice(link.start, link.end));
    at = link.end;
  }
  return out + text.slice(at);
}

/**
 * Whether to write hyperlinks to an output, as gcc decides (-fdiagnostics-urls=auto): only to a terminal,
 * never to a pipe or a file (so never in --json or a redirected `lanchat history`). LANCHAT_URLS (or
 * gcc's TERM_URLS) decides when set: `no` or empty turns them off, anything else on. Otherwise on,
 * except for terminals known to print the sequence as text: `dumb`, the Linux console (`linux`), serial
 * `vt100`/`vt220`, and the old gnome-terminal and xfce4-terminal that gcc leaves out too. NO_COLOR is not
 * asked: a hyperlink adds no colour, and LANCHAT_URLS=no turns them off.
 */
export function hyperlinksWanted(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (!isTTY) return false;
  const asked = env.LANCHAT_URLS ?? env.TERM_URLS;
  if (asked !== undefined) return asked !== '' && asked.toLowerCase() !== 'no';
  const term = env.TERM ?? '';
  if (term === '' || term === 'dumb' || term === 'linux' || term === 'vt100' || term === 'vt220') return false;
  const colorterm = env.COLORTERM ?? '';
  return colorterm !== 'gnome-terminal' && colorterm !== 'xfce4-terminal';
}
