import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { loadOrCreateIdentity, type Identity } from '../../src/identity/identity.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';

/**
 * A data folder with a history of `count` signed, chained lines of its own identity, each with ~4 KB
 * that does not compress, compacted so that LevelDB spreads them over table files of ~2 MB.
 */
export async function filledDataDir(dataDir: string, count: number, network = 'lanchat'): Promise<{ identity: Identity; messages: Buffer[] }> {
  mkdirSync(dataDir, { recursive: true });
  const identity = await loadOrCreateIdentity(dataDir);
  const store = await LevelHistoryStore.open(join(dataDir, 'history'));
  const messages: Buffer[] = [];
  let prev: Buffer | undefined;
  try {
    for (let from = 1; from <= count; from += 500) {
      const batch = [];
      for (let seq = from; seq < from + 500 && seq <= count; seq++) {
        const text = `line ${seq} ${randomBytes(2000).toString('hex')}`;
        const bytes = signMessage({ origin: identity.nodeId, seq, time: 1_700_000_000_000 + seq, counter: 0, nick: 'keeper', room: '#lobby', text, prev }, identity, network);
        prev = messageHash(bytes);
        messages.push(bytes);
        batch.push(decodeStored(bytes));
      }
      await store.append(batch);
    }
  } finally {
    await store.close();
  }
  const db = new ClassicLevel(join(dataDir, 'history'));
  await db.compactRange('\x00', '\xff');
  await db.close();
  return { identity, messages };
}

/** The table files of a LevelDB folder, by name. */
export function tables(location: string): string[] {
  return readdirSync(location).filter((name) => name.endsWith('.ldb')).sort();
}

/** Cuts a table file to a tenth of its length, as a crash or a bad disk might leave it; returns its name. */
export function truncateTable(location: string, name: string): void {
  const path = join(location, name);
  truncateSync(path, Math.floor(statSync(path).size / 10));
}

/** The manifest CURRENT names. */
export function manifest(location: string): string {
  return readFileSync(join(location, 'CURRENT'), 'utf8').trim();
}

/** Overwrites bytes in the middle of the manifest: its checksums no longer match. */
export function garbleManifest(location: string): void {
  const path = join(location, manifest(location));
  const bytes = readFileSync(path);
  bytes.fill(0x5a, 10, Math.min(bytes.length, 40));
  writeFileSync(path, bytes);
}

/**
 * Every file of a folder with its content (but LevelDB's info log and lock), or only those `keep` picks:
 * to show that a refused opening lost nothing.
 */
export function snapshot(location: string, keep: (name: string) => boolean = (name) => !['LOG', 'LOG.old', 'LOCK'].includes(name)): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(location)) {
    if (!keep(name)) continue;
    out[name] = readFileSync(join(location, name)).toString('base64');
  }
  return out;
}

/** Hands out fresh copies of `fixture` (a filled data folder) under `root`, one per call: each test damages its own. */
export function fixtureCopies(root: string, fixture: string): () => string {
  let copies = 0;
  return () => {
    const dir = join(root, `copy-${++copies}`);
    cpSync(fixture, dir, { recursive: true });
    return dir;
  };
}
