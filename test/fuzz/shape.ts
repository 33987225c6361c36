import type { Identity } from '../../src/identity/identity.js';
import { signMessage } from '../../src/sync/signature.js';
import { encodeMessageFrame, messageBytesOfFrame } from '../../src/wire/codec.js';
import { DEFAULT_LIMITS } from '../../src/wire/limits.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { CAROL, DAVE, FUZZ_NETWORK, MALLORY } from './corpus.js';
import { framed, readVarint } from './mutate.js';
import type { Rng } from './random.js';

/**
 * Field-level mutation: a frame is decoded, one of its fields (at any depth) gets a strange value of its
 * own type, and it is encoded again. Unlike byte mutation, the result always decodes, so it reaches the
 * handlers with values they must refuse or survive: empty and oversized strings, ids of the wrong length
 * or of someone else, numbers past 2^32 and 2^53, lists emptied or repeated.
 *
 * Chat messages are signed: one that mallory or carol wrote is signed again after the change (the
 * corpus holds their keys), as an insider would, so strange values also get past verification into the
 * store. Others keep their old signature and must be refused.
 */

const STRINGS = [
  '', ' ', '#', '#lobby', '#LOBBY', 'lobby', '#fuzz', 'mallory', 'MALLORY', 'carol', '\u0000', 'a\nb', '\u202emirror', 'é', '😀',
  '#'.padEnd(51, 'r'), 'n'.repeat(33), 'x'.repeat(3_000), '127.0.0.1', '::1', 'NICK_IN_USE', '__proto__', 'constructor',
  // Just under the frame limit on its own: whatever a peer builds around it (a roster, a welcome) is not.
  'x'.repeat(DEFAULT_LIMITS.frameBytes - 160),
];
const NUMBERS = [0, 1, 2, 3, 0x7f, 0x80, 0xffff, 0x7fff_ffff, 0xffff_ffff, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 63, -1, 1.5];
const IDS = [MALLORY.nodeId, CAROL.nodeId, DAVE.nodeId];

type Container = Record<string | number, unknown>;
interface Slot {
  owner: Container;
  key: string | number;
  value: unknown;
}

function isMessageObject(value: unknown): value is Container {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value);
}

/** Every field set in `message`, nested ones and list entries included. */
function slotsOf(message: Container, depth = 6, out: Slot[] = []): Slot[] {
  for (const key of Object.keys(message)) {
    const value = message[key];
    if (value === null || value === undefined) continue;
    out.push({ owner: message, key, value });
    if (depth === 0) continue;
    if (Array.isArray(value)) {
      value.forEach((entry, i) => {
        if (isMessageObject(entry)) slotsOf(entry, depth - 1, out);
        else out.push({ owner: value as unknown as Container, key: i, value: entry });
      });
    } else if (isMessageObject(value)) {
      slotsOf(value, depth - 1, out);
    }
  }
  return out;
}

function strangeValue(value: unknown, rng: Rng): unknown {
  if (typeof value === 'string') return rng.pick(STRINGS);
  if (typeof value === 'number') return rng.pick(NUMBERS);
  if (typeof value === 'boolean') return !value;
  if (value instanceof Uint8Array) {
    switch (rng.below(5)) {
      case 0:
        return Buffer.alloc(0);
      case 1:
        return rng.bytes(rng.pick([1, 31, 33, 64]));
      case 2:
        return rng.bytes(value.length);
      default:
        return rng.pick(IDS);
    }
  }
  if (Array.isArray(value)) {
    switch (rng.below(5)) {
      case 0:
        return [];
      case 1:
        return [...value, ...value];
      case 2:
        return value.slice(1);
      case 3:
        return value.length === 0 ? value : Array.from({ length: rng.between(2, 200) }, () => value[0]);
      default:
        return [...value].reverse();
    }
  }
  return null; // a nested message: dropped
}

function mutateFields(message: Container, rng: Rng): boolean {
  const slots = slotsOf(message);
  if (slots.length === 0) return false;
  const steps = rng.between(1, 2);
  for (let i = 0; i < steps; i++) {
    const slot = rng.pick(slots);
    slot.owner[slot.key] = strangeValue(slot.value, rng);
  }
  return true;
}

function signerOf(authorKey: Uint8Array | null | undefined): Identity | undefined {
  if (!authorKey) return undefined;
  return [MALLORY, CAROL].find((identity) => identity.publicKeyRaw.equals(authorKey));
}

/** A chat message's bytes with a field changed; signed again when its author's key is at hand. */
function mutateChatMessage(bytes: Uint8Array, rng: Rng): Uint8Array {
  const message = lanchat.ChatMessage.decode(bytes);
  const signer = signerOf(message.authorKey);
  mutateFields(message as unknown as Container, rng);
  if (signer !== undefined && rng.chance(0.7)) return signMessage({ ...message }, signer, FUZZ_NETWORK);
  return lanchat.ChatMessage.encode(message).finish();
}

/**
 * `payload` (a valid frame, no length prefix) with a field changed, or undefined when the frame has no
 * field to change or will not encode with the change.
 */
export function mutateShape(payload: Uint8Array, rng: Rng): Buffer | undefined {
  let frame: lanchat.Frame;
  try {
    frame = lanchat.Frame.decode(payload);
  } catch {
    return undefined;
  }
  try {
    if (frame.kind === 'message') {
      const whole = encodeMessageFrame(mutateChatMessage(messageBytesOfFrame(framed(payload)), rng));
      return whole.subarray(readVarint(whole, 0)!.bytes);
    }
    if (frame.kind === 'syncBatch' && frame.syncBatch?.messages?.length && rng.chance(0.5)) {
      const messages = frame.syncBatch.messages;
      const i = rng.below(messages.length);
      messages[i] = mutateChatMessage(messages[i]!, rng);
    } else if (!mutateFields(frame as unknown as Container, rng)) {
      return undefined;
    }
    const out = lanchat.Frame.encode(frame).finish();
    return Buffer.from(out.buffer, out.byteOffset, out.length);
  } catch {
    return undefined;
  }
}

