import { isUtf8 } from 'node:buffer';
import { ChatMessageField as Field } from '../wire/generated/fields.js';
import { LanchatError } from '../wire/errors.js';
import { lanchat, Reader } from '../wire/protobuf.js';
import { MAX_PLACE_VALUE } from './display-page.js';
import type { ShownFields, StoredMessage } from './history-store.js';

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * Reads one stored or incoming message; throws BAD_FRAME for anything unusable. Only what storing and
 * verifying need is read out (a catch-up takes thousands a second); the rest is checked as well formed,
 * so the whole message, decoded when first asked for, decodes.
 */
export function decodeStored(bytes: Uint8Array): StoredMessage {
  const stored = new DecodedMessage(bytes);
  try {
    readFields(stored);
  } catch (err) {
    if (err instanceof LanchatError) throw err;
    throw new LanchatError('BAD_FRAME', `undecodable message: ${(err as Error).message}`, { cause: err });
  }
  if (stored.origin === '' || !isPlaceValue(stored.seq) || stored.seq < 1) {
    throw new LanchatError('BAD_FRAME', 'a message needs a 32-byte origin and a seq from 1 below 2^48');
  }
  // Time 0 is no clock lanchat keeps.
  if (!isPlaceValue(stored.time) || stored.time < 1 || !Number.isSafeInteger(stored.counter)) {
    throw new LanchatError('BAD_FRAME', 'a message needs a valid time');
  }
  return stored;
}

/**
 * The fields of a ChatMessage that storing and verifying use. Every other field is checked as protobufjs
 * would decode it: strings are valid UTF-8, nested messages decode; a known field of the wrong wire type
 * (which lanchat never writes) is refused rather than guessed at.
 */
function readFields(into: DecodedMessage): void {
  const { bytes } = into;
  // A Buffer reads fields in place: strings and hex without a view per field.
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const reader = Reader.create(buffer);
  let room: string | null = null;
  // A sub-message that comes twice merges into the first, as protobufjs reads it: decoding both joined does that.
  let to: Buffer | undefined;
  let sealed: Buffer | undefined;
  while (reader.pos < reader.len) {
    const tag = reader.tag();
    const field = tag >>> 3;
    const wireType = tag & 7;
    switch (field) {
      case Field.origin: {
        const [start, end] = span(reader, field, wireType);
        into.origin = end - start === 32 ? lastOrigin.read(buffer, start, end) : '';
        into.originAt = start;
        break;
      }
      case Field.seq:
        expectWireType(field, wireType, VARINT);
        into.seq = reader.uint64() as unknown as number; // a number: src/wire/protobuf.ts
        break;
      case Field.time:
        expectWireType(field, wireType, VARINT);
        into.time = reader.uint64() as unknown as number;
        break;
      case Field.counter:
        expectWireType(field, wireType, VARINT);
        into.counter = reader.uint32();
        break;
      case Field.authorKey:
        into.authorKey = bytesField(reader, field, wireType);
        break;
      case Field.prev:
        into.prev = bytesField(reader, field, wireType);
        break;
      case Field.sealKey:
        into.sealKey = bytesField(reader, field, wireType);
        break;
      case Field.sealKeySignature:
        into.sealKeySignature = bytesField(reader, field, wireType);
        break;
      case Field.room:
      case Field.nick:
      case Field.text: {
        const [start, end] = span(reader, field, wireType);
        if (!isText(buffer, start, end)) throw new LanchatError('BAD_FRAME', `undecodable message: field ${field} is not UTF-8`);
        if (field === Field.room) room = lastRoom.read(buffer, start, end);
        // Nick and text are read when shown: a catch-up shows the latest few of thousands.
        else if (field === Field.nick) [into.nickStart, into.nickEnd] = [start, end];
        else [into.textStart, into.textEnd] = [start, end];
        break;
      }
      case Field.to: {
        const part = buffer.subarray(...span(reader, field, wireType));
        to = to === undefined ? part : Buffer.concat([to, part]);
        into.to = lanchat.Recipient.decode(to);
        into.isPrivate = true;
        break;
      }
      case Field.sealed: {
        const part = buffer.subarray(...span(reader, field, wireType));
        sealed = sealed === undefined ? part : Buffer.concat([sealed, part]);
        into.sealed = lanchat.Sealed.decode(sealed);
        break;
      }
      case Field.signature:
        span(reader, field, wireType);
        break;
      case Field.action:
        expectWireType(field, wireType, VARINT);
        into.action = reader.bool();
        break;
      case Field.topic:
        expectWireType(field, wireType, VARINT);
        into.topic = reader.bool();
        break;
      default:
        reader.skipType(wireType, 0, field);
    }
  }
  if (into.isPrivate && room !== null) throw new LanchatError('BAD_FRAME', 'a message is for a room or for a person, not both');
  // The body is a oneof too: protobufjs keeps the last of the two and drops the other, which would show
  // a text the whole message does not have. No lanchat writes both.
  if (sealed !== undefined && into.textStart >= 0) throw new LanchatError('BAD_FRAME', 'a message has a text or a sealed body, not both');
  into.room = room || null;
}

/**
 * A field's last value, decoded: a batch brings runs of one origin's messages in one room, so comparing
 * the bytes with the last ones saves decoding them, and the batch's messages share one string.
 */
class LastString {
  readonly #encoding: BufferEncoding;
  #bytes = Buffer.alloc(0);
  #text: string | undefined;

  constructor(encoding: BufferEncoding) {
    this.#encoding = encoding;
  }

  read(buffer: Buffer, start: number, end: number): string {
    const last = this.#bytes;
    let same = this.#text !== undefined && last.length === end - start;
    for (let i = 0; same && i < last.length; i++) same = last[i] === buffer[start + i];
    if (!same) {
      this.#bytes = Buffer.from(buffer.subarray(start, end));
      this.#text = buffer.toString(this.#encoding, start, end);
    }
    return this.#text!;
  }
}

const lastOrigin = new LastString('hex');
const lastRoom = new LastString('utf8');

function expectWireType(field: number, actual: number, expected: number): void {
  if (actual !== expected) throw new LanchatError('BAD_FRAME', `undecodable message: field ${field} has wire type ${actual}`);
}

function bytesField(reader: InstanceType<typeof Reader>, field: number, wireType: number): Uint8Array {
  expectWireType(field, wireType, LENGTH_DELIMITED);
  return reader.bytes();
}

/** Where a length-delimited field's bytes are, skipped over. */
function span(reader: InstanceType<typeof Reader>, field: number, wireType: number): [start: number, end: number] {
  expectWireType(field, wireType, LENGTH_DELIMITED);
  const length = reader.size();
  const start = reader.pos;
  reader.skip(length);
  return [start, start + length];
}

/** Valid UTF-8, as protobufjs requires of a string. Chat is mostly ASCII: that is checked in place. */
function isText(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buffer[i]! >= 0x80) return isUtf8(buffer.subarray(i, end));
  return true;
}

/** Seqs and times are stored in 48 bits (display pages); a larger one is no message lanchat wrote. */
function isPlaceValue(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_PLACE_VALUE;
}

/** A message as read by decodeStored: filled in by readFields, then only read (as a StoredMessage). */
class DecodedMessage implements StoredMessage {
  /** Hex; empty until a 32-byte origin is read. */
  origin = '';
  seq = 0;
  time = 0;
  counter = 0;
  room: string | null = null;
  isPrivate = false;
  topic = false;
  action = false;
  authorKey: Uint8Array | undefined;
  prev: Uint8Array | undefined;
  sealKey: Uint8Array | undefined;
  sealKeySignature: Uint8Array | undefined;
  readonly bytes: Uint8Array;
  /** Where the last origin field's bytes start; nick and text, where the last of each is (-1: none). */
  originAt = 0;
  nickStart = -1;
  nickEnd = -1;
  textStart = -1;
  textEnd = -1;
  /** Decoded to check them, and kept: only private messages have them. */
  to: lanchat.Recipient | undefined;
  sealed: lanchat.Sealed | undefined;
  #message: lanchat.ChatMessage | undefined;
  #shown: ShownFields | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get message(): lanchat.ChatMessage {
    return (this.#message ??= lanchat.ChatMessage.decode(this.bytes));
  }

  get shown(): ShownFields {
    return (this.#shown ??= this.#readShown());
  }

  #readShown(): ShownFields {
    const { bytes } = this;
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const text = (start: number, end: number): string | undefined => (start < 0 ? undefined : buffer.toString('utf8', start, end));
    return {
      origin: buffer.subarray(this.originAt, this.originAt + 32),
      seq: this.seq,
      time: this.time,
      nick: text(this.nickStart, this.nickEnd),
      room: this.room,
      to: this.to,
      text: text(this.textStart, this.textEnd),
      sealed: this.sealed,
      ...(this.action ? { action: true } : {}),
      ...(this.topic ? { topic: true } : {}),
      ...(this.sealKey === undefined ? {} : { sealKey: this.sealKey }),
      ...(this.sealKeySignature === undefined ? {} : { sealKeySignature: this.sealKeySignature }),
    };
  }
}
