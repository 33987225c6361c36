import type { lanchat } from '../wire/protobuf.js';
import type { Rank } from './rank.js';

/** What another relay's probe says about it, read and checked: enough to decide which of two relays stays. */
export interface ProbeClaim {
  /** Hex node id. */
  nodeId: string;
  rank: Rank;
  /** Where it listens: the members of the relay that steps down are sent there. */
  port: number;
  epoch: number;
}

/**
 * The claim of a probe from a relay of `network`, or undefined for anything else: another network, a
 * node that is not a relay, or a malformed field. A probe can make a relay hand its members over, so
 * what is handed on (a node id, a port) is checked as strictly as an mDNS advert is.
 */
export function probeClaim(probe: lanchat.Probe.$Properties, network: string): ProbeClaim | undefined {
  const { nodeId, port, rank, epoch } = probe;
  if (probe.network !== network || probe.relay !== true) return undefined;
  if (!(nodeId instanceof Uint8Array) || nodeId.length !== 32) return undefined;
  if (!Number.isInteger(port) || port! <= 0 || port! > 65535) return undefined;
  // No rank, or no start time, would rank first (the oldest node wins): an advert must have them too.
  if (rank === null || rank === undefined) return undefined;
  const weight = rank.weight ?? 0;
  const startedAt = rank.startedAt ?? 0;
  if (!isCount(weight) || !isCount(startedAt) || startedAt === 0 || !isCount(epoch ?? 0)) return undefined;
  const id = Buffer.from(nodeId.buffer, nodeId.byteOffset, nodeId.length).toString('hex');
  return { nodeId: id, rank: { forced: rank.forced === true, weight, startedAt, nodeId: id }, port: port!, epoch: epoch ?? 0 };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
