import type { Notice, RelayAddress } from '../chat/views.js';
import { isLoopback } from '../net/address.js';
import { type Candidate, decide, type Role, successors } from './decide.js';
import type { FailoverAction, FailoverEvent, FailoverSelf, FailoverState, FailoverStep, Following } from './failover-types.js';
import type { LinkLost, NextDial, ProbeProof, RosterPeer } from './failover-types.js';
import type { ProbeClaim } from './probe.js';
import { compareRank } from './rank.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';

export type * from './failover-types.js';

/**
 * Failover as a pure function: (state, event) -> (next state, actions). Who leads, who is dialed next,
 * when a relay steps down. No timers, no sockets, no clock: the coordinator (src/node/failover-driver.ts)
 * passes the time in each event and carries the actions out, in order.
 */

/** A node we are told to join may answer NOT_RELAY while it notices it is the successor; this long. */
export const FOLLOW_PATIENCE_MS = DEFAULT_LIMITS.followPatienceMs;
/** A node that did not answer is left out of elections this long, or until it announces itself again. */
export const UNREACHABLE_MS = DEFAULT_LIMITS.unreachableMs;
/**
 * A place (address and port) where a candidate did not answer is left out this long, whatever its adverts
 * say meanwhile: longer than a round of tries through several such places (each costs a hello timeout),
 * or forged adverts would keep a node trying them in turn for ever. A real relay there is still found by
 * probes (a relay probes every relay it sees) and by the roster.
 */
export const UNREACHABLE_PLACE_MS = 60_000;
/** Dial timeout for a relay we had given up on (the dead relay a stale successor points us to). */
export const PROBABLY_GONE_DIAL_MS = DEFAULT_LIMITS.probablyGoneDialMs;
/** Known relay addresses kept (failover-types.ts FailoverState.known). */
export const MAX_KNOWN_RELAYS = 8;

const LOOPBACK = '127.0.0.1';

export function initialState(self: FailoverSelf): FailoverState {
  return {
    self,
    pinned: false,
    home: undefined,
    role: 'electing',
    epoch: 0,
    windowOpen: false,
    connected: false,
    stopped: false,
    following: undefined,
    unreachable: new Map(),
    unreachableAt: new Map(),
    peers: new Map(),
    known: [],
  };
}

/** The known addresses a relay probes besides what mDNS shows: all but its own listener. */
export function knownRelays(state: FailoverState): RelayAddress[] {
  return state.known.filter((a) => !(isLoopback(a.host) && a.port === state.self.port));
}

export function step(state: FailoverState, event: FailoverEvent): FailoverStep {
  const turn = new Turn(state, event.now);
  switch (event.type) {
    case 'start':
      turn.start(event.host, event.connect, event.discovery);
      break;
    case 'window-closed':
      turn.s.windowOpen = false;
      turn.reconsider();
      break;
    case 'advert':
      turn.advert(event.peer, event.electable);
      break;
    case 'gone':
      turn.s.peers.delete(event.nodeId);
      break;
    case 'connected':
      turn.s.following = undefined;
      turn.s.connected = true;
      if (event.relay.id !== state.self.nodeId) turn.setRole('member', event.relay.epoch);
      break;
    case 'lost':
      turn.s.connected = false;
      if (!state.stopped) turn.lost(event.info, event.roster);
      break;
    case 'probe':
      turn.probe(event.claim, event.host, event.proof);
      break;
    case 'stop':
      turn.s.stopped = true;
      turn.s.windowOpen = false;
      break;
  }
  return turn.result();
}

/**
 * The reaction to a lost link as the member's reconnect policy wants it: the next dial (undefined: the
 * member's default, the same target after backoff) apart from the other actions.
 */
export function linkLost(
  state: FailoverState,
  event: Extract<FailoverEvent, { type: 'lost' }>,
): { state: FailoverState; actions: FailoverAction[]; next: NextDial | undefined } {
  const { state: next, actions } = step(state, event);
  return { state: next, actions: actions.filter((a) => a.type !== 'dial'), next: nextDialOf(actions) };
}

/** The last dial among `actions`, as a NextDial (the last one wins, as the member's retarget does). */
export function nextDialOf(actions: readonly FailoverAction[]): NextDial | undefined {
  const dial = actions.findLast((a) => a.type === 'dial');
  if (dial === undefined) return undefined;
  return { target: dial.target, delay: dial.delay, ...(dial.dialTimeoutMs === undefined ? {} : { dialTimeoutMs: dial.dialTimeoutMs }) };
}

type Draft = { -readonly [K in keyof FailoverState]: FailoverState[K] } & {
  unreachable: Map<string, number>;
  unreachableAt: Map<string, number>;
  peers: Map<string, Candidate>;
};

/** One event's worth of work on a copy of the state: the same steps, in the same order, as one method each. */
class Turn {
  readonly s: Draft;
  readonly #now: number;
  readonly #actions: FailoverAction[] = [];

  constructor(state: FailoverState, now: number) {
    this.#now = now;
    const unreachable = new Map([...state.unreachable].filter(([, until]) => until > now));
    const unreachableAt = new Map([...state.unreachableAt].filter(([, until]) => until > now));
    this.s = { ...state, unreachable, unreachableAt, peers: new Map(state.peers) };
  }

  result(): FailoverStep {
    return { state: this.s, actions: this.#actions };
  }

  start(host: boolean, connect: RelayAddress | undefined, discovery: boolean): void {
    this.s.pinned = connect !== undefined;
    this.s.home = connect;
    if (connect !== undefined) this.#remember(connect);
    if (host) {
      this.#lead(this.#nextEpoch());
    } else if (connect !== undefined) {
      this.#dial(connect, 'now');
    } else if (!discovery) {
      this.#lead(1);
    } else {
      this.#notice({ code: 'LOOKING' });
      this.s.windowOpen = true;
      this.reconsider(); // a relay may already be known
    }
  }

  advert(peer: Candidate, electable: boolean): void {
    if (electable) this.s.peers.set(peer.nodeId, peer);
    else this.s.peers.delete(peer.nodeId);
    // It announced itself again: worth another try, unless at the very place that just failed to answer
    // (a forged advert need only change its epoch to look new).
    this.s.unreachable.delete(peer.nodeId);
    // Two relays (nodes that elected at the same moment, a healed partition): settle it now.
    if (this.s.role === 'relay' && peer.role === 'relay' && !this.s.stopped) this.#actions.push({ type: 'probe' });
    this.reconsider();
  }

  /** Not attached to a relay and not already dialing one the election chose: decide what to do. */
  reconsider(): void {
    const s = this.s;
    if (s.stopped || s.role === 'relay' || s.connected || s.following !== undefined || s.pinned) return;
    const decision = decide({ self: this.#self(), peers: this.#reachablePeers(), windowOpen: s.windowOpen });
    if (decision.action === 'lead') this.#lead(decision.epoch);
    else if (decision.action === 'follow') this.#follow(decision.relay, []);
  }

  setRole(role: Role, epoch = this.s.epoch): void {
    if (role === this.s.role && epoch === this.s.epoch) return;
    this.s.role = role;
    this.s.epoch = epoch;
    this.#actions.push({ type: 'set-role', role, epoch });
  }

  lost(info: LinkLost, roster: readonly RosterPeer[]): void {
    const following = this.s.following;
    if (info.redirected) {
      // A successor that has not noticed yet that the relay is gone points us back at it. The relay may
      // be alive after all (only our path to it broke): try it once; after that, keep asking the successor.
      if (following !== undefined && info.redirectedTo !== undefined && this.s.unreachable.has(info.redirectedTo)) {
        if (following.triedRedirect) this.#backTo(following);
        // On a LAN a live relay answers in milliseconds: do not wait long for one we had given up on.
        else this.#dial(info.target, 'now', PROBABLY_GONE_DIAL_MS);
        this.s.following = { ...following, triedRedirect: true };
      } else {
        // Where we were sent, at once: what the member did by itself, said outright for its reconnect policy.
        this.#dial(info.target, 'now');
      }
      return;
    }
    const lost = info.relay;
    if (lost !== undefined) {
      if (lost.id === this.s.self.nodeId) return; // our own relay: the member just redials it
      this.#remember(info.target);
      this.s.unreachable.set(lost.id, this.#now + UNREACHABLE_MS);
      this.#notice({ code: 'RELAY_LOST', relay: lost.nick, reason: info.reason });
      this.setRole('electing');
      const viaLoopback = isLoopback(info.target.host);
      const candidates = roster.map((p) => ({
        nodeId: p.nodeId,
        rank: p.rank,
        role: 'member' as const,
        epoch: lost.epoch,
        // A loopback address is only this machine's: use it only if the relay was on this machine too.
        host: p.addresses.find((a) => viaLoopback || !isLoopback(a)) ?? '',
        port: p.port,
      }));
      this.s.following = undefined;
      this.#tryNext(successors(candidates, lost.id).filter((c) => c.host !== '' || c.nodeId === this.s.self.nodeId));
      return;
    }
    if (following === undefined) {
      const home = this.s.home;
      // Sent somewhere (a redirect, a hand-over) that does not answer: back to the --connect address,
      // not the dead place for ever.
      if (this.s.pinned && home !== undefined && (info.target.host !== home.host || info.target.port !== home.port)) {
        this.#dial(home, 'backoff');
        return;
      }
      this.reconsider();
      return;
    }
    const patient = this.#now - following.since < FOLLOW_PATIENCE_MS;
    const { host, port } = following.candidate;
    if (info.target.host !== host || info.target.port !== port) {
      // The place the candidate sent us to did not answer: back to the candidate.
      if (patient) this.#backTo(following);
      else this.#skip(following);
      return;
    }
    // It answered but is not the relay yet: it may be noticing that it is the successor. Give it time.
    if (info.refusal === 'NOT_RELAY' && patient) return;
    this.#skip(following);
  }

  /**
   * Another node's probe (or its answer to ours): if both are relays, the lower-ranked one steps down. A
   * claim that would make this one step down counts only once verified (failover-types.ts ProbeProof):
   * anyone can send a probe naming any rank and any port.
   */
  probe(claim: ProbeClaim, host: string, proof: ProbeProof): void {
    if (this.s.role !== 'relay' || claim.nodeId === this.s.self.nodeId || proof === 'refuted') return;
    const other = claim.rank;
    const mine = this.s.self.rank;
    const theyWin = compareRank(other, mine) < 0;
    if (proof !== 'verified') {
      if (theyWin) this.#actions.push({ type: 'verify-probe', to: { nodeId: claim.nodeId, host, port: claim.port } });
      // This one keeps the relay either way: the other --host is told by its own probe's answer, and
      // steps down before this one's probe would reach it as a relay. Only a warning: nothing changes.
      else if (other.forced && mine.forced) this.#notice({ code: 'TWO_FORCED', keeper: 'self', host });
      return;
    }
    if (other.forced && mine.forced) this.#notice({ code: 'TWO_FORCED', keeper: theyWin ? 'other' : 'self', host });
    if (!theyWin) return;
    this.#notice({ code: 'HANDING_OVER', host, port: claim.port });
    this.setRole('electing');
    this.s.following = {
      candidate: { nodeId: claim.nodeId, rank: other, role: 'relay', epoch: claim.epoch, host, port: claim.port },
      since: this.#now,
      queue: [],
      triedRedirect: false,
    };
    // Every member, this node's own included, is sent to the winner.
    this.#actions.push({ type: 'hand-over', to: { nodeId: claim.nodeId, host, port: claim.port } });
  }

  #lead(epoch: number): void {
    if (this.s.stopped) return;
    this.s.windowOpen = false;
    this.s.following = undefined;
    this.#actions.push({ type: 'lead', epoch });
    this.setRole('relay', epoch);
    this.#dial({ host: LOOPBACK, port: this.s.self.port }, 'now', undefined, true);
  }

  #follow(candidate: Candidate, queue: readonly Candidate[]): void {
    this.s.following = { candidate, since: this.#now, queue, triedRedirect: false };
    this.#dial({ host: candidate.host, port: candidate.port }, 'now');
  }

  /** Tries the next successor in line; when there is none, falls back to what mDNS shows. */
  #tryNext(queue: readonly Candidate[]): void {
    const [next, ...rest] = queue;
    if (next === undefined) {
      this.s.following = undefined;
      this.reconsider();
    } else if (next.nodeId === this.s.self.nodeId) {
      this.#lead(this.s.epoch + 1);
    } else {
      this.#follow(next, rest);
    }
  }

  #remember(address: RelayAddress): void {
    const others = this.s.known.filter((a) => a.host !== address.host || a.port !== address.port);
    this.s.known = [address, ...others].slice(0, MAX_KNOWN_RELAYS);
  }

  #backTo(following: Following): void {
    this.#dial({ host: following.candidate.host, port: following.candidate.port }, 'backoff');
  }

  /** The candidate did not answer (in time): leave it out for a while and try the next one. */
  #skip(following: Following): void {
    this.s.unreachable.set(following.candidate.nodeId, this.#now + UNREACHABLE_MS);
    this.s.unreachableAt.set(placeOf(following.candidate), this.#now + UNREACHABLE_PLACE_MS);
    this.#tryNext(following.queue);
  }

  #dial(target: RelayAddress, delay: 'now' | 'backoff', dialTimeoutMs?: number, force?: boolean): void {
    this.#actions.push({
      type: 'dial',
      target,
      delay,
      ...(dialTimeoutMs === undefined ? {} : { dialTimeoutMs }),
      ...(force === undefined ? {} : { force }),
    });
  }

  #notice(notice: Notice): void {
    this.#actions.push({ type: 'notice', notice });
  }

  #self(): Candidate {
    const { nodeId, rank, port } = this.s.self;
    return { nodeId, rank, role: this.s.role, epoch: this.s.epoch, host: LOOPBACK, port };
  }

  /** Nodes of the network mDNS has seen, minus those that recently failed to answer, by id or by place. */
  #reachablePeers(): Candidate[] {
    return [...this.s.peers.values()].filter((p) => !this.s.unreachable.has(p.nodeId) && !this.s.unreachableAt.has(placeOf(p)));
  }

  #nextEpoch(): number {
    return Math.max(this.s.epoch, ...this.#reachablePeers().map((p) => p.epoch)) + 1;
  }
}

/** Where a candidate says it listens, as unreachableAt keys it. */
function placeOf(c: { host: string; port: number }): string {
  return `${c.host}:${c.port}`;
}
