import { LanchatError } from '../wire/errors.js';
import { lanchat } from '../wire/protobuf.js';
import type { StoredMessage } from './history-store.js';

/** Decodes and checks one stored or incoming message; throws BAD_FRAME for anything unusable. */
export function decodeStored(bytes: Uint8Array): StoredMessage {
  let message: lanchat.ChatMessage;
  try {
    message = lanchat.ChatMessage.decode(bytes);
  } catch (err) {
    throw new LanchatError('BAD_FRAME', `undecodable message: ${(err as Error).message}`, { cause: err });
  }
  const origin = message.origin;
  if (!(origin instanceof Uint8Array) || origin.length !== 32 || !Number.isSafeInteger(message.seq) || message.seq < 1) {
    throw new LanchatError('BAD_FRAME', 'a message needs a 32-byte origin and a seq from 1');
  }
  if (!Number.isSafeInteger(message.time) || message.time < 0 || !Number.isSafeInteger(message.counter)) {
    throw new LanchatError('BAD_FRAME', 'a message needs a valid time');
  }
  return {
    origin: Buffer.from(origin).toString('hex'),
    seq: message.seq,
    time: message.time,
    counter: message.counter,
    message,
    bytes,
  };
}
