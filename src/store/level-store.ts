import { Level } from 'level';
import { LanchatError } from '../wire/errors.js';
import { lanchat } from '../wire/protobuf.js';
import type { HistoryStore, StoredMessage, VersionVector } from './history-store.js';
import {
  messageKey,
  messageKeyOfIndex,
  messagePrefix,
  prefixEnd,
  roomKey,
  roomPrefix,
  timeKey,
  vectorKey,
} from './keys.js';

/** The history store on LevelDB (`level`), in `<data folder>/history`. */
export class LevelHistoryStore implements HistoryStore {
  readonly #db: Level<string, Uint8Array>;

  private constructor(db: Level<string, Uint8Array>) {
    this.#db = db;
  }

  static async open(location: string): Promise<LevelHistoryStore> {
    const db = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new LanchatError('DATA_DIR_IN_USE', `the history in ${location} is open in another lanchat`, { cause: err });
      }
      throw err;
    }
    return new LevelHistoryStore(db);
  }

  async append(encoded: readonly Uint8Array[]): Promise<StoredMessage[]> {
    // Every message is checked before anything is written: a bad batch changes nothing.
    const incoming = new Map<string, StoredMessage>();
    for (const bytes of encoded) {
      const stored = decodeStored(bytes);
      incoming.set(messageKey(stored.origin, stored.seq), stored);
    }
    if (incoming.size === 0) return [];
    const keys = [...incoming.keys()];
    const existing = await this.#db.getMany(keys);
    const fresh = keys.filter((_, i) => existing[i] === undefined).map((key) => incoming.get(key)!);
    if (fresh.length === 0) return [];
    const batch = this.#db.batch();
    for (const m of fresh) {
      batch.put(messageKey(m.origin, m.seq), m.bytes);
      batch.put(timeKey(m.time, m.counter, m.origin, m.seq), EMPTY);
      if (m.message.target === 'room' && m.message.room) {
        batch.put(roomKey(m.message.room, m.time, m.counter, m.origin, m.seq), EMPTY);
      }
    }
    await batch.write();
    await this.#advanceVectors(new Set(fresh.map((m) => m.origin)));
    return fresh;
  }

  async has(origin: string, seq: number): Promise<boolean> {
    return (await this.#db.get(messageKey(origin, seq))) !== undefined;
  }

  async lastSeq(origin: string): Promise<number> {
    for await (const key of this.#db.keys({ gte: messagePrefix(origin), lt: prefixEnd(messagePrefix(origin)), reverse: true, limit: 1 })) {
      return Number.parseInt(key.slice(key.lastIndexOf('!') + 1), 16);
    }
    return 0;
  }

  async versionVector(): Promise<VersionVector> {
    const vector: VersionVector = new Map();
    for await (const [key, value] of this.#db.iterator({ gte: 'v!', lt: prefixEnd('v!') })) {
      vector.set(key.slice(2), readSeq(value));
    }
    return vector;
  }

  async since(origin: string, after: number, limit: number): Promise<StoredMessage[]> {
    const found: StoredMessage[] = [];
    const range = { gt: messageKey(origin, after), lt: prefixEnd(messagePrefix(origin)), limit };
    for await (const value of this.#db.values(range)) found.push(decodeStored(value));
    return found;
  }

  async latest({ limit, room }: { limit: number; room?: string }): Promise<StoredMessage[]> {
    const prefix = room === undefined ? 't!' : roomPrefix(room);
    const indexKeys: string[] = [];
    for await (const key of this.#db.keys({ gte: prefix, lt: prefixEnd(prefix), reverse: true, limit })) {
      indexKeys.push(key);
    }
    indexKeys.reverse();
    const values = await this.#db.getMany(indexKeys.map(messageKeyOfIndex));
    return values.filter((v): v is Uint8Array => v !== undefined).map(decodeStored);
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.#db.keys({ gte: 't!', lt: prefixEnd('t!') })) n++;
    return n;
  }

  close(): Promise<void> {
    return this.#db.close();
  }

  /** Moves each origin's vector entry up past every seq now held without a gap. */
  async #advanceVectors(origins: Set<string>): Promise<void> {
    const batch = this.#db.batch();
    for (const origin of origins) {
      const stored = await this.#db.get(vectorKey(origin));
      const start = stored === undefined ? 0 : readSeq(stored);
      let next = start + 1;
      for await (const key of this.#db.keys({ gte: messageKey(origin, next), lt: prefixEnd(messagePrefix(origin)) })) {
        if (Number.parseInt(key.slice(key.lastIndexOf('!') + 1), 16) !== next) break;
        next++;
      }
      if (next - 1 > start) batch.put(vectorKey(origin), writeSeq(next - 1));
    }
    await batch.write();
  }
}

const EMPTY = new Uint8Array(0);

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

function writeSeq(seq: number): Uint8Array {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(seq));
  return buf;
}

function readSeq(bytes: Uint8Array): number {
  return Number(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readBigUInt64BE());
}
