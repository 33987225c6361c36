import { Level } from 'level';
import { LanchatError } from '../wire/errors.js';
import type { DisplayPosition, HistoryStore, StoredMessage, VersionVector } from './history-store.js';
import { decodeStored } from './stored-message.js';
import {
  messageKey,
  messageKeyOfIndex,
  messagePrefix,
  orderSuffix,
  prefixEnd,
  roomKey,
  roomPrefix,
  timeKey,
  vectorKey,
} from './keys.js';

/** The history store on LevelDB (`level`), in `<data folder>/history`. */
export class LevelHistoryStore implements HistoryStore {
  readonly #db: Level<string, Uint8Array>;
  readonly #vector: Map<string, number>;
  /** Appends, one after another: each reads the vector the previous one left. */
  #appending: Promise<unknown> = Promise.resolve();

  private constructor(db: Level<string, Uint8Array>, vector: Map<string, number>) {
    this.#db = db;
    this.#vector = vector;
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
    const vector = new Map<string, number>();
    for await (const [key, value] of db.iterator({ gte: 'v!', lt: prefixEnd('v!') })) vector.set(key.slice(2), readSeq(value));
    return new LevelHistoryStore(db, vector);
  }

  append(messages: readonly StoredMessage[], { checked = false }: { checked?: boolean } = {}): Promise<StoredMessage[]> {
    const done = this.#appending.then(() => this.#append(messages, checked));
    this.#appending = done.catch(() => undefined);
    return done;
  }

  async #append(messages: readonly StoredMessage[], checked: boolean): Promise<StoredMessage[]> {
    const fresh = checked ? messages : await this.missing(messages);
    if (fresh.length === 0) return [];
    const batch = this.#db.batch();
    for (const m of fresh) {
      batch.put(messageKey(m.origin, m.seq), m.bytes);
      batch.put(timeKey(m.time, m.counter, m.origin, m.seq), EMPTY);
      if (m.message.target === 'room' && m.message.room) {
        batch.put(roomKey(m.message.room, m.time, m.counter, m.origin, m.seq), EMPTY);
      }
    }
    // The vector moves in the same batch as the messages: a crash keeps both or neither.
    const moved = await this.#advancedVectors(fresh);
    for (const [origin, seq] of moved) batch.put(vectorKey(origin), writeSeq(seq));
    await batch.write();
    for (const [origin, seq] of moved) this.#vector.set(origin, seq);
    return [...fresh];
  }

  async missing(messages: readonly StoredMessage[]): Promise<StoredMessage[]> {
    const incoming = new Map<string, StoredMessage>();
    for (const m of messages) incoming.set(messageKey(m.origin, m.seq), m);
    if (incoming.size === 0) return [];
    const keys = [...incoming.keys()];
    const existing = await this.#db.getMany(keys);
    return keys.filter((_, i) => existing[i] === undefined).map((key) => incoming.get(key)!);
  }

  async has(origin: string, seq: number): Promise<boolean> {
    return (await this.get(origin, seq)) !== undefined;
  }

  get(origin: string, seq: number): Promise<Uint8Array | undefined> {
    return this.#db.get(messageKey(origin, seq));
  }

  async lastSeq(origin: string): Promise<number> {
    for await (const key of this.#db.keys({ gte: messagePrefix(origin), lt: prefixEnd(messagePrefix(origin)), reverse: true, limit: 1 })) {
      return Number.parseInt(key.slice(key.lastIndexOf('!') + 1), 16);
    }
    return 0;
  }

  versionVector(): VersionVector {
    return this.#vector;
  }

  async since(origin: string, after: number, limit: number): Promise<Uint8Array[]> {
    return this.#db.values({ gt: messageKey(origin, after), lt: prefixEnd(messagePrefix(origin)), limit }).all();
  }

  async latest({ limit, room, before }: { limit: number; room?: string; before?: DisplayPosition }): Promise<StoredMessage[]> {
    const prefix = room === undefined ? 't!' : roomPrefix(room);
    const end = before === undefined ? prefixEnd(prefix) : prefix + orderSuffix(before.time, before.counter, before.origin, before.seq);
    const indexKeys = await this.#db.keys({ gte: prefix, lt: end, reverse: true, limit }).all();
    indexKeys.reverse();
    const values = await this.#db.getMany(indexKeys.map(messageKeyOfIndex));
    return values.filter((v): v is Uint8Array => v !== undefined).map(decodeStored);
  }

  async count(): Promise<number> {
    let n = 0;
    for await (const _ of this.#db.keys({ gte: 't!', lt: prefixEnd('t!') })) n++;
    return n;
  }

  async close(): Promise<void> {
    await this.#appending;
    await this.#db.close();
  }

  /**
   * Where each origin's vector entry goes once `fresh` is stored: past every seq then held without a gap.
   * Seqs in the batch are looked up in memory; only the first one past them is looked for on disk (an
   * earlier out-of-order arrival).
   */
  async #advancedVectors(fresh: readonly StoredMessage[]): Promise<Map<string, number>> {
    const seqsByOrigin = new Map<string, Set<number>>();
    for (const m of fresh) {
      let seqs = seqsByOrigin.get(m.origin);
      if (seqs === undefined) seqsByOrigin.set(m.origin, (seqs = new Set()));
      seqs.add(m.seq);
    }
    const moved = new Map<string, number>();
    for (const [origin, seqs] of seqsByOrigin) {
      const start = this.#vector.get(origin) ?? 0;
      let next = start + 1;
      while (seqs.has(next) || (await this.has(origin, next))) next++;
      // Every origin gets an entry, at 0 if it has a gap at 1, so its messages are offered to others.
      if (next - 1 > start || !this.#vector.has(origin)) moved.set(origin, next - 1);
    }
    return moved;
  }
}

const EMPTY = new Uint8Array(0);

function writeSeq(seq: number): Uint8Array {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(seq));
  return buf;
}

function readSeq(bytes: Uint8Array): number {
  return Number(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readBigUInt64BE());
}
