import stringWidth from 'string-width';
import { safeText } from '../../chat/safe-text.js';
import { findLinks } from '../hyperlink.js';

/**
 * Text measured the way a terminal draws it: by grapheme cluster and display width (CJK and most emoji
 * take two columns, combining marks none), never by UTF-16 code unit.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Text from the network is drawn into a terminal: a peer must not be able to move the cursor, change
 * colours, retitle the window or reorder a line (chat/safe-text.ts says how each character is shown).
 */
export function sanitize(text: string): string {
  return safeText(text);
}

/** The longest prefix of `text` no wider than `width` columns, and its width. */
export function fitWidth(text: string, width: number): { head: string; width: number } {
  let used = 0;
  let head = '';
  for (const g of graphemes(text)) {
    const w = stringWidth(g);
    if (used + w > width) break;
    used += w;
    head += g;
  }
  return { head, width: used };
}

/** `text` cut to `width` columns (with an ellipsis when cut), padded with spaces to exactly `width`. */
export function padToWidth(text: string, width: number): string {
  if (width <= 0) return '';
  const full = stringWidth(text);
  if (full <= width) return text + ' '.repeat(width - full);
  const { head, width: used } = fitWidth(text, width - 1);
  return `${head}…${' '.repeat(width - 1 - used)}`;
}

/** A piece of a line with one style. */
export interface Span {
  text: string;
  style?: SpanStyle;
}

export interface SpanStyle {
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  /** A hyperlink target (ui/hyperlink.ts: printable ASCII only), painted as OSC 8 where the terminal takes it. */
  link?: string;
}

/** One screen row: spans whose widths add up to at most the row's width. */
export type Row = Span[];

/**
 * `span` split so that each URL in its text is a span of its own carrying its link (a style object of
 * its own, so wrapping never merges it with the text around it).
 */
export function linkSpans(span: Span): Span[] {
  const links = findLinks(span.text);
  if (links.length === 0) return [span];
  const out: Span[] = [];
  const piece = (text: string, style: SpanStyle | undefined): void => {
    if (text !== '') out.push(style === undefined ? { text } : { text, style });
  };
  let at = 0;
  for (const link of links) {
    piece(span.text.slice(at, link.start), span.style);
    piece(span.text.slice(link.start, link.end), { ...span.style, link: link.target });
    at = link.end;
  }
  piece(span.text.slice(at), span.style);
  return out;
}

/** A word that is a URL (scheme://…, or www.…). */
const URL_TOKEN = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+$/i;

/**
 * Wraps styled text into rows of at most `width` columns. Breaks after a space when a word does not fit;
 * a word longer than a whole row (a run of CJK) is cut where the row ends, never wider; a URL that does not
 * fit where it stands goes on a row of its own, from the first column. Rows after
 * the first start with `indent` spaces, so a message's continuation lines line up under its text.
 */
export function wrapSpans(spans: readonly Span[], width: number, indent = 0): Row[] {
  const safeWidth = Math.max(1, width);
  const hang = indent < safeWidth ? indent : 0;
  // Tokens: runs of spaces and runs of non-spaces, each keeping its span's style.
  const tokens: { text: string; style: SpanStyle | undefined; width: number; space: boolean }[] = [];
  for (const span of spans) {
    for (const part of span.text.match(/ +|[^ ]+/g) ?? []) {
      tokens.push({ text: part, style: span.style, width: stringWidth(part), space: part.startsWith(' ') });
    }
  }
  const rows: Row[] = [];
  let row: Row = [];
  let used = 0;
  const push = (text: string, style: SpanStyle | undefined, w: number): void => {
    const last = row.at(-1);
    if (last !== undefined && last.style === style) last.text += text;
    else row.push(style === undefined ? { text } : { text, style });
    used += w;
  };
  const newRow = (): void => {
    rows.push(trimRowEnd(row));
    row = hang > 0 ? [{ text: ' '.repeat(hang) }] : [];
    used = hang;
  };
  for (const token of tokens) {
    if (token.space) {
      // Spaces at a break vanish; elsewhere they are kept, cut at the row's end.
      if (used === hang && rows.length > 0) continue;
      const w = Math.min(token.width, safeWidth - used);
      if (w > 0) push(' '.repeat(w), token.style, w);
      continue;
    }
    if (used + token.width <= safeWidth) {
      push(token.text, token.style, token.width);
      continue;
    }
    if (URL_TOKEN.test(token.text)) {
      // A URL is never cut where it stands: it starts a row of its own at the first column, and one wider
      // than the screen goes on in whole rows, so that it reads (and copies) as one piece.
      if (used > hang || (rows.length === 0 && used > 0)) rows.push(trimRowEnd(row));
      row = [];
      used = 0;
      for (const g of graphemes(token.text)) {
        const w = stringWidth(g);
        if (used + w > safeWidth && used > 0) {
          rows.push(row);
          row = [];
          used = 0;
        }
        if (w <= safeWidth) push(g, token.style, w);
      }
      continue;
    }
    if (token.width <= safeWidth - hang && used > hang) {
      newRow();
      push(token.text, token.style, token.width);
      continue;
    }
    // Too long for any row: cut it grapheme by grapheme.
    for (const g of graphemes(token.text)) {
      const w = stringWidth(g);
      if (used + w > safeWidth && used > hang) newRow();
      if (w > safeWidth - used) continue; // a wide character on a one-column row cannot be drawn
      push(g, token.style, w);
    }
  }
  rows.push(trimRowEnd(row));
  return rows;
}

function trimRowEnd(row: Row): Row {
  const out = row.map((s) => ({ ...s }));
  while (out.length > 0) {
    const last = out.at(-1)!;
    const trimmed = last.text.replace(/ +$/, '');
    if (trimmed !== '') {
      last.text = trimmed;
      break;
    }
    out.pop();
  }
  return out;
}

export function rowWidth(row: Row): number {
  return row.reduce((sum, s) => sum + stringWidth(s.text), 0);
}
