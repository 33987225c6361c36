import type { Problem } from '../chat/views.js';
import type { KnownKey } from '../identity/seal-keys.js';

/** Whom a private line goes to: their node and seal key, and whether they are offline (a stored line for their next sync). */
export interface WhisperTarget {
  to: { nodeId: Buffer; nick: string; sealKey: Buffer };
  offline: boolean;
}

/** What /msg needs of a person online (member/roster.ts) or last seen (identity/seal-keys.ts). */
interface Person {
  nodeId: string;
  nick: string;
  sealKey?: Buffer | undefined;
}

/**
 * Where a private line to `nick` goes: the person online (`online`) if any, else the key they were last
 * seen with (`known`, asked only then), delivered by their node's next sync. A problem for this user's own nick, for
 * someone online without a seal key, for someone never seen, and for a nick seen with more than one node.
 */
export function whisperTarget(nick: string, online: Person | undefined, known: () => Pick<KnownKey, 'nodeId' | 'nick' | 'sealKey'> | 'ambiguous' | undefined, selfId: string): WhisperTarget | Problem {
  const person = online ?? known();
  if (person === 'ambiguous') return { code: 'NO_SUCH_NICK', nick, reason: 'ambiguous' };
  if (person === undefined) return { code: 'NO_SUCH_NICK', nick, reason: 'offline' };
  const shown = online === undefined ? nick : person.nick;
  if (person.nodeId === selfId) return { code: 'NO_SUCH_NICK', nick: shown, reason: 'self' };
  if (person.sealKey === undefined) return { code: 'NO_SUCH_NICK', nick: shown, reason: 'unsealable' };
  return { to: { nodeId: Buffer.from(person.nodeId, 'hex'), nick: person.nick, sealKey: person.sealKey }, offline: online === undefined };
}
