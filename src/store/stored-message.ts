import { LanchatError } from '../wire/errors.js';
import { lanchat } from '../wire/protobuf.js';
import { MAX_PLACE_VALUE } from './display-page.js';
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
  if (!(origin instanceof Uint8Array) || origin.length !== 32 || !isPlaceValue(message.seq) || message.seq < 1) {
    throw new LanchatError('BAD_FRAME', 'a message needs a 32-byte origin and a seq from 1 below 2^48');
  }
  if (!isPlaceValue(message.time) || !Number.isSafeInteger(message.counter)) {
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

/** Seqs and times are stored in 48 bits (display pages); a larger one is no message lanchat wrote. */
function isPlaceValue(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= MAX_PLACE_VALUE;
}
