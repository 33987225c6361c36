import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  askHistory,
  controlSocketPath,
  historyChunks,
  HISTORY_LIMIT_READ_AT_ONCE,
  type HistoryQuery,
  serveControl,
} from '../../src/control/control-socket.js';
import type { HistoryStore } from '../../src/store/history-store.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import { FrameDecoder } from '../../src/wire/frame-decoder.js';
import { isLanchatError } from '../../src/wire/errors.js';
import { ALICE, BOB, chat } from '../store/history-store.contract.js';

// A real LevelDB store, served on a real Unix socket in a temporary data folder.
describe('control socket', () => {
  let dataDir: string;
  let store: LevelHistoryStore;
  let server: Server | undefined;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lanchat-control-'));
    store = await LevelHistoryStore.open(join(dataDir, 'history'));
  });
  afterEach(async () => {
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
    server = undefined;
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const texts = (answer: Uint8Array[] | undefined): (string | null | undefined)[] => (answer ?? []).map((b) => decodeStored(b).message.text);
  let pages = 0;
  /** The whole answer, its pages joined (the count of pages in `pages`); undefined when nobody answers. */
  const ask = async (query: HistoryQuery): Promise<Uint8Array[] | undefined> => {
    const messages: Uint8Array[] = [];
    pages = 0;
    const answered = await askHistory(dataDir, query, (page) => {
      pages++;
      messages.push(...page);
    });
    return answered ? messages : undefined;
  };

  it('answers the history in display order, by room and by count, in pages when it is long', async () => {
    // A stale socket file, as a node killed by SIGKILL leaves it: replaced.
    writeFileSync(controlSocketPath(dataDir), 'stale');
    const long = 'x'.repeat(2_000);
    const many = Array.from({ length: 300 }, (_, i) => chat(ALICE, i + 3, 1_000 + i, `${long} ${i}`));
    await store.append([chat(BOB, 1, 20, 'dev', '#dev'), chat(ALICE, 1, 10, 'first'), chat(ALICE, 2, 30, 'second'), ...many]);
    server = await serveControl(dataDir, store);
    expect(server).toBeDefined();

    const all = await ask({ limit: Number.POSITIVE_INFINITY });
    expect(all).toHaveLength(303);
    expect(pages).toBeGreaterThan(1); // 600 KB: more than one page
    expect(texts(all).slice(0, 3)).toEqual(['first', 'dev', 'second']);
    expect(texts(await ask({ limit: 5, room: '#dev' }))).toEqual(['dev']);
    expect(texts(await ask({ limit: 2 }))).toEqual([`${long} 298`, `${long} 299`]);
  });

  it('waits for an asker that takes its time with each page, however long the whole answer takes', async () => {
    // A full page (192 KiB), then a small last one: its bytes come in the chunk that ends the first.
    const long = 'y'.repeat(2_000);
    await store.append(Array.from({ length: 100 }, (_, i) => chat(ALICE, i + 1, 1_000 + i, `${long} ${i}`)));
    server = await serveControl(dataDir, store);
    const timeoutMs = 150;
    const taken: number[] = [];
    let taking = false;
    // Each page is taken after a wait longer than the timeout: the node is not the one being slow. Pages
    // come one at a time, in order, each once the one before is taken.
    const answered = await askHistory(
      dataDir,
      { limit: Number.POSITIVE_INFINITY },
      (page) => {
        expect(taking).toBe(false);
        taking = true;
        return new Promise<void>((resolve) =>
          setTimeout(() => {
            taken.push(...page.map((bytes) => decodeStored(bytes).seq));
            taking = false;
            resolve();
          }, timeoutMs * 2),
        );
      },
      timeoutMs,
    );
    expect(answered).toBe(true);
    expect(taken).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('hands pages on one at a time, in order, when several come in one chunk', async () => {
    // A node whose pages reach the asker in one piece: two pages, then the end, written at once.
    const pages = [[chat(ALICE, 1, 1, 'one')], [chat(ALICE, 2, 2, 'two')], [chat(ALICE, 3, 3, 'three')]];
    server = createServer((socket) => {
      socket.resume(); // the query, unread
      socket.end(Buffer.concat(pages.map((page, i) => encodeFrame({ historyPage: { messages: page.map((m) => m.bytes), done: i === pages.length - 1 } }))));
    });
    server.listen(controlSocketPath(dataDir));
    await once(server, 'listening');
    const taken: string[] = [];
    let taking = false;
    const answered = await askHistory(dataDir, { limit: Number.POSITIVE_INFINITY }, async (page) => {
      expect(taking).toBe(false);
      taking = true;
      await new Promise((resolve) => setImmediate(resolve)); // a slow output, for a turn
      taken.push(...page.map((bytes) => String(decodeStored(bytes).message.text)));
      taking = false;
    });
    expect(answered).toBe(true);
    expect(taken).toEqual(['one', 'two', 'three']);
  });

  it('says nobody answers where no node serves', async () => {
    expect(await ask({ limit: 10 })).toBeUndefined();
  });

  it('refuses anything but a query with an error, and goes on answering others', async () => {
    await store.append([chat(ALICE, 1, 10, 'kept')]);
    server = await serveControl(dataDir, store);
    for (const junk of [encodeFrame({ heartbeat: { time: 1 } }), Buffer.from([0x05, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(2_000, 0x7f)]) {
      const socket = connect(controlSocketPath(dataDir));
      socket.end(junk);
      const decoder = new FrameDecoder();
      const codes: string[] = [];
      socket.on('data', (chunk: Buffer) => decoder.push(chunk, (payload) => codes.push(decodeFrame(payload).error?.code ?? '')));
      await once(socket, 'close');
      expect(codes).toHaveLength(1);
      expect(['UNEXPECTED_FRAME', 'BAD_FRAME', 'FRAME_TOO_LARGE']).toContain(codes[0]);
    }
    expect(texts(await ask({ limit: 10 }))).toEqual(['kept']);
  });

  it('reports a store that fails as an error of the asker, not a hang', async () => {
    server = await serveControl(dataDir, store);
    await store.close(); // the node is going away: its store is closed
    let error: unknown;
    try {
      await ask({ limit: 10 });
    } catch (err) {
      error = err;
    }
    expect(isLanchatError(error, 'STORE_FAILED')).toBe(true);
    store = await LevelHistoryStore.open(join(dataDir, 'history')); // for afterEach
  });

  /** `count` messages of ALICE's, 2 s apart, about 1 KiB each: enough to fill any socket's buffers. */
  async function storeMany(count: number): Promise<void> {
    const text = 'a line of an ordinary length, '.repeat(32);
    for (let seq = 1; seq <= count; seq += 500) {
      await store.append(Array.from({ length: Math.min(500, count - seq + 1) }, (_, i) => chat(ALICE, seq + i, (seq + i) * 2_000, `${text}${seq + i}`)));
    }
  }

  /** An asker that sends its query, takes the first bytes of the answer, and reads no more. */
  async function stalledAsker(): Promise<{ socket: Socket; closed: Promise<void>; firstBytes: Promise<Buffer> }> {
    const socket = connect(controlSocketPath(dataDir));
    await once(socket, 'connect');
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const firstBytes = new Promise<Buffer>((resolve) =>
      socket.once('data', (d: Buffer) => {
        socket.pause();
        resolve(d);
      }),
    );
    socket.write(encodeFrame({ historyQuery: { room: '', limit: 0 } }));
    await firstBytes;
    return { socket, closed, firstBytes };
  }

  /** The node's side of each connection, in order. */
  const serverSockets = (srv: Server): Socket[] => {
    const sockets: Socket[] = [];
    srv.on('connection', (socket: Socket) => sockets.push(socket));
    return sockets;
  };

  it('answers so many queries at once, refuses one more with TOO_MANY_QUERIES, and takes another once one has ended', async () => {
    await storeMany(3_000);
    server = await serveControl(dataDir, store, 2);
    const accepted = serverSockets(server!);
    const stalled = [await stalledAsker(), await stalledAsker()];
    let error: unknown;
    try {
      await ask({ limit: 10 });
    } catch (err) {
      error = err;
    }
    expect(isLanchatError(error, 'TOO_MANY_QUERIES')).toBe(true);
    expect((error as Error).message).toMatch(/answering 2 history queries/);
    // One asker goes away: its place is free once the node has seen it go.
    stalled[0]!.socket.destroy();
    // (once() would reject on the reset the node's side sees first: the asker left bytes unread.)
    await new Promise((resolve) => accepted[0]!.once('close', resolve));
    expect(await ask({ limit: 2 })).toHaveLength(2);
  });

  it('does not read the store while the socket holds a page its asker has not taken', async () => {
    await storeMany(6_000);
    const heldAtRead: number[] = [];
    let reads = 0;
    let answering: Socket | undefined;
    // The store, watched: each chunk the answer takes from it, and what the socket held then.
    const watched: HistoryStore = Object.assign(Object.create(store) as HistoryStore, {
      history: async function* (options?: { room?: string }) {
        for await (const chunk of store.history(options)) {
          reads++;
          heldAtRead.push(answering?.writableLength ?? 0);
          yield chunk;
        }
      },
      count: (options?: { room?: string }) => store.count(options),
    });
    server = await serveControl(dataDir, watched);
    server!.on('connection', (socket: Socket) => (answering = socket));
    // An asker slow with its first pages (a pager the user is reading): the node's side fills up.
    let pagesTaken = 0;
    const seqs: number[] = [];
    const answered = await askHistory(dataDir, { limit: Number.POSITIVE_INFINITY }, async (page) => {
      if (pagesTaken++ < 4) await new Promise((resolve) => setTimeout(resolve, 50));
      seqs.push(...page.map((bytes) => decodeStored(bytes).seq));
    });
    expect(answered).toBe(true);
    expect(seqs).toEqual(Array.from({ length: 6_000 }, (_, i) => i + 1));
    expect(reads).toBeGreaterThanOrEqual(6);
    expect(heldAtRead.length).toBe(reads);
    expect(Math.max(...heldAtRead)).toBeLessThan(answering!.writableHighWaterMark);
  });

  it('ends the answers in progress when it closes, whoever is reading, and then lets go of the store', async () => {
    await storeMany(3_000);
    server = await serveControl(dataDir, store);
    const stalled = [await stalledAsker(), await stalledAsker(), await stalledAsker()];
    const closedAt = Date.now();
    const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await Promise.race([
      closing,
      new Promise((_, reject) => setTimeout(() => reject(new Error('close() is waiting for the readers')), 5_000).unref()),
    ]);
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    // An asker reading again finds its answer cut off: what was on its way, then the end.
    for (const a of stalled) a.socket.resume();
    await Promise.all(stalled.map((a) => a.closed));
    // Nothing reads the store any more: it closes, and is whole.
    await store.close();
    store = await LevelHistoryStore.open(join(dataDir, 'history'));
    expect(await store.count()).toBe(3_000);
  });

  it('streams a --limit bigger than the history, or than what is read at once, like the whole history', async () => {
    await storeMany(2_500);
    const latest = vi.spyOn(store, 'latest');
    const seqs = async (limit: number, room?: string): Promise<{ seqs: number[]; chunks: number }> => {
      const found: number[] = [];
      let chunks = 0;
      for await (const chunk of historyChunks(store, { limit, ...(room === undefined ? {} : { room }) })) {
        chunks++;
        found.push(...chunk.map((m) => m.seq));
      }
      return { seqs: found, chunks };
    };
    const everything = Array.from({ length: 2_500 }, (_, i) => i + 1);
    // Read as the whole history is: in the store's chunks, not in one.
    for (const room of [undefined, '#lobby']) {
      const { seqs: found, chunks } = await seqs(1_000_000_000, room);
      expect(found).toEqual(everything);
      expect(chunks).toBeGreaterThan(1);
    }
    expect((await seqs(1_800)).seqs).toEqual(everything.slice(-1_800));
    expect((await seqs(HISTORY_LIMIT_READ_AT_ONCE + 1)).seqs).toEqual(everything.slice(-(HISTORY_LIMIT_READ_AT_ONCE + 1)));
    expect(latest).not.toHaveBeenCalled();
    // A small count is read in one go, the newest first.
    expect(await seqs(3)).toEqual({ seqs: [2_498, 2_499, 2_500], chunks: 1 });
    expect(latest).toHaveBeenCalledTimes(1);
    expect(await seqs(1_000_000_000, '#nowhere')).toEqual({ seqs: [], chunks: 0 });
  });
});
