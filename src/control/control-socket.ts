import { once } from 'node:events';
import { chmod, unlink } from 'node:fs/promises';
import { connect, Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { HistoryStore, StoredMessage } from '../store/history-store.js';
import { decodeFrame, encodeFrame, type Frame } from '../wire/codec.js';
import { type ErrorCode, fileError, fileTrouble, isLanchatError, LanchatError } from '../wire/errors.js';
import { FrameDecoder } from '../wire/frame-decoder.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import { searchNeedle } from '../store/search-match.js';

/**
 * The control socket of a running node: a Unix socket in its data folder where `lanchat history` asks
 * for the stored history, since LevelDB lets one process at a time open a store. The data folder is
 * its owner's alone (mode 0700) and the socket is 0600: nothing of it is on the network.
 */
export const CONTROL_SOCKET = 'control.sock';

/** A page of the answer stays well under the frame limit (256 KiB). */
const PAGE_BYTES = 192 * 1024;
/** A query is a few bytes: anything bigger is not one. */
const MAX_QUERY_BYTES = 1024;
/**
 * How long `lanchat history` waits for a running node's answer before giving up, and how long a node
 * waits for the query of a connection on its control socket.
 */
export const CONTROL_TIMEOUT_MS = DEFAULT_LIMITS.controlTimeoutMs;
/**
 * History queries a node answers at once; one more is refused (TOO_MANY_QUERIES). Each holds a page of
 * the answer and the store's reading place (a chunk of messages, a display page's span of places) for as
 * long as its asker takes to read: a pager left open, or a pipe into a reader that stopped, holds it for
 * ever. Eight is more than one person runs at once, and bounds what they can hold together.
 */
export const MAX_CONTROL_QUERIES = DEFAULT_LIMITS.controlQueries;
/**
 * A `--limit` up to this many messages is read in one go (the store's newest first); a bigger one is read
 * as the whole history is, a chunk at a time, skipping what comes before the last N: `--limit 1000000000`
 * holds no more than no limit at all.
 */
export const HISTORY_LIMIT_READ_AT_ONCE = DEFAULT_LIMITS.historyReadAtOnce;

export interface HistoryQuery {
  room?: string;
  /** The last N messages; Infinity for all. */
  limit: number;
  /** Set: a search (`lanchat history --grep`): the newest `limit` messages whose text holds it, newest first. */
  grep?: string;
}

/** The text of a private message the node can read (a search looks into those), or undefined. */
export type PrivateText = (message: StoredMessage) => string | undefined;

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, CONTROL_SOCKET);
}

/**
 * Answers history queries on the data folder's control socket. Call it only while holding the data
 * folder (claimDataDir): a socket file found there was left by a node that died, and is replaced.
 * Resolves to undefined when the socket cannot be made (a path too long for a Unix socket, say):
 * `lanchat history` then reports the store as in use, as it would without this. Its close() ends the
 * answers in progress at once, whoever is (not) reading them, and calls back once they have let go of
 * the store: the node's stop() waits for no reader.
 */
export async function serveControl(
  dataDir: string,
  store: HistoryStore,
  maxQueries = MAX_CONTROL_QUERIES,
  webUrl: () => string | undefined = () => undefined,
  privateText: PrivateText = () => undefined,
): Promise<Server | undefined> {
  const path = controlSocketPath(dataDir);
  await unlink(path).catch(() => undefined);
  const server = new ControlServer(store, maxQueries, webUrl, privateText);
  try {
    server.listen(path);
    await once(server, 'listening');
    await chmod(path, 0o600);
    return server;
  } catch {
    server.close();
    return undefined;
  }
}

class ControlServer extends Server {
  readonly #store: HistoryStore;
  readonly #maxQueries: number;
  /** Where the node serves its browser UI, if it does (`lanchat open` asks). */
  readonly #webUrl: () => string | undefined;
  /** Every socket of this server, refused ones included: close() ends them all. */
  readonly #sockets = new Set<Socket>();
  /** Connections admitted: waiting for their query, or being answered. */
  #admitted = 0;
  /** Answers in progress, until they let go of the store. */
  readonly #answers = new Set<Promise<void>>();

  readonly #privateText: PrivateText;

  constructor(store: HistoryStore, maxQueries: number, webUrl: () => string | undefined, privateText: PrivateText) {
    super();
    this.#store = store;
    this.#privateText = privateText;
    this.#maxQueries = maxQueries;
    this.#webUrl = webUrl;
    this.on('connection', (socket: Socket) => this.#accept(socket));
  }

  override close(callback?: (err?: Error) => void): this {
    for (const socket of this.#sockets) socket.destroy();
    const settled = Promise.allSettled([...this.#answers]);
    return super.close((err) => void settled.then(() => callback?.(err)));
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (this.#admitted >= this.#maxQueries) {
      socket.resume(); // its query is read and dropped: a socket closed on unread bytes resets, and the asker would not see why
      refuse(socket, 'TOO_MANY_QUERIES', `this lanchat is answering ${this.#admitted} history queries, its most at once; try again when one has ended`);
      return;
    }
    this.#admitted++;
    socket.once('close', () => this.#admitted--);
    const timer = setTimeout(() => socket.destroy(), CONTROL_TIMEOUT_MS).unref();
    const decoder = new FrameDecoder(MAX_QUERY_BYTES);
    let asked = false;
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk, (payload) => {
          if (asked) return; // one query per connection: what follows it is not read
          const frame = decodeFrame(payload);
          if (frame.kind === 'webQuery') {
            asked = true;
            clearTimeout(timer);
            socket.end(encodeFrame({ webAnswer: { url: this.#webUrl() ?? '' } }));
            return;
          }
          if (frame.kind !== 'historyQuery') throw new LanchatError('UNEXPECTED_FRAME', 'the control socket answers history and web queries only');
          asked = true;
          socket.pause();
          clearTimeout(timer);
          const limit = Number(frame.historyQuery.limit ?? 0);
          const room = frame.historyQuery.room || undefined;
          const grep = frame.historyQuery.grep || undefined;
          this.#answer(socket, { limit: limit > 0 ? limit : Number.POSITIVE_INFINITY, ...(room === undefined ? {} : { room }), ...(grep === undefined ? {} : { grep }) });
        });
      } catch (err) {
        if (asked) return; // junk after the query: the answer goes on, and nothing more is read
        clearTimeout(timer);
        const problem = err instanceof LanchatError ? err : new LanchatError('BAD_FRAME', (err as Error).message);
        refuse(socket, problem.code, problem.message);
      }
    });
  }

  #answer(socket: Socket, query: HistoryQuery): void {
    const answer = sendHistory(socket, this.#store, query, this.#privateText).catch((err: unknown) => {
      refuse(socket, 'STORE_FAILED', `could not read the history: ${(err as Error).message}`);
    });
    this.#answers.add(answer);
    void answer.finally(() => this.#answers.delete(answer));
  }
}

/** Ends `socket` with an error frame; destroyed soon whether or not its peer reads (or was already). */
function refuse(socket: Socket, code: ErrorCode, message: string): void {
  if (socket.destroyed) return;
  socket.end(encodeFrame({ error: { code, message } }));
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}

/** A refused socket is kept at most this long for its error frame to leave. */
const REFUSED_LINGER_MS = 1_000;

/**
 * What `query` asks of `store`, oldest first, a chunk at a time, never the whole history at once: the last
 * N messages in one chunk when N is small, else the history as the store reads it, skipping what comes
 * before the last N. The store's own reader and this socket's both use it.
 */
export async function* historyChunks(store: HistoryStore, query: HistoryQuery, privateText: PrivateText = () => undefined): AsyncGenerator<StoredMessage[]> {
  if (query.grep !== undefined) {
    // At most searchResults, however big the limit: a search is the newest matches, and one chunk.
    const limit = Math.min(query.limit, DEFAULT_LIMITS.searchResults);
    yield await store.search({ needle: searchNeedle(query.grep), limit, privateText, ...(query.room === undefined ? {} : { room: query.room }) });
    return;
  }
  if (query.limit <= HISTORY_LIMIT_READ_AT_ONCE) {
    yield await store.latest(query);
    return;
  }
  const room = query.room === undefined ? {} : { room: query.room };
  // Counted from the display pages alone: a few thousand records for a million messages.
  let skip = Number.isFinite(query.limit) ? Math.max(0, (await store.count(room)) - query.limit) : 0;
  for await (const chunk of store.history(room)) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    yield skip === 0 ? chunk : chunk.slice(skip);
    skip = 0;
  }
}

/**
 * Sends the answer as it is read, a page at a time: neither side holds the whole history. While the
 * socket holds a page its reader has not taken, the store is not read; an asker that goes away (Ctrl-C),
 * or a node that stops, ends the answer at its next step.
 */
async function sendHistory(socket: Socket, store: HistoryStore, query: HistoryQuery, privateText: PrivateText): Promise<void> {
  let page: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of historyChunks(store, query, privateText)) {
    if (socket.destroyed) return;
    for (const m of chunk) {
      if (page.length > 0 && bytes + m.bytes.length > PAGE_BYTES) {
        if (!socket.write(encodeFrame({ historyPage: { messages: page } }))) await writable(socket);
        if (socket.destroyed) return;
        page = [];
        bytes = 0;
      }
      page.push(m.bytes);
      bytes += m.bytes.length;
    }
  }
  if (!socket.destroyed) socket.end(encodeFrame({ historyPage: { messages: page, done: true } }));
}

/** Resolves when `socket` can take more, or is gone. */
function writable(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * Asks the node running on `dataDir` for its history: the stored messages' bytes in display order, handed
 * to `onPage` a page at a time as they come; while the promise it returns is pending, no more is read.
 * False when no node answers there (none runs, or it has no control socket). `timeoutMs` bounds each wait
 * for the node (for the connection, then between two pages), not the whole answer.
 */
export async function askHistory(
  dataDir: string,
  query: HistoryQuery,
  onPage: (messages: Uint8Array[]) => void | Promise<void>,
  timeoutMs = CONTROL_TIMEOUT_MS,
): Promise<boolean> {
  const socket = await connectControl(dataDir, timeoutMs);
  if (socket === undefined) return false;
  const limit = Number.isFinite(query.limit) ? query.limit : 0;
  socket.write(encodeFrame({ historyQuery: { room: query.room ?? '', limit, grep: query.grep ?? '' } }));
  try {
    await readAnswer(socket, onPage, timeoutMs);
    return true;
  } finally {
    socket.destroy();
  }
}

/**
 * Reads the answer a chunk at a time and hands its pages on one after another, each once the one before
 * is taken: a socket not read from is not read ahead, so the node waits for a slow asker in turn.
 */
async function readAnswer(socket: Socket, onPage: (messages: Uint8Array[]) => void | Promise<void>, timeoutMs: number): Promise<void> {
  const decoder = new FrameDecoder();
  const chunks = socket[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  for (;;) {
    const next = await within(chunks.next(), timeoutMs, 'from the running lanchat');
    if (next.done === true) throw new LanchatError('STORE_FAILED', 'the running lanchat closed the control socket before the whole history');
    const frames: Frame[] = [];
    decoder.push(next.value, (payload) => frames.push(decodeFrame(payload)));
    for (const frame of frames) {
      if (frame.kind === 'error') {
        throw new LanchatError((frame.error.code ?? 'STORE_FAILED') as ErrorCode, `the running lanchat: ${frame.error.message ?? ''}`);
      }
      if (frame.kind !== 'historyPage') throw new LanchatError('UNEXPECTED_FRAME', `the running lanchat sent a ${frame.kind} frame`);
      await onPage(frame.historyPage.messages ?? []);
      if (frame.historyPage.done === true) return;
    }
  }
}

/** `promise`, or a STORE_FAILED error once `ms` have passed without it. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LanchatError('STORE_FAILED', `no answer ${what} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks the node running on `dataDir` where it serves its browser UI: its URL, '' when it runs without
 * --web, or undefined when no node answers there.
 */
export async function askWebUrl(dataDir: string, timeoutMs = CONTROL_TIMEOUT_MS): Promise<string | undefined> {
  const socket = await connectControl(dataDir, timeoutMs);
  if (socket === undefined) return undefined;
  socket.write(encodeFrame({ webQuery: {} }));
  try {
    const decoder = new FrameDecoder(MAX_QUERY_BYTES * 8);
    const chunks = socket[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    for (;;) {
      const next = await within(chunks.next(), timeoutMs, 'from the running lanchat');
      if (next.done === true) throw new LanchatError('UNEXPECTED_FRAME', 'the running lanchat closed the control socket without an answer');
      const frames: Frame[] = [];
      decoder.push(next.value, (payload) => frames.push(decodeFrame(payload)));
      for (const frame of frames) {
        // An older lanchat answers a web query with an error: it has no browser UI.
        if (frame.kind === 'error') return '';
        if (frame.kind === 'webAnswer') return frame.webAnswer.url ?? '';
        throw new LanchatError('UNEXPECTED_FRAME', `the running lanchat sent a ${frame.kind} frame`);
      }
    }
  } finally {
    socket.destroy();
  }
}

/** A connection to the control socket of the node running on `dataDir`; undefined when none listens there. */
async function connectControl(dataDir: string, timeoutMs: number): Promise<Socket | undefined> {
  const socket = connect(controlSocketPath(dataDir));
  try {
    await within(once(socket, 'connect'), timeoutMs, 'connecting to the running lanchat');
    return socket;
  } catch (err) {
    socket.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') return undefined;
    if (isLanchatError(err)) throw err;
    // The data folder is a file, or not ours to read: said as a data folder problem, never as the errno.
    throw fileError('DATA_DIR_ACCESS', { what: 'data-folder', path: dataDir, dataDir, trouble: fileTrouble(err), doing: 'read' }, err);
  }
}
