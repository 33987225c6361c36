import { createHash, randomBytes, sign, verify } from 'node:crypto';
import type { lanchat } from '../wire/protobuf.js';
import { ed25519PublicKey, type Identity, nodeIdOf } from './identity.js';

/**
 * Proof that a node id is really the speaker's: a signature with the node's identity key over keying
 * material exported from this very TLS session (identical at both ends, different in every session).
 * A proof cannot be replayed on another link, so a node id cannot be borrowed by someone who merely saw it.
 */

const PROOF_DOMAIN = 'lanchat identity proof\0';

export function proveIdentity(identity: Identity, material: Buffer): Buffer {
  return sign(null, Buffer.concat([Buffer.from(PROOF_DOMAIN), material]), identity.privateKey);
}

/** `keys` belong to `nodeId` (the public key hashes to it) and `proof` signs `material` with them. */
export function identityProven(
  nodeId: Uint8Array,
  keys: lanchat.NodeKeys.$Properties | null | undefined,
  proof: Uint8Array | null | undefined,
  material: Buffer,
): boolean {
  const publicKey = keys?.publicKey;
  if (!publicKey || publicKey.length !== 32 || !proof || proof.length !== 64) return false;
  if (!nodeIdOf(publicKey).equals(nodeId)) return false;
  try {
    return verify(null, Buffer.concat([Buffer.from(PROOF_DOMAIN), material]), ed25519PublicKey(publicKey), proof);
  } catch {
    return false;
  }
}

const CHALLENGE_DOMAIN = 'lanchat challenge\0';
/** Length of a challenge nonce. */
export const CHALLENGE_BYTES = 32;

/**
 * What a proof signs on an open network, where no TLS session gives both ends the same fresh material:
 * the network, the node id of the one who asked (so a proof made for one relay is worth nothing to
 * another) and fresh nonces. `purpose` keeps a probe's proof from standing for a hello's.
 */
export function challengeMaterial(purpose: 'link' | 'probe', network: string, askerId: Uint8Array, ...nonces: Uint8Array[]): Buffer {
  const hash = createHash('sha256').update(CHALLENGE_DOMAIN).update(purpose).update('\0').update(network).update('\0').update(askerId);
  for (const nonce of nonces) hash.update(nonce);
  return hash.digest();
}

/** A fresh nonce for a challenge. */
export function challengeNonce(): Buffer {
  return randomBytes(CHALLENGE_BYTES);
}

/** Whether `nonce` is one a challenge can use (the right length). */
export function isNonce(nonce: Uint8Array | null | undefined): nonce is Uint8Array {
  return nonce instanceof Uint8Array && nonce.length === CHALLENGE_BYTES;
}
