import { describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { signMessage, verifyMessages } from '../../src/sync/signature.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { authored } from '../helpers/authored.js';

const ann = ephemeralIdentity();
const bob = ephemeralIdentity();
const verdict = (encoded: Uint8Array[], network = 'net') => {
  const { accepted, refused } = verifyMessages(encoded.map(decodeStored), network);
  return { accepted: accepted.map((m) => m.seq), refused: refused.map((r) => [r.message.seq, r.reason]) };
};

describe('message signatures and chains', () => {
  it('accepts a signed chain, in any order, mixed with another author', () => {
    const mine = authored(ann, 'net', 5);
    const theirs = authored(bob, 'net', 2);
    const result = verdict([mine[3]!, theirs[1]!, mine[0]!, mine[4]!, mine[2]!, theirs[0]!, mine[1]!]);
    expect(result.refused).toEqual([]);
    expect([...result.accepted].sort()).toEqual([1, 1, 2, 2, 3, 4, 5]);
  });

  it('refuses an altered message, keeping the rest of its chain', () => {
    const chain = authored(ann, 'net', 3);
    const altered = Buffer.from(chain[2]!);
    altered[altered.indexOf(Buffer.from('line 3'))] = 'L'.charCodeAt(0);
    expect(verdict([chain[0]!, chain[1]!, altered])).toEqual({ accepted: [1, 2], refused: [[3, 'bad signature']] });
  });

  it('refuses a message in the middle of a chain that does not hash to its successor’s prev', () => {
    const chain = authored(ann, 'net', 3);
    const forged = signMessage({ origin: ann.nodeId, seq: 2, time: 1, nick: 'n', room: '#lobby', text: 'rewritten', prev: Buffer.alloc(32) }, bob, 'net');
    // Signed by bob but claiming ann's origin: its author key does not hash to the origin.
    expect(verdict([chain[0]!, forged, chain[2]!]).refused).toEqual([[2, 'author key does not match its origin']]);
  });

  it('refuses a forgery signed with the wrong key though it names the right one', () => {
    const honest = lanchat.ChatMessage.decode(authored(ann, 'net', 1)[0]!);
    const unsigned = lanchat.ChatMessage.encode({ ...honest, text: 'forged', signature: undefined }).finish();
    const fake = Buffer.concat([unsigned, Buffer.from([0x7a, 0x40]), Buffer.alloc(64, 7)]);
    expect(verdict([fake])).toEqual({ accepted: [], refused: [[1, 'bad signature']] });
  });

  it('refuses an unsigned message, and one replayed from another network', () => {
    const plain = lanchat.ChatMessage.encode({ origin: ann.nodeId, seq: 1, time: 1, room: '#lobby', text: 'x', authorKey: ann.publicKeyRaw }).finish();
    expect(verdict([plain]).refused).toEqual([[1, 'unsigned']]);
    expect(verdict(authored(ann, 'elsewhere', 2), 'net')).toEqual({ accepted: [], refused: [[2, 'bad signature'], [1, 'bad signature']] });
  });

  it('judges alone each message that no longer hashes into its chain', () => {
    const chain = authored(ann, 'net', 50);
    // Break the signature of every message but the newest: their hashes change, the links to their
    // successors break, and each must then stand on its own signature, which fails.
    const tampered = chain.map((bytes, i) => {
      if (i === chain.length - 1) return bytes;
      const copy = Buffer.from(bytes);
      copy[copy.length - 1]! ^= 0xff;
      return copy;
    });
    expect(verdict(tampered).accepted).toEqual([50]);
    expect(verdict(chain).accepted).toHaveLength(50);
  });
});
