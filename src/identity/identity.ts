import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  sign,
} from 'node:crypto';
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
