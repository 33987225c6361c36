import type { LostInfo, NextDial } from '../net/link-policy.js';
import type { Notice, RelayAddress, RelayInfo } from '../chat/views.js';
import type { Candidate, Role } from './decide.js';
import type { ProbeClaim } from './probe.js';
import type { Rank } from './rank.js';

/**
 * The words of failover (failover.ts): what it remembers, what it is told, what it asks for. Plain data:
 * time comes in the events, and the coordinator (src/node/) owns every timer and socket.
 */

/** This node, as the election sees it. */
export interface FailoverSelf {
  /** Hex node id. */
  nodeId: string;
  rank: Rank;
  /** Where it listens: its own member dials its relay here over loopback. */
  port: number;
}

/** The node this one is dialing because the election chose it (or a relay outranked ours), and who next. */
export interface Following {
  candidate: Candidate;
  /** When it was chosen: how long a NOT_RELAY from it is waited out. */
  since: number;
  /** Who to try after it, best first. */
  queue: readonly Candidate[];
  /** It redirected us to a relay we had given up on, and we went there once. */
  triedRedirect: boolean;
}

export interface FailoverState {
  readonly self: FailoverSelf;
  /** Started with --connect: the member stays on that address, and this node never elects. */
  readonly pinned: boolean;
  readonly role: Role;
  readonly epoch: number;
  /** The first discovery window after start: no relay seen yet may just mean not seen yet. */
  readonly windowOpen: boolean;
  /** The member is attached to a relay (between its 'connected' and its next lost link). */
  readonly connected: boolean;
  readonly stopped: boolean;
  readonly following: Following | undefined;
  /** Node id -> until when (ms) it is left out of elections: it did not answer. */
  readonly unreachable: ReadonlyMap<string, number>;
  /** The other nodes of the network mDNS shows that could be elected (our protocol, an address). */
  readonly peers: ReadonlyMap<string, Candidate>;
}

/** Why the member lost its link. */
export type LinkLost = LostInfo;

/** A peer of the lost relay's roster, as the member holds it. */
export interface RosterPeer {
  nodeId: string;
  rank: Rank;
  addresses: readonly string[];
  port: number;
}

export type { NextDial };

/** How a relay's probe proved its node id: on an open network nothing can be proven ('none'). */
export type ProbeProof = 'none' | 'proven' | 'refuted';

export type FailoverEvent =
  | { type: 'start'; now: number; host: boolean; connect: RelayAddress | undefined; discovery: boolean }
  | { type: 'window-closed'; now: number }
  /** An mDNS advert, new or changed; `electable`: it speaks our protocol and has an address. */
  | { type: 'advert'; now: number; peer: Candidate; electable: boolean }
  /** mDNS says goodbye for this node (or its record expired). */
  | { type: 'gone'; now: number; nodeId: string }
  | { type: 'connected'; now: number; relay: RelayInfo }
  /** The member's link is gone; `roster`: who was online, as the member last knew it. */
  | { type: 'lost'; now: number; info: LinkLost; roster: readonly RosterPeer[] }
  /** Another relay's probe, or its answer to ours; `host`: the address it came from. */
  | { type: 'probe'; now: number; claim: ProbeClaim; host: string; proof: ProbeProof }
  | { type: 'stop'; now: number };

export type FailoverAction =
  /** Point the member at `target`. `force`: even away from a live link (outside a lost link only). */
  | { type: 'dial'; target: RelayAddress; delay: 'now' | 'backoff'; dialTimeoutMs?: number; force?: boolean }
  /** Take the relay role (start the relay, unless it runs already) with this epoch. */
  | { type: 'lead'; epoch: number }
  /** Step down: this node's relay sends every member, its own included, to `to`. */
  | { type: 'hand-over'; to: { nodeId: string; host: string; port: number } }
  /** The role or epoch changed: advertise it. */
  | { type: 'set-role'; role: Role; epoch: number }
  /** Ask the relays mDNS shows whether this one should step down. */
  | { type: 'probe' }
  | { type: 'notice'; notice: Notice };

export interface FailoverStep {
  state: FailoverState;
  actions: FailoverAction[];
}
