import type { Level } from 'level';

/**
 * The LevelDB database of the history store: keys as text (keys.ts), values as bytes. Its own module
 * because both the store (level-store.ts) and the format upgrade it runs on opening (format.ts) take it.
 */
export type HistoryDb = Level<string, Uint8Array>;
