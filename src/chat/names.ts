import { skeleton } from './confusables.js';
import { mixedScripts } from './scripts.js';
import type { NickRule } from './views.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/**
 * Rules for nicknames and room names, shared by the relay that enforces them and the member that checks
 * user input before sending it.
 */

export const MAX_NICK_LENGTH = DEFAULT_LIMITS.nickChars;
export const MAX_ROOM_LENGTH = DEFAULT_LIMITS.roomChars;
export const DEFAULT_ROOM = '#lobby';

const NICK_PATTERN = /^[\p{L}\p{N}_\-[\]{}^`|.]+$/u;
const ROOM_PATTERN = /^#[\p{L}\p{N}_\-.]+$/u;

/**
 * The key two nicks are compared by: equal keys are the same nick to the relay (one holder at a time) and
 * to the nick pins. Nicks that look alike share a key: case is ignored ("Bob", "bob"), compatibility forms
 * are folded (fullwidth "ｗａｔｃｈ", "ﬁ"), and confusable characters map to one prototype (Cyrillic "wаtch",
 * "b0b", "rn" for "m"), after UTS #39's skeleton. Case is folded first, as nicks ignore it: so "I" and "l",
 * confusable in some fonts, stay apart ("i" and "l" do not look alike). A key is never shown.
 */
export function nickKey(nick: string): string {
  const cached = keys.get(nick);
  if (cached !== undefined) return cached;
  // One pass can leave a foldable or mappable prototype ("M" becomes "m", then "rn"): repeat until stable
  // (three passes at most for every character, measured over all of Unicode).
  let key = nick;
  for (let pass = 0; pass < 4; pass++) {
    const next = foldCase(skeleton(foldCase(key.normalize('NFKC'))));
    if (next === key) break;
    key = next;
  }
  if (keys.size >= KEY_CACHE_SIZE) keys.delete(keys.keys().next().value!);
  keys.set(nick, key);
  return key;
}

/** Full case folding as far as JavaScript has it: "ß" and "ẞ" become "ss", final sigma a sigma. */
function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** Keys of the nicks seen lately: a roster lookup compares one nick with every other. */
const keys = new Map<string, string>();
const KEY_CACHE_SIZE = 4_096;

/** Display order for nick lists: alphabetical, ignoring case and accents (a key is for equality only). */
export function compareNicks(a: string, b: string): number {
  return a.localeCompare(b, undefined, { sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}

const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
/** Made when first needed: making it costs tens of ms, at every start otherwise. */
let scriptNames: Intl.DisplayNames | undefined;

/** Which rule `nick` breaks, or undefined when it is acceptable. */
export function nickRule(nick: string): NickRule | undefined {
  if (nick.length === 0) return 'empty';
  if ([...nick].length > MAX_NICK_LENGTH) return 'too-long';
  if (!NICK_PATTERN.test(nick)) return 'characters';
  // Letters that draw as nothing (Hangul fillers): a blank nick, or one that looks like another.
  if (INVISIBLE.test(nick)) return 'invisible';
  if (mixedScripts(nick) !== undefined) return 'mixed-scripts';
  return undefined;
}

/** Why `nick` is not acceptable, or undefined when it is. */
export function nickProblem(nick: string): string | undefined {
  const rule = nickRule(nick);
  return rule === undefined ? undefined : nickRuleWords(rule, nick);
}

/**
 * The words of a broken nick rule: said by the relay in its refusals (old nodes show them as they are)
 * and by this node's faces (ui/words.ts), so one sentence serves both.
 */
export function nickRuleWords(rule: NickRule, nick: string): string {
  switch (rule) {
    case 'empty':
      return 'a nick cannot be empty';
    case 'too-long':
      return `a nick has at most ${MAX_NICK_LENGTH} characters`;
    case 'characters':
      return 'a nick is letters, digits and _-[]{}^`|. only (no spaces, no # or @)';
    case 'invisible':
      return 'a nick has no invisible characters';
    case 'mixed-scripts': {
      const names = (mixedScripts(nick) ?? []).map((code) => (scriptNames ??= new Intl.DisplayNames(['en'], { type: 'script' })).of(code) ?? code);
      return `a nick is written in one script, not a mix (this one mixes ${names.join(' and ')}): a mix is how lookalike nicks are made`;
    }
  }
}

/** Accepts "dev" or "#Dev" and returns the canonical "#dev"; undefined when it cannot be a room name. */
export function normalizeRoom(input: string): string | undefined {
  const room = (input.startsWith('#') ? input : `#${input}`).normalize('NFC').toLowerCase();
  if ([...room].length > MAX_ROOM_LENGTH || !ROOM_PATTERN.test(room)) return undefined;
  return room;
}

/** Why `input` is no room name: said by the relay in its refusals and by this node's faces (ui/words.ts). */
export function roomProblem(input: string): string {
  return `"${input}" is not a room name: # followed by up to ${MAX_ROOM_LENGTH - 1} letters, digits, _ - or .`;
}

/** The first of nick2, nick3, ... that `isTaken` rejects, kept within the length limit. */
export function suggestNick(nick: string, isTaken: (candidate: string) => boolean): string {
  const base = nick.replace(/\d+$/, '') || nick;
  for (let n = 2; ; n++) {
    const suffix = String(n);
    const candidate = [...base].slice(0, MAX_NICK_LENGTH - suffix.length).join('') + suffix;
    if (!isTaken(candidate)) return candidate;
  }
}

/** Makes a usable nick out of anything (an OS user name may contain spaces, be empty, or mix scripts). */
export function sanitizeNick(input: string): string {
  const cleaned = [...input.normalize('NFC')]
    .map((ch) => (NICK_PATTERN.test(ch) && !INVISIBLE.test(ch) ? ch : '_'))
    .slice(0, MAX_NICK_LENGTH)
    .join('');
  const nick = cleaned.replace(/^_+$/, '') || 'anon';
  return nickProblem(nick) === undefined ? nick : 'anon';
}
