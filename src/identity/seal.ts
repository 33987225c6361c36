import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { lanchat } from '../wire/protobuf.js';

/**
 * Private-message bodies: readable by their sender and their recipient, carried by everyone else.
 * The text is encrypted once under a fresh content key; the content key is wrapped for each of the two
 * seal keys with a key from X25519(fresh ephemeral key, seal key) through HKDF-SHA256.
 */

const TAG_BYTES = 16;
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
/** A wrapping key is used once (fresh ephemeral key per message): a fixed nonce is safe. */
const WRAP_NONCE = Buffer.alloc(NONCE_BYTES);

export type Sealed = lanchat.Sealed.$Properties;

/** Seals `text` to `recipientSealKey` (raw X25519) and to the sender's own `senderSealKey`. */
export function seal(text: string, recipientSealKey: Uint8Array, senderSealKey: Uint8Array): Sealed {
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralKey = rawPublic(ephemeral.publicKey);
  const contentKey = randomBytes(KEY_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  return {
    ephemeralKey,
    nonce,
    ciphertext: encrypt(contentKey, nonce, Buffer.from(text, 'utf8')),
    forRecipient: wrap(ephemeral.privateKey, ephemeralKey, recipientSealKey, contentKey),
    forSender: wrap(ephemeral.privateKey, ephemeralKey, senderSealKey, contentKey),
  };
}

/**
 * The text of a sealed body, for the holder of `sealPrivateKey` (raw public half `sealKey`), reading as
 * the recipient or as the sender. Undefined when it is not for this key or was tampered with.
 */
export function unseal(sealed: Sealed, sealPrivateKey: KeyObject, sealKey: Uint8Array, as: 'recipient' | 'sender'): string | undefined {
  const wrapped = as === 'recipient' ? sealed.forRecipient : sealed.forSender;
  const { ephemeralKey, nonce, ciphertext } = sealed;
  if (!wrapped || !ephemeralKey || ephemeralKey.length !== KEY_BYTES || !nonce || nonce.length !== NONCE_BYTES || !ciphertext) {
    return undefined;
  }
  try {
    const shared = diffieHellman({ privateKey: sealPrivateKey, publicKey: x25519Public(ephemeralKey) });
    const contentKey = decrypt(wrapKey(shared, ephemeralKey, sealKey), WRAP_NONCE, wrapped);
    return decrypt(contentKey, nonce, ciphertext).toString('utf8');
  } catch {
    return undefined;
  }
}

function wrap(ephemeralPrivate: KeyObject, ephemeralKey: Buffer, sealKey: Uint8Array, contentKey: Buffer): Buffer {
  const shared = diffieHellman({ privateKey: ephemeralPrivate, publicKey: x25519Public(sealKey) });
  return encrypt(wrapKey(shared, ephemeralKey, sealKey), WRAP_NONCE, contentKey);
}

/** Both public keys go into the derivation, so a wrap cannot be moved to another key pair. */
function wrapKey(shared: Buffer, ephemeralKey: Uint8Array, sealKey: Uint8Array): Buffer {
  const info = Buffer.concat([Buffer.from('lanchat seal\0'), ephemeralKey, sealKey]);
  return Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), info, KEY_BYTES));
}

function encrypt(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function decrypt(key: Buffer, nonce: Uint8Array, sealed: Uint8Array): Buffer {
  if (sealed.length < TAG_BYTES) throw new Error('too short');
  const body = sealed.subarray(0, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

function x25519Public(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

function rawPublic(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
}

/** What `readableText` needs of a stored private message: its author (hex), recipient and sealed body. */
export interface SealedMessage {
  origin: string;
  shown: { to?: { nodeId?: Uint8Array | null } | null; sealed?: Sealed | null };
}

/**
 * The text of a private message this node (`self`) can read, as its sender or its recipient;
 * undefined for one between two others, or whose seal does not open.
 */
export function readableText(m: SealedMessage, self: { nodeId: Buffer; nodeIdHex: string; sealPrivateKey: KeyObject; sealKeyRaw: Uint8Array }): string | undefined {
  const { to, sealed } = m.shown;
  if (!sealed) return undefined;
  const toSelf = Buffer.from(to?.nodeId ?? []).equals(self.nodeId);
  if (!toSelf && m.origin !== self.nodeIdHex) return undefined;
  return unseal(sealed, self.sealPrivateKey, self.sealKeyRaw, toSelf ? 'recipient' : 'sender');
}
