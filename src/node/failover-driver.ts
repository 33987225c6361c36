import type { Notice, RelayAddress, RelayInfo } from '../chat/views.js';
import type { Advert } from '../discovery/advert.js';
import type { Discovery } from '../discovery/mdns.js';
import type { Role } from '../election/decide.js';
import {
  type FailoverAction,
  type FailoverEvent,
  type FailoverSelf,
  type FailoverState,
  initialState,
  knownRelays,
  linkLost,
  type NextDial,
  type ProbeProof,
  step,
} from '../election/failover.js';
import type { ProbeClaim } from '../election/probe.js';
import type { LostInfo, Member } from '../member/member.js';
import type { Relay } from '../relay/relay.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../wire/limits.js';
import { PROBE_INTERVAL_MS } from './relay-probes.js';

/** mDNS answers arrive within tens of ms on a LAN; a relay already up is joined as soon as seen. */
export const DISCOVERY_WINDOW_MS = DEFAULT_LIMITS.discoveryWindowMs;
/** A relay re-queries mDNS every this many probe rounds. */
const REQUERY_EVERY_PROBES = 2;

export interface FailoverDriverOptions {
  self: FailoverSelf;
  member: Member;
  discovery: Discovery | undefined;
  discoveryWindowMs: number;
  /** This node's relay, made when it first takes the role (or again after it handed over). */
  newRelay: (epoch: number) => Relay;
  /** Announces this node's role and epoch (mDNS). */
  advertise: (role: Role, epoch: number) => void;
  notice: (notice: Notice) => void;
  /**
   * Asks the relays mDNS shows, and the addresses where a relay was once reached (`known`), whether this
   * one should step down (relay-probes.ts).
   */
  probeOtherRelays: (known: readonly RelayAddress[]) => void;
  /** Dials the place a probe named and has the node there prove the claim (relay-probes.ts). */
  verifyProbe: (to: { nodeId: string; host: string; port: number }) => void;
}

/**
 * Carries out failover (src/election/failover.ts): turns member, mDNS and probe happenings into its events,
 * stamped with the time, and does what it asks. It owns the discovery-window and probe timers and this
 * node's Relay; it decides nothing itself.
 */
export class FailoverDriver {
  readonly #options: FailoverDriverOptions;
  #state: FailoverState;
  /** The role and epoch as last carried out (advertised): what the node shows and its probes say. */
  #role: Role = 'electing';
  #epoch = 0;
  #relay: Relay | undefined;
  #windowTimer: NodeJS.Timeout | undefined;
  #probeTimer: NodeJS.Timeout | undefined;

  constructor(options: FailoverDriverOptions) {
    this.#options = options;
    this.#state = initialState(options.self);
  }

  get role(): Role {
    return this.#role;
  }

  get epoch(): number {
    return this.#epoch;
  }

  /** This node's relay while it has the role. */
  get relay(): Relay | undefined {
    return this.#relay;
  }

  start(how: { host: boolean; connect: RelayAddress | undefined; discovery: boolean }): void {
    this.#run({ type: 'start', now: Date.now(), ...how });
  }

  onAdvert(advert: Advert): void {
    const electable = advert.protocol === PROTOCOL_VERSION && advert.addresses.length > 0;
    const { nodeId, rank, role, epoch, port } = advert;
    this.#run({ type: 'advert', now: Date.now(), electable, peer: { nodeId, rank, role, epoch, port, host: advert.addresses[0] ?? '' } });
  }

  onGone(nodeId: string): void {
    this.#run({ type: 'gone', now: Date.now(), nodeId });
  }

  onConnected(relay: RelayInfo): void {
    this.#run({ type: 'connected', now: Date.now(), relay });
  }

  onProbe(claim: ProbeClaim, host: string, proof: ProbeProof): void {
    this.#run({ type: 'probe', now: Date.now(), claim, host, proof });
  }

  /**
   * Where the member dials after losing its link (undefined: its default, the same target after
   * backoff), having carried out everything else failover asks for. The member's reconnect policy.
   */
  readonly reconnect = (lost: LostInfo): NextDial | undefined => {
    const roster = this.#options.member.roster.peers();
    const { state, actions, next } = linkLost(this.#state, { type: 'lost', now: Date.now(), info: lost, roster });
    this.#commit(state, actions);
    return next;
  };

  /** No more decisions; the timers go. The relay is the node's to stop. */
  stop(): void {
    this.#run({ type: 'stop', now: Date.now() });
    clearInterval(this.#probeTimer);
  }

  #run(event: FailoverEvent): void {
    const { state, actions } = step(this.#state, event);
    this.#commit(state, actions);
  }

  /** The new state first: an action may make the member report back at once (a closed link). */
  #commit(state: FailoverState, actions: readonly FailoverAction[]): void {
    this.#state = state;
    if (!state.windowOpen) {
      clearTimeout(this.#windowTimer);
      this.#windowTimer = undefined;
    } else if (this.#windowTimer === undefined) {
      this.#windowTimer = setTimeout(() => this.#run({ type: 'window-closed', now: Date.now() }), this.#options.discoveryWindowMs);
    }
    for (const action of actions) this.#carryOut(action);
  }

  #carryOut(action: FailoverAction): void {
    switch (action.type) {
      case 'dial': {
        const { target, delay, dialTimeoutMs, force } = action;
        const timeout = dialTimeoutMs === undefined ? {} : { dialTimeoutMs };
        this.#options.member.retarget(target, { backoff: delay === 'backoff', ...(force === undefined ? {} : { force }), ...timeout });
        break;
      }
      case 'lead':
        this.#relay ??= this.#options.newRelay(action.epoch);
        this.#startProbing();
        break;
      case 'hand-over': {
        clearInterval(this.#probeTimer);
        this.#probeTimer = undefined;
        const relay = this.#relay;
        this.#relay = undefined;
        const { nodeId, host, port } = action.to;
        relay?.handOver({ nodeId: Buffer.from(nodeId, 'hex'), host, port });
        break;
      }
      case 'set-role':
        this.#role = action.role;
        this.#epoch = action.epoch;
        this.#options.advertise(action.role, action.epoch);
        break;
      case 'probe':
        this.#options.probeOtherRelays(knownRelays(this.#state));
        break;
      case 'verify-probe':
        this.#options.verifyProbe(action.to);
        break;
      case 'notice':
        this.#options.notice(action.notice);
        break;
    }
  }

  /** Without mDNS too: the known addresses (a restarted --host, say) are probed whatever mDNS shows. */
  #startProbing(): void {
    const discovery = this.#options.discovery;
    if (this.#probeTimer !== undefined) return;
    let ticks = 0;
    this.#probeTimer = setInterval(() => {
      // mDNS caches never refresh an unchanged answer, and miss changes made behind a partition:
      // a relay asks again now and then, so a healed partition shows its other relay.
      if (++ticks % REQUERY_EVERY_PROBES === 0) discovery?.query();
      if (this.#role === 'relay' && !this.#state.stopped) this.#options.probeOtherRelays(knownRelays(this.#state));
    }, PROBE_INTERVAL_MS);
    this.#probeTimer.unref();
  }
}
