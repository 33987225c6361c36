import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { fileError, fileTrouble } from '../wire/errors.js';

/** Where a node's own chain of messages ends: its last seq and that message's hash. */
export interface ChainHead {
  lastSeq: number;
  lastHash?: Buffer;
}

/**
 * A copy of the chain head beside the identity key, outside the history folder: should that folder be
 * deleted (or lost) while the identity is kept, numbering goes on from here instead of from 1, where every
 * new line would collide with an old one and be dropped as a duplicate by every node that holds it.
 */
export const CHAIN_HEAD_FILE = 'chain-head.json';

/**
 * The chain head kept in a data folder: none when the file is absent. One that cannot be read, or is not a
 * chain head (empty, garbled), is refused, naming the file: taken for none, it could let numbering start
 * again from 1 where the history is lost too.
 */
export async function loadChainHead(dataDir: string): Promise<ChainHead> {
  const path = join(dataDir, CHAIN_HEAD_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lastSeq: 0 };
    throw fileError('DATA_DIR_ACCESS', { what: 'chain-head', path, dataDir, trouble: fileTrouble(err), doing: 'read' }, err);
  }
  const head = parseChainHead(text);
  if (head === undefined) {
    throw fileError('CHAIN_HEAD_DAMAGED', { what: 'chain-head', path, dataDir, trouble: text.trim() === '' ? 'empty' : 'garbled' });
  }
  return head;
}

/** The chain head a file's text holds, as saveChainHead writes it; undefined for anything else. */
export function parseChainHead(text: string): ChainHead | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { lastSeq, lastHash } = parsed as { lastSeq?: unknown; lastHash?: unknown };
  if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0) return undefined;
  if (lastSeq === 0) return { lastSeq: 0 };
  if (typeof lastHash !== 'string' || !/^[0-9a-f]{64}$/.test(lastHash)) return undefined;
  return { lastSeq, lastHash: Buffer.from(lastHash, 'hex') };
}

/** Written atomically: a crash leaves the old head or the new one. */
export async function saveChainHead(dataDir: string, head: ChainHead): Promise<void> {
  const text = JSON.stringify({ lastSeq: head.lastSeq, lastHash: head.lastHash?.toString('hex') });
  await writeFileAtomic(join(dataDir, CHAIN_HEAD_FILE), `${text}\n`);
}

/** The further of two heads: the store's, and the copy beside the identity. */
export function furtherHead(a: ChainHead, b: ChainHead): ChainHead {
  return b.lastSeq > a.lastSeq ? b : a;
}
