/**
 * Text a peer wrote (a nick, a line, a room name, a leave reason, an error sentence from the relay) made
 * safe to show. A terminal acts on control characters: ESC starts a sequence that can clear the screen,
 * retitle the window (OSC) or move the cursor, 0x9B is the same CSI in one byte, BEL rings, CR and
 * backspace overwrite what is already shown, LF forges a line of its own. Bidirectional overrides and
 * isolates reorder what follows them, so `<bob> nac uoy` can read as something else; invisible format
 * characters make two strings look alike and differ.
 *
 * Each face (line mode, `lanchat history`, the full-screen UI, and any other that shows text to a
 * person) passes every peer-written string through `safeText` before drawing it. What it replaces is
 * replaced with something visible, so an attempt shows as one, and nothing of it reaches the terminal:
 * - C0 controls and DEL become their Control Pictures (ESC → ␛, BEL → ␇, LF → ␊): one column each, they
 *   say which control was sent, and unlike caret notation (`^[`) they cannot be typed as plain ASCII
 *   that looks the same. A tab becomes a space, as the UI lays text out in columns.
 * - C1 controls, which have no pictures, and bidi embeddings, overrides and isolates, whose only use in
 *   a one-line chat message is to reorder it, become U+FFFD.
 * - Bidi marks (LRM, RLM, ALM) and other invisible characters are removed: they are zero-width by design
 *   and right-to-left text reads the same without them. Joiners and variation selectors stay, as emoji
 *   and several scripts need them, and so do the tag characters of a flag emoji (🏴 with tags).
 */

export const REPLACEMENT = '\ufffd';

interface Rule {
  /** What the rule is for, in words (the tests name their cases with it). */
  readonly what: string;
  /** A regular expression source (`u` flag, no capturing groups) for one character or one kept sequence. */
  readonly pattern: string;
  /** What the matched text becomes. */
  readonly replace: (match: string) => string;
}

const keep = (match: string): string => match;
const replacement = (): string => REPLACEMENT;
const removed = (): string => '';

/** Checked in order: the first rule that matches at a position decides. */
export const SAFE_TEXT_RULES: readonly Rule[] = [
  { what: 'a flag emoji tag sequence is kept', pattern: String.raw`\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F}`, replace: keep },
  { what: 'a tab becomes a space', pattern: String.raw`\t`, replace: () => ' ' },
  {
    what: 'C0 controls and DEL become control pictures',
    pattern: String.raw`[\x00-\x1f\x7f]`,
    replace: (c) => (c === '\x7f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0))),
  },
  { what: 'C1 controls (0x9B is CSI) become U+FFFD', pattern: String.raw`[\x80-\x9f]`, replace: replacement },
  { what: 'bidi embeddings, overrides and isolates become U+FFFD', pattern: String.raw`[\u202a-\u202e\u2066-\u2069]`, replace: replacement },
  { what: 'line and paragraph separators become U+FFFD', pattern: String.raw`[\u2028\u2029]`, replace: replacement },
  { what: 'a lone surrogate becomes U+FFFD', pattern: String.raw`\p{Cs}`, replace: replacement },
  { what: 'bidi marks are removed', pattern: String.raw`[\u200e\u200f\u061c]`, replace: removed },
  { what: 'interlinear annotation controls are removed', pattern: String.raw`[\ufff9-\ufffb]`, replace: removed },
  {
    // Default_Ignorable_Code_Point: zero-width space, word joiner, BOM, soft hyphen, Hangul fillers, tags...
    what: 'other invisible characters are removed',
    pattern: String.raw`(?![\u200c\u200d\u034f\u17b4\u17b5\u180b-\u180d\u180f\ufe00-\ufe0f\u{e0100}-\u{e01ef}])\p{Default_Ignorable_Code_Point}`,
    replace: removed,
  },
];

const MATCHER = new RegExp(SAFE_TEXT_RULES.map((r) => `(${r.pattern})`).join('|'), 'gu');
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
/** The same characters, with no sequence kept whole (a flag's tags are escaped too): what `safeJson` escapes. */
const CHANGED = new RegExp(SAFE_TEXT_RULES.filter((r) => r.replace !== keep).map((r) => `(?:${r.pattern})`).join('|'), 'gu');

/** `text` with nothing a terminal would act on and nothing invisible that changes how it reads. */
export function safeText(text: string): string {
  if (!NOT_PRINTABLE_ASCII.test(text)) return text; // most chat: a quick scan instead of the rules
  return text.replace(MATCHER, (match: string, ...groups: unknown[]) => {
    const rule = SAFE_TEXT_RULES[groups.findIndex((g) => g !== undefined)];
    return rule === undefined ? match : rule.replace(match);
  });
}

/**
 * JSON for a terminal or a log: the same value as JSON.stringify, with every character that `safeText`
 * would change (and a flag's invisible tags) written as a \u escape. JSON.stringify escapes C0 controls but writes DEL, C1 controls,
 * bidi controls and invisible characters as they are; a program reading the JSON still gets the exact text.
 */
export function safeJson(value: object): string {
  return JSON.stringify(value).replace(CHANGED, (match) => {
    let out = '';
    for (let i = 0; i < match.length; i++) out += `\\u${match.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
