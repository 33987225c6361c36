import type { Identity } from '../../src/identity/identity.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';

/** `count` signed, chained room messages of `identity`, seqs from `from`, as its member would write them. */
export function authored(identity: Identity, network: string, count: number, { from = 1, room = '#lobby', prev, nick = 'n' }: { from?: number; room?: string; prev?: Buffer; nick?: string } = {}): Buffer[] {
  const out: Buffer[] = [];
  let last = prev;
  for (let seq = from; seq < from + count; seq++) {
    const bytes = signMessage({ origin: identity.nodeId, seq, time: 1_700_000_000_000 + seq, counter: 0, nick, room, text: `line ${seq}`, prev: last }, identity, network);
    out.push(bytes);
    last = messageHash(bytes);
  }
  return out;
}
