import type { lanchat } from '../wire/protobuf.js';
import type { SearchNeedle } from './search-match.js';
import type { VectorChanges } from './vector-changes.js';

/** The fields of a message that a face shows (member/message-view.ts). */
export type ShownFields = Pick<lanchat.ChatMessage.$Properties, 'origin' | 'seq' | 'time' | 'nick' | 'room' | 'to' | 'text' | 'sealed' | 'action' | 'topic' | 'sealKey' | 'sealKeySignature'>;

/**
 * One stored chat message: its identity, its place in display order, what storing and verifying it
 * need, and its wire bytes. The whole message is decoded when first asked for.
 */
export interface StoredMessage {
  /** Author's node id, hex. */
  readonly origin: string;
  readonly seq: number;
  readonly time: number;
  readonly counter: number;
  /** The room of a room message; null for a private one. */
  readonly room: string | null;
  /** Has a recipient: a private message. */
  readonly isPrivate: boolean;
  /** A room's topic (ChatMessage.topic): kept apart from the room's lines, in a bucket of its own (keys.ts bucketOf). */
  readonly topic: boolean;
  readonly authorKey: Uint8Array | undefined;
  /** The hash of the author's message before this one; empty or absent for seq 1. */
  readonly prev: Uint8Array | undefined;
  /** The author's seal key and its signature, on the lines that carry them (proto ChatMessage.seal_key). */
  readonly sealKey?: Uint8Array | undefined;
  readonly sealKeySignature?: Uint8Array | undefined;
  readonly message: lanchat.ChatMessage;
  /**
   * What a face shows of it, as `message` has it, but read in the pass that read the rest: showing a
   * message received live costs no second decode.
   */
  readonly shown: ShownFields;
  /** The encoded ChatMessage exactly as stored and replicated. */
  readonly bytes: Uint8Array;
}

/** What a search looks for, and where (HistoryStore.search, search-scan.ts). */
export interface SearchScan {
  needle: SearchNeedle;
  /** Only messages of this room (private messages are in none). */
  room?: string;
  /** The newest this many matches are kept. */
  limit: number;
  /** The text of a private message this node can read, or undefined (it is not searched). */
  privateText: (message: StoredMessage) => string | undefined;
}

/** A message's place in display order. */
export type DisplayPosition = Pick<StoredMessage, 'time' | 'counter' | 'origin' | 'seq'>;

/** For each origin, the highest seq held with no gap below it. */
export type VersionVector = ReadonlyMap<string, number>;

/**
 * Every node's copy of its network's history. Messages are identified by (origin, seq), so storing one
 * twice changes nothing; display order is the hybrid logical clock, then origin, then seq.
 */
export interface HistoryStore {
  /**
   * Stores those of `messages` not stored yet, in one atomic batch with the version vector it moves;
   * returns them. Appends run one at a time, in call order.
   */
  append(messages: readonly StoredMessage[]): Promise<StoredMessage[]>;
  /** Those of `messages` not stored yet. */
  missing(messages: readonly StoredMessage[]): Promise<StoredMessage[]>;
  has(origin: string, seq: number): Promise<boolean>;
  /** The highest seq stored for `origin` (0 when none): a node numbers its next message after it. */
  lastSeq(origin: string): Promise<number>;
  /** The stored bytes of (origin, seq), if held. */
  get(origin: string, seq: number): Promise<Uint8Array | undefined>;
  /** The version vector as of the last completed append: kept in memory, live (copy it to keep a snapshot). */
  versionVector(): VersionVector;
  /**
   * For each origin, the highest seq held at all (above its vector entry when a seq below is missing),
   * as of the last completed append: in memory, live.
   */
  topVector(): VersionVector;
  /** The origins whose vector entry or top moved, in append order: an offer looks at those alone. */
  readonly vectorChanges: VectorChanges;
  /** Bytes of `origin`'s messages held (each with its length prefix, as stored): in memory. */
  originBytes(origin: string): number;
  /** Bytes of all messages held, as originBytes counts them: in memory. */
  totalBytes(): number;
  /**
   * The seqs of `origin` held above `after`, as spans of consecutive seqs in seq order, at most `limit`
   * spans; the last may end short of where the held seqs do (a long one is read in parts): go on from
   * its end until none is left. An origin held with no gap is answered from memory.
   */
  heldSpans(origin: string, after: number, limit: number): Promise<{ first: number; last: number }[]>;
  /**
   * The encoded messages of `origin` with seq above `after`, in seq order (gaps skipped), at most `limit`;
   * with `bytes`, reading stops at the first message that takes their total past it (that one included).
   */
  since(origin: string, after: number, limit: number, options?: { bytes?: number }): Promise<Uint8Array[]>;
  /** The last `limit` messages (of `room`, or all; with `before`, of those shown before it), oldest first. */
  latest(options: { limit: number; room?: string; before?: DisplayPosition }): Promise<StoredMessage[]>;
  /**
   * The whole history (of `room`, or all), oldest first, a chunk at a time: what is held in memory is
   * bounded by a chunk and the places of one display page's span, not by the size of the history.
   */
  history(options?: { room?: string }): AsyncIterable<StoredMessage[]>;
  /** How many messages are stored; with `room`, how many of that room (what `history({ room })` gives). */
  count(options?: { room?: string }): Promise<number>;
  /** The newest `scan.limit` messages whose text holds `scan.needle`, case-insensitively, newest first (search-scan.ts). */
  search(scan: SearchScan): Promise<StoredMessage[]>;
  close(): Promise<void>;
}
