import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeRoom } from '../chat/names.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import { jsonRecord } from '../util/json-record.js';

/** What a restart brings back, in the data folder: the rooms and the current one, and the lines typed. */
export const REMEMBERED_FILE = 'remembered.json';
/** Lines of input kept across restarts (Up brings them back). */
export const REMEMBERED_INPUT = 200;

export interface RememberedState {
  rooms: string[];
  current: string | undefined;
  input: string[];
}

/**
 * The user's rooms and input history across restarts. Written whole through util/atomic-file.ts, one
 * write at a time in order, so the file is always one whole state, the newest asked. A missing or damaged
 * file is a fresh start, never an error: nothing in it is worth refusing to start over.
 */
export class Remembered {
  readonly #path: string;
  /** The file was there: lanchat ran with this data folder before (every run writes it when it stops). */
  readonly existed: boolean;
  #state: RememberedState;
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, state: RememberedState, existed: boolean) {
    this.#path = path;
    this.#state = state;
    this.existed = existed;
  }

  static async load(dataDir: string): Promise<Remembered> {
    const path = join(dataDir, REMEMBERED_FILE);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    return new Remembered(path, parseRemembered(text ?? ''), text !== undefined);
  }

  get state(): RememberedState {
    return this.#state;
  }

  /** Keeps `change` and writes the file after the writes asked before it. */
  update(change: Partial<RememberedState>): Promise<void> {
    this.#state = { ...this.#state, ...change };
    const text = `${JSON.stringify(this.#state)}\n`;
    // A failed write (a full disk) is not worth a word: the next one tries again.
    this.#writing = this.#writing.then(() => writeFileAtomic(this.#path, text)).catch(() => {});
    return this.#writing;
  }

  addInput(line: string): Promise<void> {
    if (line.trim() === '' || this.#state.input.at(-1) === line) return this.#writing;
    return this.update({ input: [...this.#state.input, line].slice(-REMEMBERED_INPUT) });
  }
}

/** The state a file's text holds; what is not a valid room or line is left out. */
export function parseRemembered(text: string): RememberedState {
  const record = jsonRecord(text);
  const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const rooms = [...new Set(strings(record.rooms).map((r) => normalizeRoom(r)).filter((r): r is string => r !== undefined))];
  const current = typeof record.current === 'string' ? normalizeRoom(record.current) : undefined;
  return { rooms, current: current !== undefined && rooms.includes(current) ? current : undefined, input: strings(record.input).slice(-REMEMBERED_INPUT) };
}
