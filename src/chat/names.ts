import type { NickRule } from './views.js';

/**
 * Rules for nicknames and room names, shared by the relay that enforces them and the member that checks
 * user input before sending it.
 */

export const MAX_NICK_LENGTH = 32;
export const MAX_ROOM_LENGTH = 50;
export const DEFAULT_ROOM = '#lobby';

const NICK_PATTERN = /^[\p{L}\p{N}_\-[\]{}^`|.]+$/u;
const ROOM_PATTERN = /^#[\p{L}\p{N}_\-.]+$/u;

/** Nicks compare case-insensitively: "Bob" and "bob" are the same person. */
export function nickKey(nick: string): string {
  return nick.normalize('NFC').toLowerCase();
}

/** Which rule `nick` breaks, or undefined when it is acceptable. */
export function nickRule(nick: string): NickRule | undefined {
  if (nick.length === 0) return 'empty';
  if ([...nick].length > MAX_NICK_LENGTH) return 'too-long';
  if (!NICK_PATTERN.test(nick)) return 'characters';
  return undefined;
}

/** Why `nick` is not acceptable, or undefined when it is. */
export function nickProblem(nick: string): string | undefined {
  switch (nickRule(nick)) {
    case 'empty':
      return 'a nick cannot be empty';
    case 'too-long':
      return `a nick has at most ${MAX_NICK_LENGTH} characters`;
    case 'characters':
      return 'a nick is letters, digits and _-[]{}^`|. only (no spaces, no # or @)';
    case undefined:
      return undefined;
  }
}

/** Accepts "dev" or "#Dev" and returns the canonical "#dev"; undefined when it cannot be a room name. */
export function normalizeRoom(input: string): string | undefined {
  const room = (input.startsWith('#') ? input : `#${input}`).normalize('NFC').toLowerCase();
  if ([...room].length > MAX_ROOM_LENGTH || !ROOM_PATTERN.test(room)) return undefined;
  return room;
}

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

/** Makes a usable nick out of anything (an OS user name may contain spaces or be empty). */
export function sanitizeNick(input: string): string {
  const cleaned = [...input.normalize('NFC')]
    .map((ch) => (NICK_PATTERN.test(ch) ? ch : '_'))
    .slice(0, MAX_NICK_LENGTH)
    .join('');
  return cleaned.replace(/^_+$/, '') || 'anon';
}
