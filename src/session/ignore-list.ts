import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';

/** Who this user ignores (issue 17), in the data folder: by node id, so a new nick does not escape it. */
export const IGNORED_FILE = 'ignored.json';
/** Entries kept at most: a list for people, not a blocklist of the world. */
export const MAX_IGNORED = 1_000;

export interface IgnoredPerson {
  nodeId: string;
  /** The nick they had when ignored (for the list; what is matched is the node id). */
  nick: string;
}

/**
 * The ignore list, local to this node: nothing of it goes on the network. Written whole through
 * util/atomic-file.ts, one write at a time in order; a missing or damaged file is an empty list.
 */
export class IgnoreList {
  readonly #path: string;
  readonly #people = new Map<string, IgnoredPerson>();
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, people: readonly IgnoredPerson[]) {
    this.#path = path;
    for (const person of people) this.#people.set(person.nodeId, person);
  }

  static async load(dataDir: string): Promise<IgnoreList> {
    const path = join(dataDir, IGNORED_FILE);
    const text = await readFile(path, 'utf8').catch(() => '');
    return new IgnoreList(path, parseIgnored(text));
  }

  /** Oldest first. */
  get people(): IgnoredPerson[] {
    return [...this.#people.values()];
  }

  has(nodeId: string): boolean {
    return this.#people.has(nodeId);
  }

  /** Adds (or renames) a person; resolves once the file holds it. */
  add(person: IgnoredPerson): Promise<void> {
    this.#people.delete(person.nodeId);
    this.#people.set(person.nodeId, person);
    while (this.#people.size > MAX_IGNORED) this.#people.delete(this.#people.keys().next().value!);
    return this.#save();
  }

  /** False when `nodeId` was not ignored. */
  remove(nodeId: string): boolean {
    if (!this.#people.delete(nodeId)) return false;
    void this.#save();
    return true;
  }

  /** Resolves once the writes asked so far are done (or failed: a full disk is not worth a word). */
  saved(): Promise<void> {
    return this.#writing;
  }

  #save(): Promise<void> {
    const text = serializeIgnored(this.people);
    this.#writing = this.#writing.then(() => writeFileAtomic(this.#path, text)).catch(() => {});
    return this.#writing;
  }
}

export function serializeIgnored(people: readonly IgnoredPerson[]): string {
  return `${JSON.stringify({ people: people.map(({ nodeId, nick }) => ({ nodeId, nick })) })}\n`;
}

/** The people a file's text holds; entries without a 64-hex node id are left out, a damaged file is empty. */
export function parseIgnored(text: string): IgnoredPerson[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  const people = typeof raw === 'object' && raw !== null ? (raw as { people?: unknown }).people : undefined;
  if (!Array.isArray(people)) return [];
  const seen = new Set<string>();
  const result: IgnoredPerson[] = [];
  for (const entry of people.slice(-MAX_IGNORED)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { nodeId, nick } = entry as Record<string, unknown>;
    if (typeof nodeId !== 'string' || !/^[0-9a-f]{64}$/.test(nodeId) || seen.has(nodeId)) continue;
    seen.add(nodeId);
    result.push({ nodeId, nick: typeof nick === 'string' ? nick : '' });
  }
  return result;
}
