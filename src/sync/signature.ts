import { hash, type KeyObject, sign, verify } from 'node:crypto';
import { ed25519PublicKey, type Identity, nodeIdOf } from '../identity/identity.js';
import type { StoredMessage } from '../store/history-store.js';
import { lanchat } from '../wire/protobuf.js';

/**
 * Signed messages. A message is signed once by its author and never re-encoded: the signature is the last
 * field of its encoding, over everything before it (see ChatMessage in the proto). Each message also
 * names the hash of its author's previous one, so a run of consecutive messages is proven by hashing them
 * and checking the signature of the newest alone: 500 messages cost one Ed25519 verification, not 500.
 */

const MESSAGE_DOMAIN = 'lanchat message\0';
/** Field 15, wire type 2 (0x7a), then length 64 (0x40), then the signature. */
const SIGNATURE_HEADER = Buffer.from([0x7a, 0x40]);
const SIGNATURE_TRAILER_BYTES = SIGNATURE_HEADER.length + 64;

export function messageHash(bytes: Uint8Array): Buffer {
  // The one-shot hash: a sync hashes every message it receives, and a Hash object costs twice the hashing.
  return hash('sha256', bytes, 'buffer');
}

/**
 * The same hash as a latin1 string (a char per byte), for comparing and keying: a string costs half
 * what a Buffer does to return (0.45 against 1 µs here), and hashing 190 bytes costs 0.1 µs.
 */
export function messageHashString(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'binary'); // 'binary' is latin1
}

/** Whether `hash` (from messageHashString) is `bytes`. */
function hashIs(hash: string, bytes: Uint8Array): boolean {
  if (bytes.length !== hash.length) return false;
  for (let i = 0; i < bytes.length; i++) if (hash.charCodeAt(i) !== bytes[i]) return false;
  return true;
}

/** What the author signs: the message bound to its network, so it cannot be replayed into another one. */
function signedInput(network: string, unsigned: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${MESSAGE_DOMAIN}${network}\0`), unsigned]);
}

/** Encodes and signs a message of `identity`'s (its author key is filled in); returns its wire bytes. */
export function signMessage(message: lanchat.ChatMessage.$Shape, identity: Pick<Identity, 'publicKeyRaw' | 'privateKey'>, network: string): Buffer {
  const unsigned = lanchat.ChatMessage.encode({ ...message, authorKey: identity.publicKeyRaw, signature: undefined }).finish();
  const signature = sign(null, signedInput(network, unsigned), identity.privateKey);
  return Buffer.concat([unsigned, SIGNATURE_HEADER, signature]);
}

export interface Refusal {
  message: StoredMessage;
  reason: string;
}

/** What verifyMessages finds: the messages proven authentic, and those refused with a reason. */
export interface Verdict {
  accepted: StoredMessage[];
  refused: Refusal[];
}

/**
 * Sorts `messages` (decoded, any origins, any order) into those proven authentic for `network` and those
 * refused with a reason. Checks per message: the author key hashes to the origin, a signature trails the
 * encoding, and the chain field is well formed; then per run of consecutive, hash-linked messages of one
 * origin, the newest one's signature. A run whose newest signature fails loses that message only, and
 * the rest of the run is checked again from its new newest. In one go: for a batch of many origins, where
 * every one costs a signature check, verify-sliced.ts gives the event loop a turn between checks.
 */
export function verifyMessages(messages: readonly StoredMessage[], network: string): Verdict {
  const steps = verifySteps(messages, network);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * verifyMessages as steps: the generator pauses after each signature check (≈155 µs here, the one cost
 * that grows with the number of origins in a batch), so its caller decides when the rest runs.
 */
export function* verifySteps(messages: readonly StoredMessage[], network: string): Generator<void, Verdict, void> {
  const accepted: StoredMessage[] = [];
  const refused: Refusal[] = [];
  const byOrigin = new Map<string, StoredMessage[]>();
  const authorOf = lastAuthor();
  for (const m of messages) {
    const problem = structureProblem(m, authorOf);
    if (problem !== undefined) {
      refused.push({ message: m, reason: problem });
      continue;
    }
    let list = byOrigin.get(m.origin);
    if (list === undefined) byOrigin.set(m.origin, (list = []));
    list.push(m);
  }
  for (const list of byOrigin.values()) {
    list.sort((a, b) => a.seq - b.seq);
    for (const run of hashLinkedRuns(list)) {
      while (run.length > 0) {
        const holds = signatureHolds(run.at(-1)!, network);
        yield;
        if (holds) {
          accepted.push(...run);
          break;
        }
        refused.push({ message: run.pop()!, reason: 'bad signature' });
      }
    }
  }
  return { accepted, refused };
}

/** Splits one origin's messages (in seq order) where seq skips or `prev` does not hash the one before. */
function hashLinkedRuns(list: StoredMessage[]): StoredMessage[][] {
  const runs: StoredMessage[][] = [];
  let run: StoredMessage[] = [];
  let previousHash = '';
  for (const m of list) {
    const last = run.at(-1);
    const linked = last !== undefined && m.seq === last.seq + 1 && hashIs(previousHash, m.prev!);
    if (!linked && run.length > 0) {
      runs.push(run);
      run = [];
    }
    run.push(m);
    previousHash = messageHashString(m.bytes);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

function structureProblem(m: StoredMessage, authorOf: (key: Uint8Array) => Author): string | undefined {
  const { authorKey, prev } = m;
  if (!authorKey || authorKey.length !== 32 || authorOf(authorKey).origin !== m.origin) {
    return 'author key does not match its origin';
  }
  const b = m.bytes;
  if (b.length <= SIGNATURE_TRAILER_BYTES || b[b.length - 66] !== 0x7a || b[b.length - 65] !== 0x40) return 'unsigned';
  if (m.seq === 1 ? prev && prev.length > 0 : !prev || prev.length !== 32) return 'bad chain field';
  return undefined;
}

function signatureHolds(m: StoredMessage, network: string): boolean {
  const b = m.bytes;
  const unsigned = b.subarray(0, b.length - SIGNATURE_TRAILER_BYTES);
  const signature = b.subarray(b.length - 64);
  const signer = author(m.authorKey!);
  signer.key ??= ed25519PublicKey(m.authorKey!);
  return verify(null, signedInput(network, unsigned), signer.key, signature);
}

interface Author {
  /** The node id the key stands for, hex. */
  origin: string;
  /** Imported on the first signature check (a message proven by a chain needs none). */
  key?: KeyObject;
}

/** author(), remembering the last key asked for: a batch brings runs of one author's messages. */
function lastAuthor(): (authorKey: Uint8Array) => Author {
  let lastKey: Buffer | undefined;
  let last: Author | undefined;
  return (authorKey) => {
    const key = Buffer.from(authorKey.buffer, authorKey.byteOffset, authorKey.length);
    if (last === undefined || !key.equals(lastKey!)) {
      last = author(key);
      lastKey = key;
    }
    return last;
  };
}

const authors = new Map<string, Author>();
const MAX_CACHED_AUTHORS = 4_096;

/** What an author key stands for, cached: a sync brings thousands of messages per author. */
function author(authorKey: Uint8Array): Author {
  const raw = Buffer.from(authorKey.buffer, authorKey.byteOffset, authorKey.length).toString('latin1');
  let found = authors.get(raw);
  if (found === undefined) {
    found = { origin: nodeIdOf(authorKey).toString('hex') };
    if (authors.size >= MAX_CACHED_AUTHORS) authors.delete(authors.keys().next().value!);
    authors.set(raw, found);
  }
  return found;
}
