import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nickKey } from '../chat/names.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { jsonRecord } from '../util/json-record.js';

/** Private conversations and read markers, in the data folder (issue 17 items 6 and 11). */
export const WINDOWS_FILE = 'windows.json';
/** Private conversations kept open at most (a new one closes the oldest). */
export const MAX_CONVERSATIONS = 50;
/** Read markers kept at most (rooms and conversations; the least lately read go first). */
export const MAX_READ_MARKERS = 200;

export interface WindowState {
  /** Nicks of the open private conversations, in the order opened. */
  conversations: string[];
  /** Per window (a room, or a conversation's nick): the time of the newest line its user has seen. */
  read: Record<string, number>;
}

/**
 * The open private conversations and how far each window was read, across restarts: written whole
 * through util/atomic-file.ts, one write at a time in order. A missing or damaged file is a fresh start.
 * Faces read them through the session (ChatSession.conversations, lastRead), so a browser shows the same.
 */
export class WindowMemory {
  readonly #path: string | undefined;
  #state: WindowState;
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string | undefined, state: WindowState) {
    this.#path = path;
    this.#state = state;
  }

  /** Kept in memory only (a session with no data folder of its own, as in tests). */
  static inMemory(): WindowMemory {
    return new WindowMemory(undefined, { conversations: [], read: Object.create(null) as Record<string, number> });
  }

  static async load(dataDir: string): Promise<WindowMemory> {
    const path = join(dataDir, WINDOWS_FILE);
    const text = await readFile(path, 'utf8').catch(() => '');
    return new WindowMemory(path, parseWindows(text));
  }

  get conversations(): readonly string[] {
    return this.#state.conversations;
  }

  /** Opens a conversation with `nick` (one per nick, as nicks compare); false if it was open already. */
  open(nick: string): boolean {
    if (this.#state.conversations.some((n) => nickKey(n) === nickKey(nick))) return false;
    this.#state.conversations = [...this.#state.conversations, nick].slice(-MAX_CONVERSATIONS);
    this.#save();
    return true;
  }

  /** Closes the conversation with `nick`; false if none was open. */
  close(nick: string): boolean {
    const kept = this.#state.conversations.filter((n) => nickKey(n) !== nickKey(nick));
    if (kept.length === this.#state.conversations.length) return false;
    this.#state.conversations = kept;
    this.#save();
    return true;
  }

  lastRead(window: string): number | undefined {
    return this.#state.read[window];
  }

  /** The newest line of `window` its user has seen is of `ts` (never moves back). */
  markRead(window: string, ts: number): void {
    const before = this.#state.read[window];
    if (!Number.isFinite(ts) || (before !== undefined && before >= ts)) return;
    // No prototype: a window's name is a peer's nick, and "__proto__" is one.
    const read: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, this.#state.read);
    delete read[window];
    read[window] = ts; // the newest last: the least lately read leave first
    const names = Object.keys(read);
    for (const name of names.slice(0, Math.max(0, names.length - MAX_READ_MARKERS))) delete read[name];
    this.#state.read = read;
    this.#save();
  }

  /** Resolves once what was changed so far is on disk (or failed to be). */
  saved(): Promise<void> {
    return this.#writing;
  }

  #save(): void {
    const path = this.#path;
    if (path === undefined) return;
    const text = `${JSON.stringify(this.#state)}\n`;
    // A failed write (a full disk) is not worth a word: the next one tries again.
    this.#writing = this.#writing.then(() => writeFileAtomic(path, text)).catch(() => {});
  }
}

/** The state a file's text holds; what is not a nick or a time is left out. */
export function parseWindows(text: string): WindowState {
  const record = jsonRecord(text);
  const conversations = Array.isArray(record.conversations)
    ? record.conversations.filter((n): n is string => typeof n === 'string' && n !== '' && n.length <= 64).slice(-MAX_CONVERSATIONS)
    : [];
  const read = Object.create(null) as Record<string, number>;
  if (typeof record.read === 'object' && record.read !== null) {
    for (const [name, ts] of Object.entries(record.read as Record<string, unknown>).slice(-MAX_READ_MARKERS)) {
      if (typeof ts === 'number' && Number.isFinite(ts) && name.length <= 64) read[name] = ts;
    }
  }
  return { conversations, read };
}
