import type { Notice, NoticeCode, Problem } from '../chat/views.js';
import type { NoticeReport, ProblemReport } from './chat-session.js';

/**
 * TRANSITION: the node's notices and problems as data, whether the node sends today's form (a code and a
 * sentence: `text` for a notice, `message` for a problem) or the data forms of chat/views.ts (with the
 * sentence still attached while the faces move to ui/words.ts). Delete this file with `LegacyWords`, once
 * every emitter sends data only; the node's events then go to the faces as they are.
 */

/** A notice as the node emits it: a code, its data when it has them, and perhaps its sentence. */
export interface NodeNotice {
  readonly code: string;
  readonly text?: string;
}

/** A problem as the node emits it: a code, its data when it has them, and perhaps its sentence. */
export interface NodeProblem {
  readonly code: string;
  readonly message?: string;
  readonly suggestion?: string;
}

type LocalProblem = Exclude<Problem, { remote: unknown }>;
type LocalCode = LocalProblem['code'];

/** The fields each notice needs to be worded from its data (optional ones are not listed). */
const NOTICE_FIELDS: { readonly [C in NoticeCode]: readonly Exclude<keyof Extract<Notice, { code: C }>, 'code'>[] } = {
  OPEN: [],
  SECRET: [],
  LOOKING: [],
  RELAY_LOST: ['relay', 'reason'],
  HANDING_OVER: ['host', 'port'],
  TWO_FORCED: ['keeper', 'host'],
  MDNS_TROUBLE: ['detail'],
  NICK_KEY_CHANGED: ['nick', 'nodeId', 'pinned', 'proven'],
  CAUGHT_UP: ['count', 'shown', 'away'],
};

/** The same for the problems this node words itself; any other code is the relay's, worded by the relay. */
const PROBLEM_FIELDS: { readonly [C in LocalCode]: readonly Exclude<keyof Extract<LocalProblem, { code: C }>, 'code'>[] } = {
  NOT_IN_ROOM: ['room'],
  NO_SUCH_NICK: ['nick', 'reason'],
  ROOM_INVALID: ['room'],
  NICK_INVALID: ['nick', 'rule'],
  TEXT_INVALID: ['maxBytes'],
  CONNECT_FAILED: ['undelivered'],
  STORE_FAILED: ['what', 'count', 'cause'],
  BAD_SIGNATURE: ['what', 'reason'],
  BAD_IDENTITY: ['host', 'port'],
  WRONG_SECRET: ['host', 'port', 'network', 'cause'],
  BAD_FRAME: ['detail'],
  USAGE: ['detail'],
};

export function noticeOf(raw: NodeNotice): NoticeReport {
  const { text, ...data } = raw;
  if (hasFields<Notice>(NOTICE_FIELDS, data)) return { notice: data };
  // Today's node: the code and its sentence, without the data. Faces take the code from `notice` and the
  // words from `legacyText` (ui/words.ts noticeSentence), never the missing fields.
  return { notice: data as Notice, ...(text === undefined ? {} : { legacyText: text }) };
}

export function problemOf(raw: NodeProblem): ProblemReport {
  const { message, suggestion, ...data } = raw;
  if ('remote' in data) return { problem: data as Problem }; // the data form of a relay's refusal
  if (Object.hasOwn(PROBLEM_FIELDS, data.code)) {
    if (hasFields<LocalProblem>(PROBLEM_FIELDS, data)) return { problem: data };
    // As for notices: the code is right, the words are the node's.
    return { problem: data as Problem, ...(message === undefined ? {} : { legacyText: message }) };
  }
  // A code only the relay words (NICK_IN_USE, TOO_MANY_ROOMS...): its own words are the data.
  return { problem: { code: data.code, remote: { message: message ?? '', ...(suggestion === undefined ? {} : { suggestion }) } } };
}

/** `data` carries every field its code needs, by `table`: it can be worded from its data alone. */
function hasFields<T extends { code: string }>(table: { readonly [code: string]: readonly PropertyKey[] }, data: { code: string }): data is T {
  const fields = Object.hasOwn(table, data.code) ? table[data.code] : undefined;
  return fields !== undefined && fields.every((field) => (data as Record<PropertyKey, unknown>)[field] !== undefined);
}
