import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nickKey } from '../chat/names.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/** A node this one has seen online or in history, and the seal key its private messages are sealed to. */
export interface KnownKey {
  nodeId: string;
  /** Its nick when last seen. */
  nick: string;
  sealKey: Buffer;
  /**
   * When it was last seen, ms since the epoch: online, this node's clock; in history, the clock of the
   * line that carried the key. 0 for an entry saved before the book kept it.
   */
  at: number;
}

/**
 * The seal keys of nodes seen online or in history, kept in the data folder, so that a private message to
 * someone who is offline now can still be sealed to them, stored, and delivered when their node next
 * syncs (issue 17 item 8). A key enters the book only once proven (identity/node-keys.ts provenSealKey:
 * signed by the key its node id hashes), so the book holds nothing a relay could have swapped. Keys come
 * from the roster (node/pin-watch.ts) and from lines of history that carry them (sync/seal-key-learning.ts).
 * At most `max` nodes, the ones seen least lately (by `at`) leaving first.
 */
export class SealKeyBook {
  /** In the order entries were last put: among equal `at`, the first is the one seen least lately. */
  readonly #keys = new Map<string, KnownKey>();
  readonly #max: number;

  constructor(known: Iterable<KnownKey> = [], max = DEFAULT_LIMITS.knownSealKeys) {
    this.#max = max;
    for (const key of known) this.#put(key);
  }

  /**
   * Records a node seen online with its proven key, at `now`; true when that changed the book (it needs
   * saving). Only `at` moving on is no change worth a save: the roster is seen again at every presence.
   */
  see(nodeId: string, nick: string, sealKey: Buffer, now = Date.now()): boolean {
    const held = this.#keys.get(nodeId);
    const last = [...this.#keys.keys()].at(-1);
    if (held !== undefined && held.nick === nick && held.sealKey.equals(sealKey) && last === nodeId) {
      held.at = Math.max(held.at, now);
      return false;
    }
    this.#put({ nodeId, nick, sealKey, at: Math.max(held?.at ?? 0, now) });
    return true;
  }

  /**
   * Records a proven key carried by a line of `nodeId`'s timed `at` (its hybrid clock): taken unless the
   * book holds a newer sight of that node. A node's seal key is derived from its identity, so it never
   * changes in honest use; two proven keys that differ were both signed by the node's own key, so either
   * is genuine, and the newest by the clock wins (the same on every node, whatever order lines come in).
   * True when the book changed. The key is copied: it may be a view of a network chunk.
   */
  learn(nodeId: string, nick: string, sealKey: Uint8Array, at: number): boolean {
    const held = this.#keys.get(nodeId);
    if (held !== undefined && held.at >= at) return false;
    this.#put({ nodeId, nick, sealKey: Buffer.from(sealKey), at });
    return this.#keys.has(nodeId); // false when it was the oldest of a full book, and left at once
  }

  get(nodeId: string): KnownKey | undefined {
    return this.#keys.get(nodeId);
  }

  /**
   * The node seen with `nick` (compared as the relay compares nicks), if any; 'ambiguous' when more than one
   * node has been seen with it. Then the newest sighting is no answer: anyone can write a line under a nick
   * that is free while its owner is offline, and a private line sealed to them would go to the wrong person.
   */
  byNick(nick: string): KnownKey | 'ambiguous' | undefined {
    const key = nickKey(nick);
    let found: KnownKey | undefined;
    for (const known of this.#keys.values()) {
      if (nickKey(known.nick) !== key) continue;
      if (found !== undefined) return 'ambiguous';
      found = known;
    }
    return found;
  }

  get size(): number {
    return this.#keys.size;
  }

  toJSON(): { nodeId: string; nick: string; sealKey: string; at: number }[] {
    return [...this.#keys.values()].map((k) => ({ nodeId: k.nodeId, nick: k.nick, sealKey: k.sealKey.toString('hex'), at: k.at }));
  }

  #put(key: KnownKey): void {
    this.#keys.delete(key.nodeId); // put last: among equal `at`, the newest
    this.#keys.set(key.nodeId, key);
    if (this.#keys.size > this.#max) this.#keys.delete(this.#leastLately());
  }

  /** The entry seen least lately: the smallest `at`, the first put among equals. One pass, on overflow only. */
  #leastLately(): string {
    let oldest: KnownKey | undefined;
    for (const known of this.#keys.values()) if (oldest === undefined || known.at < oldest.at) oldest = known;
    return oldest!.nodeId;
  }
}

export const SEAL_KEYS_FILE = 'seal-keys.json';

/**
 * The keys kept in a data folder; none when the file is missing or unreadable (then only people online
 * can be sent private messages, as before the book). Entries not of the right shape are skipped.
 */
export async function loadSealKeys(dataDir: string): Promise<SealKeyBook> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, SEAL_KEYS_FILE), 'utf8')) as unknown;
    if (!Array.isArray(parsed)) return new SealKeyBook();
    const known: KnownKey[] = [];
    for (const entry of parsed as unknown[]) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { nodeId, nick, sealKey, at } = entry as Record<string, unknown>;
      if (typeof nodeId !== 'string' || !/^[0-9a-f]{64}$/.test(nodeId) || typeof nick !== 'string' || typeof sealKey !== 'string' || !/^[0-9a-f]{64}$/.test(sealKey)) continue;
      // A file written before `at` was kept: its order is the order they were seen in.
      known.push({ nodeId, nick, sealKey: Buffer.from(sealKey, 'hex'), at: Number.isSafeInteger(at) && (at as number) >= 0 ? (at as number) : 0 });
    }
    return new SealKeyBook(known);
  } catch {
    return new SealKeyBook();
  }
}

/** Written atomically: a crash leaves the old file or the new one, never half of one. */
export async function saveSealKeys(dataDir: string, book: SealKeyBook): Promise<void> {
  await writeFileAtomic(join(dataDir, SEAL_KEYS_FILE), `${JSON.stringify(book)}\n`);
}

/**
 * Saves a book whenever it changed, one save at a time: changes made while a save waits to start are
 * written by it, so a burst of changes (a sync bringing many keys) costs two writes, not one each.
 * A save that fails costs nothing now: the book is still held, and the next change writes it all.
 */
export class SealKeySaver {
  readonly #dataDir: string;
  readonly #book: SealKeyBook;
  #saving: Promise<void> = Promise.resolve();
  #queued = false;

  constructor(dataDir: string, book: SealKeyBook) {
    this.#dataDir = dataDir;
    this.#book = book;
  }

  changed(): void {
    if (this.#queued) return;
    this.#queued = true;
    this.#saving = this.#saving
      .then(() => {
        this.#queued = false;
        return saveSealKeys(this.#dataDir, this.#book);
      })
      .catch(() => undefined);
  }

  /** Resolves once the changes so far are on disk (or failed to be). */
  saved(): Promise<void> {
    return this.#saving;
  }
}
