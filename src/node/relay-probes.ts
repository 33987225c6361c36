import type { Advert } from '../discovery/advert.js';
import type { Role } from '../election/decide.js';
import type { ProbeProof } from '../election/failover.js';
import { type ProbeClaim, probeClaim } from '../election/probe.js';
import type { Rank } from '../election/rank.js';
import type { Identity } from '../identity/identity.js';
import { nodeKeysOf } from '../identity/node-keys.js';
import { identityProven, proveIdentity } from '../identity/proof.js';
import { normalizeAddress } from '../net/address.js';
import type { Connection } from '../net/connection.js';
import { dial } from '../net/dial.js';
import type { NetworkSecret } from '../net/secret.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';

/** A relay asks the other relays mDNS knows of who should step down this often. */
export const PROBE_INTERVAL_MS = DEFAULT_LIMITS.probeIntervalMs;

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
 * frame over TCP each, for mDNS may be stale, and failover decides which one steps down.
 */
export class RelayProbes {
  readonly #options: RelayProbesOptions;
  /** Node ids with a probe under way. */
  readonly #probing = new Set<string>();

  constructor(options: RelayProbesOptions) {
    this.#options = options;
  }

  /** mDNS says these nodes are relays; ask them over TCP (mDNS may be stale) and let the lower step down. */
  probe(adverts: readonly Advert[]): void {
    for (const advert of adverts) {
      if (advert.role !== 'relay' || this.#probing.has(advert.nodeId) || advert.addresses.length === 0) continue;
      const host = advert.addresses[0]!;
      this.#probing.add(advert.nodeId);
      const secret = this.#options.secret;
      void dial(host, advert.port, { heartbeatMs: 0, timeoutMs: PROBE_INTERVAL_MS, ...(secret === undefined ? {} : { secret }) })
        .then(
          (conn) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => conn.close(), PROBE_INTERVAL_MS);
              conn.once('frame', (frame) => {
                if (frame.kind === 'probe') this.#read(frame.probe, conn, host);
                conn.close();
              });
              conn.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              conn.sendFrame(this.#frame(conn));
            }),
        )
        .catch(() => undefined)
        .finally(() => this.#probing.delete(advert.nodeId));
    }
  }

  /** A probe that opened an inbound link: answered with ours, then read. */
  answer(conn: Connection, probe: lanchat.Probe.$Properties): void {
    conn.sendFrame(this.#frame(conn));
    conn.close();
    this.#read(probe, conn, normalizeAddress(conn.remoteAddress));
  }

  /** This node's probe on `conn`; on a TLS link it proves the node id, for a probe can make a relay hand over. */
  #frame(conn: Connection): lanchat.Frame.$Shape {
    const { identity, rank } = this.#options;
    const material = conn.proofMaterial();
    return {
      probe: {
        nodeId: identity.nodeId,
        network: this.#options.network,
        rank: { forced: rank.forced, weight: rank.weight, startedAt: rank.startedAt },
        relay: this.#options.role() === 'relay',
        port: this.#options.port,
        epoch: this.#options.epoch(),
        ...(material === undefined ? {} : { keys: nodeKeysOf(identity), proof: proveIdentity(identity, material) }),
      },
    };
  }

  #read(probe: lanchat.Probe.$Properties, conn: Connection, host: string): void {
    const claim = probeClaim(probe, this.#options.network);
    if (claim === undefined) return;
    const material = conn.proofMaterial();
    const proof = material === undefined ? 'none' : identityProven(probe.nodeId!, probe.keys, probe.proof, material) ? 'proven' : 'refuted';
    this.#options.onClaim(claim, host, proof);
  }
}
