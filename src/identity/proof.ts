import { sign, verify } from 'node:crypto';
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
