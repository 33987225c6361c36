import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { fileError, fileTrouble } from '../wire/errors.js';

/** A node's long-lived identity: an Ed25519 key pair kept in its data folder. */
export interface Identity {
  /** SHA-256 of the raw public key. */
  nodeId: Buffer;
  /** nodeId in hex, as users and logs see it. */
  nodeIdHex: string;
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** The Ed25519 public key, raw 32 bytes: carried in every message this node signs. */
  publicKeyRaw: Buffer;
  /** X25519 key pair that private messages to this node are sealed to, derived from the Ed25519 key. */
  sealPrivateKey: KeyObject;
  sealKeyRaw: Buffer;
  /** The Ed25519 signature binding sealKeyRaw to this identity (see NodeKeys in the proto). */
  sealKeySignature: Buffer;
}

/** What a signature over a seal key starts with, so it can never pass for a message signature. */
export const SEAL_KEY_DOMAIN = 'lanchat seal key\0';

export const KEY_FILE = 'identity.pem';

export async function loadOrCreateIdentity(dataDir: string): Promise<Identity> {
  const existing = await loadIdentity(dataDir);
  if (existing !== undefined) return existing;
  const privateKey = generateKeyPairSync('ed25519').privateKey;
  try {
    // Whole or not at all, and only if no key is there: two first starts racing for one folder must not
    // overwrite each other's key.
    await writeFileAtomic(join(dataDir, KEY_FILE), privateKey.export({ type: 'pkcs8', format: 'pem' }), { exclusive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw fileError('DATA_DIR_ACCESS', { what: 'identity', path: join(dataDir, KEY_FILE), dataDir, trouble: fileTrouble(err), doing: 'write' }, err);
    }
    const other = await loadIdentity(dataDir);
    if (other !== undefined) return other;
  }
  return identityFromPrivateKey(privateKey);
}

/**
 * The identity of a data folder lanchat has already used, or undefined if it has none. A key file that
 * is there but is no Ed25519 key (empty, cut short, garbled) is IDENTITY_DAMAGED, naming the file: never
 * replaced by a new key without a word, which would make this node someone else.
 */
export async function loadIdentity(dataDir: string): Promise<Identity | undefined> {
  const path = join(dataDir, KEY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    // The data folder itself is a file (`--data` naming one).
    if (code === 'ENOTDIR') throw fileError('DATA_DIR_ACCESS', { what: 'data-folder', path: dataDir, dataDir, trouble: 'not-a-folder' }, err);
    throw fileError('DATA_DIR_ACCESS', { what: 'identity', path, dataDir, trouble: fileTrouble(err), doing: 'read' }, err);
  }
  try {
    return identityFromPrivateKey(createPrivateKey(text));
  } catch (err) {
    throw fileError('IDENTITY_DAMAGED', { what: 'identity', path, dataDir, trouble: text.trim() === '' ? 'empty' : 'garbled' }, err);
  }
}

export function identityFromPrivateKey(privateKey: KeyObject): Identity {
  const publicKey = createPublicKey(privateKey);
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || jwk.x === undefined || jwk.d === undefined) throw new Error('not an Ed25519 key');
  const publicKeyRaw = Buffer.from(jwk.x, 'base64url');
  const nodeId = nodeIdOf(publicKeyRaw);
  // Derived rather than stored: one key file, and the seal key can never drift from the identity.
  const sealSeed = Buffer.from(hkdfSync('sha256', Buffer.from(jwk.d, 'base64url'), nodeId, 'lanchat seal key', 32));
  const sealPrivateKey = x25519PrivateKey(sealSeed);
  const sealKeyRaw = Buffer.from(createPublicKey(sealPrivateKey).export({ format: 'jwk' }).x!, 'base64url');
  const sealKeySignature = sign(null, Buffer.concat([Buffer.from(SEAL_KEY_DOMAIN), sealKeyRaw]), privateKey);
  return { nodeId, nodeIdHex: nodeId.toString('hex'), publicKey, privateKey, publicKeyRaw, sealPrivateKey, sealKeyRaw, sealKeySignature };
}

/** The node id an Ed25519 public key (raw 32 bytes) stands for: its SHA-256. */
export function nodeIdOf(publicKeyRaw: Uint8Array): Buffer {
  return createHash('sha256').update(publicKeyRaw).digest();
}

/** An Ed25519 public key from its raw 32 bytes (as messages and hellos carry it). */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/** An X25519 private key from its raw 32 bytes (the library clamps it). */
function x25519PrivateKey(raw: Buffer): KeyObject {
  // PKCS#8 wrapping of a raw X25519 key (RFC 8410): a fixed 16-byte header, then the key.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), raw]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

/** A throwaway identity, for load generators and tests that need no data folder. */
export function ephemeralIdentity(): Identity {
  return identityFromPrivateKey(generateKeyPairSync('ed25519').privateKey);
}
