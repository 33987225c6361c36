import { generateKeyPairSync } from 'node:crypto';
import { type Identity, nodeIdOf } from '../../src/identity/identity.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';

/** `count` signed, chained room messages of `identity`, seqs from `from`, as its member would write them. */
export function authored(identity: Pick<Identity, 'nodeId' | 'publicKeyRaw' | 'privateKey'>, network: string, count: number, { from = 1, room = '#lobby', prev, nick = 'n' }: { from?: number; room?: string; prev?: Buffer; nick?: string } = {}): Buffer[] {
  const out: Buffer[] = [];
  let last = prev;
  for (let seq = from; seq < from + count; seq++) {
    const bytes = signMessage({ origin: identity.nodeId, seq, time: 1_700_000_000_000 + seq, counter: 0, nick, room, text: `line ${seq}`, prev: last }, identity, network);
    out.push(bytes);
    last = messageHash(bytes);
  }
  return out;
}

/** A key that signs messages, and no more (an ephemeralIdentity also derives a seal key: 5 times the cost). */
export type Author = Pick<Identity, 'nodeId' | 'nodeIdHex' | 'publicKeyRaw' | 'privateKey'>;

/** A fresh author; with `prefix`, one whose node id (hex) starts with it, ground by trying keys. */
export function freshAuthor(prefix = ''): Author {
  for (;;) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    // The raw key ends the SPKI encoding (a fixed 12-byte header before it).
    const publicKeyRaw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
    const nodeId = nodeIdOf(publicKeyRaw);
    const nodeIdHex = nodeId.toString('hex');
    if (nodeIdHex.startsWith(prefix)) return { nodeId, nodeIdHex, publicKeyRaw, privateKey };
  }
}

/** One signed line from each of `count` fresh authors: a history that has seen `count` origins. */
export function oneLineEach(count: number, network: string, room = '#lobby'): Buffer[] {
  return Array.from({ length: count }, () => authored(freshAuthor(), network, 1, { room })[0]!);
}
