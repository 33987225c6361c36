import type { RelayAddress, RelayInfo } from '../chat/views.js';

/**
 * The contract of a link's next-dial policy (as nats.js takes reconnectToServer): the member's link
 * carries the policy out; the policy (the failover of src/election/, driven by src/node/), given why the
 * link was lost, says where to dial and when. Here, below both, so that each names the same types.
 */

/** Why the member is without a relay, for whoever decides where it dials next. */
export interface LostInfo {
  reason: string;
  /** The relay it was connected to, if it was (else a dial or handshake failed). */
  relay: RelayInfo | undefined;
  /** The address it was dialing or connected to. */
  target: RelayAddress;
  /** The node answered but refused the hello with this code (e.g. NOT_RELAY: it is alive, not yet relay). */
  refusal: string | undefined;
  /** The relay said it was leaving (a leave frame: it stopped cleanly) before the link went. */
  left: boolean;
  /** The relay sent it elsewhere; it is already on its way. */
  redirected: boolean;
  /** With `redirected`: the node id of the relay it was sent to, when the redirect named it. */
  redirectedTo: string | undefined;
}

/** Where to dial after a loss, and when: at once, or after the usual backoff. */
export interface NextDial {
  target: RelayAddress;
  delay: 'now' | 'backoff';
  /** For that dial only: a shorter timeout when the target is probably gone. */
  dialTimeoutMs?: number;
}

/** The next-dial policy: undefined keeps the default (the same target, or where a redirect sent it). */
export type Reconnect = (lost: LostInfo) => NextDial | undefined;
