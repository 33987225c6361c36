import { describe, expect, it } from 'vitest';
import { ephemeralIdentity, identityFromPrivateKey } from '../../src/identity/identity.js';
import { nodeKeysOf, provenSealKey } from '../../src/identity/node-keys.js';
import { seal, unseal } from '../../src/identity/seal.js';

const ann = ephemeralIdentity();
const bob = ephemeralIdentity();
const eve = ephemeralIdentity();

describe('sealed private messages', () => {
  it('opens for the recipient and the sender only', () => {
    const sealed = seal('meet at noon ☕', bob.sealKeyRaw, ann.sealKeyRaw);
    expect(unseal(sealed, bob.sealPrivateKey, bob.sealKeyRaw, 'recipient')).toBe('meet at noon ☕');
    expect(unseal(sealed, ann.sealPrivateKey, ann.sealKeyRaw, 'sender')).toBe('meet at noon ☕');
    expect(unseal(sealed, eve.sealPrivateKey, eve.sealKeyRaw, 'recipient')).toBeUndefined();
    expect(unseal(sealed, eve.sealPrivateKey, eve.sealKeyRaw, 'sender')).toBeUndefined();
    expect(Buffer.from(sealed.ciphertext!).includes(Buffer.from('noon'))).toBe(false);
  });

  it('refuses a tampered body', () => {
    const sealed = seal('hello', bob.sealKeyRaw, ann.sealKeyRaw);
    const ciphertext = Buffer.from(sealed.ciphertext!);
    ciphertext[0]! ^= 1;
    expect(unseal({ ...sealed, ciphertext }, bob.sealPrivateKey, bob.sealKeyRaw, 'recipient')).toBeUndefined();
  });

  it('trusts a seal key only when the node’s own key signed it', () => {
    expect(provenSealKey(bob.nodeId, nodeKeysOf(bob))).toEqual(bob.sealKeyRaw);
    // A relay swapping in its own seal key for bob's, or passing eve's keys off as bob's:
    expect(provenSealKey(bob.nodeId, { ...nodeKeysOf(bob), sealKey: eve.sealKeyRaw })).toBeUndefined();
    expect(provenSealKey(bob.nodeId, nodeKeysOf(eve))).toBeUndefined();
    expect(provenSealKey(bob.nodeId, undefined)).toBeUndefined();
  });

  it('derives the seal key from the identity key: the same after a restart, different per node', () => {
    expect(identityFromPrivateKey(bob.privateKey).sealKeyRaw).toEqual(bob.sealKeyRaw);
    expect(ann.sealKeyRaw.equals(bob.sealKeyRaw)).toBe(false);
  });
});
