import { best, byRank, compareRank, type Rank } from './rank.js';

export type Role = 'relay' | 'member' | 'electing';

/** A node as the election sees it: from its mDNS advert, the relay's roster, or a probe. */
export interface Candidate {
  nodeId: string;
  rank: Rank;
  role: Role;
  epoch: number;
  host: string;
  port: number;
}

export type Decision =
  | { action: 'wait' }
  | { action: 'lead'; epoch: number }
  | { action: 'follow'; relay: Candidate };

export interface ElectionView {
  self: Candidate;
  /** Other nodes of the network, believed reachable (those that failed to answer are left out). */
  peers: readonly Candidate[];
  /** Still inside the first discovery window after start: no relay seen yet may just mean not seen yet. */
  windowOpen: boolean;
}

/**
 * What a node that is not attached to a relay should do.
 *  - A relay is known: join the best one (stickiness: a newcomer never unseats a relay), unless this node
 *    is forced (--host) and that relay is not, in which case it takes over.
 *  - This node is a relay and a better relay is known: step down and join it.
 *  - No relay: wait for the discovery window, then every node computes the same winner among all it
 *    sees; the winner leads with an epoch above every epoch seen, the others join it.
 */
export function decide({ self, peers, windowOpen }: ElectionView): Decision {
  const relays = peers.filter((p) => p.role === 'relay');
  const nextEpoch = Math.max(self.epoch, ...peers.map((p) => p.epoch)) + 1;
  if (self.role === 'relay') {
    const better = best(relays.filter((r) => compareRank(r.rank, self.rank) < 0));
    return better === undefined ? { action: 'lead', epoch: self.epoch } : { action: 'follow', relay: better };
  }
  const top = best(relays);
  if (top !== undefined) {
    if (self.rank.forced && !top.rank.forced) return { action: 'lead', epoch: nextEpoch };
    return { action: 'follow', relay: top };
  }
  if (windowOpen) return { action: 'wait' };
  const winner = best([self, ...peers]);
  return winner === self ? { action: 'lead', epoch: nextEpoch } : { action: 'follow', relay: winner! };
}

/**
 * After the relay is lost, the order in which its members try a successor: the best-ranked node of the
 * roster first. Every member holds the same roster, so they all pick the same node, and that node, on
 * finding itself first, leads at once.
 */
export function successors(roster: readonly Candidate[], lostRelayId: string): Candidate[] {
  return byRank(roster.filter((c) => c.nodeId !== lostRelayId));
}
