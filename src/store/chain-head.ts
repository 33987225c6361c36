import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';

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

export async function loadChainHead(dataDir: string): Promise<ChainHead> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, CHAIN_HEAD_FILE), 'utf8')) as { lastSeq?: unknown; lastHash?: unknown };
    const lastSeq = typeof parsed.lastSeq === 'number' && Number.isSafeInteger(parsed.lastSeq) && parsed.lastSeq > 0 ? parsed.lastSeq : 0;
    const hash = typeof parsed.lastHash === 'string' && /^[0-9a-f]{64}$/.test(parsed.lastHash) ? Buffer.from(parsed.lastHash, 'hex') : undefined;
    return lastSeq > 0 && hash !== undefined ? { lastSeq, lastHash: hash } : { lastSeq: 0 };
  } catch {
    return { lastSeq: 0 };
  }
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
