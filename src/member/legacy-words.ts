import { nickProblem, roomProblem } from '../chat/names.js';
import type { Problem as ProblemData } from '../chat/views.js';
import type { ErrorCode } from '../wire/errors.js';

/** A problem as the faces read it today: a code and a sentence (and a relay's suggestion). */
export interface Problem {
  code: ErrorCode | string;
  message: string;
  suggestion?: string;
}

/**
 * The member's problems as it emits them for now: the data of chat/views.ts `Problem`, with the sentence
 * it said before problems were data (the faces and their tests read it), and a relay's suggestion.
 */
export type WordedProblem = ProblemData & Problem;

/**
 * Today's sentence for each problem the member reports, byte for byte. Temporary: the faces (ui/) are to
 * word Problem data themselves, and this file then goes.
 */
export function legacyWords(problem: ProblemData): string {
  if ('remote' in problem) return problem.remote.message;
  switch (problem.code) {
    case 'NOT_IN_ROOM':
      if (problem.asked === 'say') return 'you are in no room; /join #room first';
      if (problem.asked === 'who') return 'you are in no room; /who #room';
      return `you are not in ${problem.room ?? 'any room'}`;
    case 'NO_SUCH_NICK':
      if (problem.reason === 'self') return 'that is you';
      if (problem.reason === 'unsealable') return `${problem.nick} has no proven seal key; a private message to them cannot be sealed`;
      return `no one called ${problem.nick} is online`;
    case 'ROOM_INVALID':
      return roomProblem(problem.room);
    case 'NICK_INVALID':
      return nickProblem(problem.nick) ?? '';
    case 'TEXT_INVALID':
      return `a message is 1 to ${problem.maxBytes} bytes of text`;
    case 'CONNECT_FAILED':
      return `${problem.undelivered} line(s) not delivered yet: no relay reachable. They are kept and go out when lanchat next meets a relay.`;
    case 'STORE_FAILED':
      return problem.what === 'own'
        ? `${problem.count} line(s) could not be stored and were not sent: ${problem.cause}`
        : `${problem.count} message(s) could not be stored: ${problem.cause}`;
    case 'BAD_SIGNATURE': {
      if (problem.what === 'sync') return `refused a sync batch from the relay: ${problem.reason}; nothing of it was stored`;
      const from = problem.origin === undefined ? 'a member' : `node ${problem.origin.slice(0, 16)}`;
      return `refused a message from ${from} (seq ${problem.seq ?? '?'}): ${problem.reason}`;
    }
    case 'BAD_IDENTITY':
      return `the relay at ${problem.host}:${problem.port} does not prove its node id`;
    case 'WRONG_SECRET':
      return problem.cause === 'mismatch'
        ? `wrong secret for network "${problem.network}": ${problem.detail ?? ''}`
        : `the node at ${problem.host}:${problem.port} hung up without answering: it may need a room secret (LANCHAT_SECRET or --secret-file)`;
    case 'BAD_FRAME':
    case 'USAGE':
      return problem.detail;
  }
}

/** `problem` as the member emits it for now. */
export function worded(problem: ProblemData): WordedProblem {
  if (!('remote' in problem)) return { ...problem, message: legacyWords(problem) };
  const { suggestion } = problem.remote;
  return { ...problem, message: problem.remote.message, ...(suggestion ? { suggestion } : {}) };
}
