import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nickKey } from '../chat/names.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

/** A node this one has seen online, and the seal key its private messages are sealed to. */
export interface KnownKey {
  nodeId: string;
  /** Its nick when last seen. */
  nick: string;
  sealKey: Buffer;
}

/**
 * The seal keys of nodes seen online, kept in the data folder, so that a private message to someone who
 * is offline now can still be sealed to them, stored, and delivered when their node next syncs
 * (issue 17 item 8). A key enters the book only once proven (identity/node-keys.ts provenSealKey: signed
 * by the key its node id hashes), so the book holds nothing a relay could have swapped. A history alone
 * cannot give a seal key: it is derived from the node's private key, and messages carry the public
 * signing key only. At most `max` nodes, the ones seen least lately leaving first.
 */
export class SealKeyBook {
  readonly #keys = new Map<string, KnownKey>();
  readonly #max: number;

  constructor(known: Iterable<KnownKey> = [], max = DEFAULT_LIMITS.knownSealKeys) {
    this.#max = max;
    for (const key of known) this.#put(key);
  }

  /** Records a node seen with its proven key; true when that changed the book (it needs saving). */
  see(nodeId: string, nick: string, sealKey: Buffer): boolean {
    const held = this.#keys.get(nodeId);
    const last = [...this.#keys.keys()].at(-1);
    if (held !== undefined && held.nick === nick && held.sealKey.equals(sealKey) && last === nodeId) return false;
    this.#put({ nodeId, nick, sealKey });
    return true;
  }

  get(nodeId: string): KnownKey | undefined {
    return this.#keys.get(nodeId);
  }

  /** The node last seen with `nick` (compared as the relay compares nicks), if any. */
  byNick(nick: string): KnownKey | undefined {
    const key = nickKey(nick);
    let found: KnownKey | undefined;
    for (const known of this.#keys.values()) if (nickKey(known.nick) === key) found = known;
    return found;
  }

  get size(): number {
    return this.#keys.size;
  }

  toJSON(): { nodeId: string; nick: string; sealKey: string }[] {
    return [...this.#keys.values()].map((k) => ({ nodeId: k.nodeId, nick: k.nick, sealKey: k.sealKey.toString('hex') }));
  }

  #put(key: KnownKey): void {
    this.#keys.delete(key.nodeId); // seen last: the newest
    this.#keys.set(key.nodeId, key);
    for (const oldest of this.#keys.keys()) {
      if (this.#keys.size <= this.#max) break;
      this.#keys.delete(oldest);
    }
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
      const { nodeId, nick, sealKey } = entry as Record<string, unknown>;
      if (typeof nodeId !== 'string' || !/^[0-9a-f]{64}$/.test(nodeId) || typeof nick !== 'string' || typeof sealKey !== 'string' || !/^[0-9a-f]{64}$/.test(sealKey)) continue;
      known.push({ nodeId, nick, sealKey: Buffer.from(sealKey, 'hex') });
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
