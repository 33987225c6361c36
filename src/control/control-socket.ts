import { once } from 'node:events';
import { chmod, unlink } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { HistoryStore, StoredMessage } from '../store/history-store.js';
import { decodeFrame, encodeFrame, type Frame } from '../wire/codec.js';
import { type ErrorCode, LanchatError } from '../wire/errors.js';
import { FrameDecoder } from '../wire/frame-decoder.js';

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
/** How long `lanchat history` waits for a running node's answer before giving up. */
export const CONTROL_TIMEOUT_MS = 10_000;
/**
 * A `--limit` up to this many messages is read in one go (the store's newest first); a bigger one is read
 * as the whole history is, a chunk at a time, skipping what comes before the last N: `--limit 1000000000`
 * holds no more than no limit at all.
 */
export const HISTORY_LIMIT_READ_AT_ONCE = 1_000;

export interface HistoryQuery {
  room?: string;
  /** The last N messages; Infinity for all. */
  limit: number;
}

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, CONTROL_SOCKET);
}

/**
 * Answers history queries on the data folder's control socket. Call it only while holding the data
 * folder (claimDataDir): a socket file found there was left by a node that died, and is replaced.
 * Resolves to undefined when the socket cannot be made (a path too long for a Unix socket, say):
 * `lanchat history` then reports the store as in use, as it would without this.
 */
export async function serveControl(dataDir: string, store: HistoryStore): Promise<Server | undefined> {
  const path = controlSocketPath(dataDir);
  await unlink(path).catch(() => undefined);
  const server = createServer((socket) => answerQueries(socket, store));
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

function answerQueries(socket: Socket, store: HistoryStore): void {
  const decoder = new FrameDecoder(MAX_QUERY_BYTES);
  const refuse = (code: ErrorCode, message: string): void => {
    socket.end(encodeFrame({ error: { code, message } }));
  };
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    try {
      decoder.push(chunk, (payload) => {
        const frame = decodeFrame(payload);
        if (frame.kind !== 'historyQuery') throw new LanchatError('UNEXPECTED_FRAME', 'the control socket answers history queries only');
        socket.pause(); // one query per connection
        const limit = Number(frame.historyQuery.limit ?? 0);
        const room = frame.historyQuery.room || undefined;
        sendHistory(socket, store, { limit: limit > 0 ? limit : Number.POSITIVE_INFINITY, ...(room === undefined ? {} : { room }) }).catch(
          (err: unknown) => refuse('STORE_FAILED', `could not read the history: ${(err as Error).message}`),
        );
      });
    } catch (err) {
      const problem = err instanceof LanchatError ? err : new LanchatError('BAD_FRAME', (err as Error).message);
      refuse(problem.code, problem.message);
    }
  });
}

/**
 * What `query` asks of `store`, oldest first, a chunk at a time, never the whole history at once: the last
 * N messages in one chunk when N is small, else the history as the store reads it, skipping what comes
 * before the last N. The store's own reader and this socket's both use it.
 */
export async function* historyChunks(store: HistoryStore, query: HistoryQuery): AsyncGenerator<StoredMessage[]> {
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

async function sendHistory(socket: Socket, store: HistoryStore, query: HistoryQuery): Promise<void> {
  // Sent as it is read: neither side holds the whole history.
  let page: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of historyChunks(store, query)) {
    for (const m of chunk) {
      if (page.length > 0 && bytes + m.bytes.length > PAGE_BYTES) {
        // The asker reads at its own pace. An asker that goes away (Ctrl-C) ends the answer, or the
        // read would go on for nobody.
        if (!socket.write(encodeFrame({ historyPage: { messages: page } }))) await writable(socket);
        if (socket.destroyed) return;
        page = [];
        bytes = 0;
      }
      page.push(m.bytes);
      bytes += m.bytes.length;
    }
  }
  socket.end(encodeFrame({ historyPage: { messages: page, done: true } }));
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
  const socket = connect(controlSocketPath(dataDir));
  try {
    await within(once(socket, 'connect'), timeoutMs, 'connecting to the running lanchat');
  } catch (err) {
    socket.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ECONNREFUSED') return false;
    throw err;
  }
  const limit = Number.isFinite(query.limit) ? query.limit : 0;
  socket.write(encodeFrame({ historyQuery: { room: query.room ?? '', limit } }));
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
