import type { RelayAddress } from '../chat/views.js';
import type { Advert } from '../discovery/advert.js';
import type { Role } from '../election/decide.js';
import type { ProbeProof } from '../election/failover.js';
import { type ProbeClaim, probeClaim } from '../election/probe.js';
import type { Rank } from '../election/rank.js';
import type { Identity } from '../identity/identity.js';
import { nodeKeysOf } from '../identity/node-keys.js';
import { challengeMaterial, challengeNonce, identityProven, isNonce, proveIdentity } from '../identity/proof.js';
import { normalizeAddress } from '../net/address.js';
import type { Connection } from '../net/connection.js';
import { dial } from '../net/dial.js';
import type { NetworkSecret } from '../net/secret.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';

/** A relay asks the other relays mDNS knows of who should step down this often. */
export const PROBE_INTERVAL_MS = DEFAULT_LIMITS.probeIntervalMs;
/**
 * Probes of our own under way at most: an inbound probe can make this node dial the address it names
 * (to check it), and a stream of probes naming other ports must not turn into a stream of dials.
 */
export const MAX_PROBES_UNDER_WAY = 4;

export interface RelayProbesOptions {
  identity: Identity;
  network: string;
  port: number;
  secret: NetworkSecret | undefined;
  rank: Rank;
  /** This node's role and epoch now: what its probe (or its answer to one) says. */
  role: () => Role;
  epoch: () => number;
  /** Another relay's claim, read and checked, with how its node id was proven. */
  onClaim: (claim: ProbeClaim, host: string, proof: ProbeProof) => void;
}

/**
 * Relay-to-relay probes: two relays that see each other (a healed partition, two --host) swap one probe
 * frame over TCP each, for mDNS may be stale, and failover decides which one steps down. Only the answer
 * to a probe this node sent itself, to the address it would send its members to, can be 'verified': the
 * node there signed this probe's fresh challenge (or the TLS session) with the key of the node id it
 * claims. A probe that arrives is at most a reason to go and check (`verify`).
 */
export class RelayProbes {
  readonly #options: RelayProbesOptions;
  /** host:port with a probe of ours under way. */
  readonly #probing = new Set<string>();

  constructor(options: RelayProbesOptions) {
    this.#options = options;
  }

  /**
   * mDNS says these nodes are relays, and a relay was once reached at the `known` addresses: ask them over
   * TCP (mDNS may be stale, or off) and let the lower step down. A node there that is not a relay answers
   * as one that is not, and nothing follows.
   */
  probe(adverts: readonly Advert[], known: readonly RelayAddress[] = []): void {
    for (const advert of adverts) {
      if (advert.role !== 'relay' || advert.addresses.length === 0) continue;
      this.#ask(advert.addresses[0]!, advert.port, advert.nodeId);
    }
    for (const { host, port } of known) this.#ask(host, port, undefined);
  }

  /** Asks the node at `host:port` whether it is the relay `nodeId`, proven (an inbound probe said so). */
  verify(to: { nodeId: string; host: string; port: number }): void {
    this.#ask(to.host, to.port, to.nodeId);
  }

  /** A probe that opened an inbound link: answered with ours, then read. */
  answer(conn: Connection, probe: lanchat.Probe.$Properties): void {
    conn.sendFrame(this.#frame(conn, probe));
    conn.close();
    const claim = probeClaim(probe, this.#options.network);
    if (claim === undefined) return;
    // Over TLS the prober proved its node id on this link; on an open network it could not. Either way it
    // named a port: failover has this node dial it before anything is handed over.
    const material = conn.proofMaterial();
    const proof = material === undefined ? 'none' : identityProven(probe.nodeId!, probe.keys, probe.proof, material) ? 'proven' : 'refuted';
    this.#options.onClaim(claim, normalizeAddress(conn.remoteAddress), proof);
  }

  #ask(host: string, port: number, nodeId: string | undefined): void {
    const key = `${host}:${port}`;
    if (this.#probing.has(key) || this.#probing.size >= MAX_PROBES_UNDER_WAY) return;
    this.#probing.add(key);
    const secret = this.#options.secret;
    void dial(host, port, { heartbeatMs: 0, timeoutMs: PROBE_INTERVAL_MS, ...(secret === undefined ? {} : { secret }) })
      .then(
        (conn) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => conn.close(), PROBE_INTERVAL_MS);
            const challenge = challengeNonce();
            conn.once('frame', (frame) => {
              if (frame.kind === 'probe') this.#readAnswer(frame.probe, conn, { host, port, nodeId, challenge });
              conn.close();
            });
            conn.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            conn.sendFrame({ probe: { ...this.#frame(conn, undefined).probe, challenge } });
          }),
      )
      .catch(() => undefined)
      .finally(() => this.#probing.delete(key));
  }

  /**
   * This node's probe on `conn`. It proves the node id (a probe can make a relay hand over): over TLS with
   * the session's keying material; on an open network over the challenge of the probe it answers.
   */
  #frame(conn: Connection, answering: lanchat.Probe.$Properties | undefined): lanchat.Frame.$Shape & { probe: lanchat.Probe.$Shape } {
    const { identity, rank, network } = this.#options;
    const material = conn.proofMaterial() ?? this.#openMaterial(answering);
    return {
      probe: {
        nodeId: identity.nodeId,
        network,
        rank: { forced: rank.forced, weight: rank.weight, startedAt: rank.startedAt },
        relay: this.#options.role() === 'relay',
        port: this.#options.port,
        epoch: this.#options.epoch(),
        ...(material === undefined ? {} : { keys: nodeKeysOf(identity), proof: proveIdentity(identity, material) }),
      },
    };
  }

  /** On an open network: what answering `probe` signs, if it carries a challenge and says who asks. */
  #openMaterial(probe: lanchat.Probe.$Properties | undefined): Buffer | undefined {
    const askerId = probe?.nodeId;
    if (!isNonce(probe?.challenge) || !(askerId instanceof Uint8Array) || askerId.length !== 32) return undefined;
    return challengeMaterial('probe', this.#options.network, askerId, probe.challenge);
  }

  /** The answer to our probe: verified only if it is the node we asked for, where we asked, proven. */
  #readAnswer(probe: lanchat.Probe.$Properties, conn: Connection, asked: { host: string; port: number; nodeId: string | undefined; challenge: Buffer }): void {
    const claim = probeClaim(probe, this.#options.network);
    if (claim === undefined) return;
    const { network, identity } = this.#options;
    const material = conn.proofMaterial() ?? challengeMaterial('probe', network, identity.nodeId, asked.challenge);
    const proven = identityProven(probe.nodeId!, probe.keys, probe.proof, material);
    const verified = proven && claim.port === asked.port && (asked.nodeId === undefined || claim.nodeId === asked.nodeId);
    this.#options.onClaim(claim, asked.host, verified ? 'verified' : 'refuted');
  }
}
