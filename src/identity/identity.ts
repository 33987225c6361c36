import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A node's long-lived identity: an Ed25519 key pair kept in its data folder. */
export interface Identity {
  /** SHA-256 of the raw public key. */
  nodeId: Buffer;
  /** nodeId in hex, as users and logs see it. */
  nodeIdHex: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
}

const KEY_FILE = 'identity.pem';

export async function loadOrCreateIdentity(dataDir: string): Promise<Identity> {
  const path = join(dataDir, KEY_FILE);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    privateKey = generateKeyPairSync('ed25519').privateKey;
    // 'wx': two first starts racing for one folder must not overwrite each other's key.
    await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return identityFromPrivateKey(privateKey);
}

/** The identity of a data folder lanchat has already used, or undefined if it has none. */
export async function loadIdentity(dataDir: string): Promise<Identity | undefined> {
  try {
    return identityFromPrivateKey(createPrivateKey(await readFile(join(dataDir, KEY_FILE), 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function identityFromPrivateKey(privateKey: KeyObject): Identity {
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'jwk' }).x;
  if (raw === undefined) throw new Error('not an Ed25519 key');
  const nodeId = createHash('sha256').update(Buffer.from(raw, 'base64url')).digest();
  return { nodeId, nodeIdHex: nodeId.toString('hex'), publicKey, privateKey };
}

/** A throwaway identity, for load generators and tests that need no data folder. */
export function ephemeralIdentity(): Identity {
  return identityFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}
