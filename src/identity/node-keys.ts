import { verify } from 'node:crypto';
import type { lanchat } from '../wire/protobuf.js';
import { ed25519PublicKey, type Identity, nodeIdOf, SEAL_KEY_DOMAIN } from './identity.js';

/** The public keys a node announces in its hello, and the relay passes on in the roster. */
export function nodeKeysOf(identity: Identity): lanchat.NodeKeys.$Properties {
  return { publicKey: identity.publicKeyRaw, sealKey: identity.sealKeyRaw, sealKeySignature: identity.sealKeySignature };
}

/**
 * The seal key of the node `nodeId`, if `keys` prove it: the public key hashes to the node id, and it
 * signed the seal key. Whoever passed the keys on (the relay) could not have swapped them.
 */
export function provenSealKey(nodeId: Uint8Array, keys: lanchat.NodeKeys.$Properties | null | undefined): Buffer | undefined {
  const { publicKey, sealKey, sealKeySignature } = keys ?? {};
  if (!publicKey || publicKey.length !== 32 || !sealKey || sealKey.length !== 32 || !sealKeySignature) return undefined;
  if (!nodeIdOf(publicKey).equals(nodeId)) return undefined;
  try {
    const signed = Buffer.concat([Buffer.from(SEAL_KEY_DOMAIN), sealKey]);
    return verify(null, signed, ed25519PublicKey(publicKey), sealKeySignature) ? Buffer.from(sealKey) : undefined;
  } catch {
    return undefined;
  }
}
