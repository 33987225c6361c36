import { MAX_CLOCK_SKEW_MS } from '../chat/clock.js';
import { nickRule, normalizeRoom } from '../chat/names.js';
import type { ErrorCode } from '../wire/errors.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
const MAX_TEXT_BYTES = DEFAULT_LIMITS.textBytes;
const MAX_TOPIC_BYTES = DEFAULT_LIMITS.topicBytes;

/**
 * The rules a chat message must keep that can be checked from the message alone, whoever brings it: the
 * relay checks a live line before it forwards it, and every node checks each message it stores (live or
 * by sync, see Replica.ingest). One function for both paths, so a line the relay refuses live cannot be
 * pushed in by a sync batch instead. What needs context (the sender's session, the rooms it is in, its
 * clock) is checked by the caller. Signatures are not checked here: see signature.ts.
 */

/** The fields the rules read: a protobufjs-decoded ChatMessage or a stored message's `shown` fields. */
export interface MessageFields {
  seq?: number | null;
  time?: number | null;
  nick?: string | null;
  room?: string | null;
  text?: string | null;
  /**
   * "/me" on a room line. A private action is sealed with its text (chat/private-action.ts); the flag on a
   * private line, as the previous version wrote them, is still accepted, new or not: these rules hold for
   * what a sync brings too, and cannot tell a line written today by a node not yet upgraded from one
   * stored last year. Refused, such a line would leave a gap in its author's chain that every sync asks for again.
   */
  action?: boolean | null;
  /** The room's topic, in `text`: on a room line only, at most MAX_TOPIC_BYTES, never an action. */
  topic?: boolean | null;
  to?: { nodeId?: Uint8Array | null; nick?: string | null } | null;
  sealed?: {
    ephemeralKey?: Uint8Array | null;
    nonce?: Uint8Array | null;
    ciphertext?: Uint8Array | null;
    forRecipient?: Uint8Array | null;
    forSender?: Uint8Array | null;
  } | null;
  /** The author's seal key and its signature (identity/node-keys.ts): both or neither, of their sizes. */
  sealKey?: Uint8Array | null;
  sealKeySignature?: Uint8Array | null;
}

/** Which rule a message breaks. */
export type MessageRule =
  | 'seq' // a seq from 1
  | 'time' // a time after the epoch
  | 'nick' // the author's nick passes nickRule
  | 'target' // a room, or a recipient, exactly one of them
  | 'room' // a canonical room name (normalizeRoom gives it back unchanged)
  | 'text' // a room line: 1 to MAX_TEXT_BYTES bytes of text
  | 'topic' // a topic: a room line of 1 to MAX_TOPIC_BYTES bytes, not an action
  | 'recipient' // a private line: a 32-byte recipient node id and a valid recipient nick
  | 'sealed' // a private line: a sealed body, each part no bigger than seal.ts makes it, and no text in clear
  | 'sealKey'; // the author's seal key: none, or a 32-byte key with its 64-byte signature

export interface MessageProblem {
  rule: MessageRule;
  /** The code a refusal carries on the wire (the relay's error frame). */
  code: ErrorCode;
  /** What is wrong, in words, for logs and the relay's error message. */
  detail: string;
}

/** Sizes seal.ts gives a private message's parts: an X25519 key, a nonce, a key wrap of 32 bytes plus a tag. */
const SEAL_TAG_BYTES = 16;
const SEALED_PART_MAX: Readonly<Record<'ephemeralKey' | 'nonce' | 'forRecipient' | 'forSender', number>> = {
  ephemeralKey: 32,
  nonce: 12,
  forRecipient: 32 + SEAL_TAG_BYTES,
  forSender: 32 + SEAL_TAG_BYTES,
};
/** An X25519 public key, and an Ed25519 signature. */
const SEAL_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
/** A sealed text is the text's bytes plus the tag: a private line is as long as a room line at most. */
export const MAX_SEALED_TEXT_BYTES = MAX_TEXT_BYTES + SEAL_TAG_BYTES;

/** The first rule `m` breaks, or undefined when it keeps them all. Pure: no clock, no state. */
export function messageProblem(m: MessageFields): MessageProblem | undefined {
  return kindProblem(m) ?? sealKeyProblem(m);
}

function kindProblem(m: MessageFields): MessageProblem | undefined {
  const seq = m.seq ?? 0;
  if (!Number.isSafeInteger(seq) || seq < 1) return { rule: 'seq', code: 'BAD_FRAME', detail: `seq ${seq} is not a seq (they count from 1)` };
  const time = m.time ?? 0;
  if (!Number.isSafeInteger(time) || time < 1) return { rule: 'time', code: 'BAD_FRAME', detail: `time ${time} is not a time` };
  const nick = m.nick ?? '';
  const nickBroken = nickRule(nick);
  if (nickBroken !== undefined) return { rule: 'nick', code: 'NICK_INVALID', detail: `the author's nick breaks the rule: ${nickBroken}` };
  const room = m.room ?? '';
  const hasRoom = room !== '';
  if (hasRoom === (m.to !== null && m.to !== undefined)) {
    return { rule: 'target', code: 'BAD_FRAME', detail: 'a message needs a room and a text, or a recipient and a sealed body' };
  }
  const text = m.text ?? '';
  if (hasRoom) {
    if (normalizeRoom(room) !== room) return { rule: 'room', code: 'ROOM_INVALID', detail: 'the room is not a canonical room name' };
    const bytes = Buffer.byteLength(text);
    if (bytes === 0 || bytes > MAX_TEXT_BYTES) return { rule: 'text', code: 'TEXT_INVALID', detail: `a message is 1 to ${MAX_TEXT_BYTES} bytes of text, not ${bytes}` };
    if (m.sealed) return { rule: 'sealed', code: 'BAD_FRAME', detail: 'a room message has no sealed body' };
    return m.topic === true ? topicProblem(bytes, m.action === true) : undefined;
  }
  if (m.topic === true) return { rule: 'topic', code: 'BAD_FRAME', detail: 'a topic is a room\'s, not a private message' };
  const to = m.to!;
  if (!(to.nodeId instanceof Uint8Array) || to.nodeId.length !== 32 || nickRule(to.nick ?? '') !== undefined) {
    return { rule: 'recipient', code: 'BAD_FRAME', detail: 'a private message needs a 32-byte recipient node id and its nick' };
  }
  return sealedProblem(m.sealed, text);
}

/**
 * The author's seal key rides on some lines (proto ChatMessage.seal_key): X25519 and Ed25519 sizes, or
 * nothing. Only its shape is checked here; whether the author signed it is checked by whoever learns it
 * (sync/seal-key-learning.ts), when it differs from the key already held.
 */
function sealKeyProblem(m: MessageFields): MessageProblem | undefined {
  const key = m.sealKey?.length ?? 0;
  const signature = m.sealKeySignature?.length ?? 0;
  if ((key === 0 && signature === 0) || (key === SEAL_KEY_BYTES && signature === SIGNATURE_BYTES)) return undefined;
  return { rule: 'sealKey', code: 'BAD_FRAME', detail: `a seal key is ${SEAL_KEY_BYTES} bytes with a ${SIGNATURE_BYTES}-byte signature, not ${key} with ${signature}` };
}

function topicProblem(bytes: number, action: boolean): MessageProblem | undefined {
  if (action) return { rule: 'topic', code: 'BAD_FRAME', detail: 'a topic is not an action' };
  if (bytes > MAX_TOPIC_BYTES) return { rule: 'topic', code: 'TEXT_INVALID', detail: `a topic is 1 to ${MAX_TOPIC_BYTES} bytes of text, not ${bytes}` };
  return undefined;
}

function sealedProblem(sealed: MessageFields['sealed'], text: string): MessageProblem | undefined {
  const broken = (detail: string): MessageProblem => ({ rule: 'sealed', code: 'BAD_FRAME', detail });
  if (!sealed) return broken('a private message needs a sealed body');
  if (text !== '') return broken('a private message carries no text in clear');
  const cipher = sealed.ciphertext?.length ?? 0;
  if (cipher === 0 || cipher > MAX_SEALED_TEXT_BYTES) return broken(`a sealed text is 1 to ${MAX_SEALED_TEXT_BYTES} bytes, not ${cipher}`);
  for (const [part, max] of Object.entries(SEALED_PART_MAX) as [keyof typeof SEALED_PART_MAX, number][]) {
    const length = sealed[part]?.length ?? 0;
    if (length > max) return broken(`the sealed ${part} is at most ${max} bytes, not ${length}`);
  }
  return undefined;
}

/**
 * A live line timed more than MAX_CLOCK_SKEW_MS ahead of the relay's clock: refused (its author is told:
 * its clock is wrong). Only the live path refuses it: its author holds it, and a sync still brings it to
 * everyone, placed at a clamped time (clock-clamp.ts), so its chain keeps no gap.
 */
export function clockProblem(time: number, nowMs: number): MessageProblem | undefined {
  if (time <= nowMs + MAX_CLOCK_SKEW_MS) return undefined;
  return { rule: 'time', code: 'CLOCK_AHEAD', detail: `the line is timed ${Math.round((time - nowMs) / 1000)} s ahead of the relay's clock` };
}
