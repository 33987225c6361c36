import type { RelayAddress, RelayInfo } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import { nodeKeysOf } from '../identity/node-keys.js';
import { challengeMaterial, identityProven, isNonce, proveIdentity } from '../identity/proof.js';
import { PROTOCOL_VERSION } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';

/** Who this node is on the network, as its hellos say. */
export interface HelloSelf {
  identity: Identity;
  network: string;
  listenPort: number;
  addresses: string[];
  rank: lanchat.Rank.$Properties;
}

/**
 * The hello this node opens a link with: who it is, where it listens, the nick and rooms it asks for, and,
 * with a room secret, a proof of its node id over this very TLS session (`material`).
 */
export function helloOf(
  self: HelloSelf,
  asked: { nick: string; rooms: string[] },
  material: Buffer | undefined,
  challenge: Buffer,
): lanchat.Hello.$Shape {
  const { identity, network, listenPort, addresses, rank } = self;
  return {
    protocolVersion: PROTOCOL_VERSION,
    nodeId: identity.nodeId,
    nick: asked.nick,
    listenPort,
    addresses,
    rooms: asked.rooms,
    rank,
    network,
    keys: nodeKeysOf(identity),
    challenge,
    ...(material === undefined ? {} : { proof: proveIdentity(identity, material) }),
  };
}

/**
 * Whether a welcome proves the relay's node id over this link's material: its TLS session, or on an open
 * network the challenge the relay sent (hello-challenge in src/node/). A relay that sent no challenge on an
 * open network proved nothing: accepted only when `required` is false (a relay of this process's tests).
 */
export function welcomeProven(welcome: lanchat.Welcome.$Shape, material: Buffer | undefined, required: boolean): boolean {
  if (material === undefined) return !required;
  return identityProven(welcome.relayId ?? new Uint8Array(0), welcome.relayKeys, welcome.proof, material);
}

/**
 * The answer to a relay's challenge on an open network: the material both ends sign from now on, and
 * this node's proof over it; undefined for a malformed challenge.
 */
export function answerChallenge(
  self: Pick<HelloSelf, 'identity' | 'network'>,
  challenge: lanchat.Challenge.$Properties,
  ours: Buffer,
): { material: Buffer; proof: Buffer } | undefined {
  const { nonce, relayId } = challenge;
  if (!isNonce(nonce) || !(relayId instanceof Uint8Array) || relayId.length !== 32) return undefined;
  const material = challengeMaterial('link', self.network, relayId, nonce, ours);
  return { material, proof: proveIdentity(self.identity, material) };
}

/** The relay as the member knows it: from its welcome, at the address dialed. */
export function relayOf(welcome: lanchat.Welcome.$Shape, target: RelayAddress): RelayInfo {
  return {
    id: Buffer.from(welcome.relayId ?? []).toString('hex'),
    nick: welcome.relayNick ?? '',
    epoch: welcome.epoch ?? 0,
    host: target.host,
    port: target.port,
  };
}
