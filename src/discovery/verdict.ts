import type { Advert } from './advert.js';
import { advertFit } from './groups.js';

/** What `lanchat doctor` found, as plain data. */
export interface Findings {
  network: string;
  /** The tag of the room secret doctor was given (LANCHAT_SECRET or --secret-file); undefined for none. */
  secretTag?: string | undefined;
  /** Non-loopback interfaces with an address: name → addresses. */
  interfaces: Record<string, string[]>;
  /** Errors sending mDNS queries (e.g. ENETUNREACH: no multicast route). */
  sendErrors: string[];
  /** mDNS answers heard from anything on the LAN (printers, phones, lanchat...). */
  answersHeard: number;
  /** lanchat nodes seen, of every network. */
  nodes: Advert[];
  /** Node ids of the nodes whose answers came from this very machine: yours, not someone else's. */
  here?: string[];
  /** For each relay of this network: does its TCP port answer? node id → 'open' | reason. */
  relayPorts: Record<string, string>;
}

export type Cause =
  | 'OK'
  | 'NO_INTERFACE'
  | 'MULTICAST_UNSENDABLE'
  | 'SILENT_NETWORK'
  | 'ALONE'
  | 'ONLY_SELF'
  | 'TWO_RELAYS'
  | 'OTHER_SECRET'
  | 'OTHER_NETWORK'
  | 'ELECTING'
  | 'RELAY_PORT_CLOSED';

/** The nodes doctor sees, sorted as a node of `network` with doctor's secret would see them. */
export function groupsOf(f: Findings): { group: Advert[]; others: Advert[]; otherSecret: Advert[] } {
  const own = { network: f.network, secretTag: f.secretTag };
  const group = f.nodes.filter((n) => advertFit(n, own) === 'peer');
  const here = new Set(f.here ?? []);
  return {
    group,
    others: group.filter((n) => !here.has(n.nodeId)),
    otherSecret: f.nodes.filter((n) => advertFit(n, own) === 'other-secret'),
  };
}

const nodes = (count: number): string => (count === 1 ? '1 lanchat node' : `${count} lanchat nodes`);

/** "2 lanchat nodes here use another room secret", as the chat says it, for doctor's lines. */
export function otherSecretText(count: number, secret: boolean): string {
  const use = count === 1 ? 'uses' : 'use';
  return secret ? `${nodes(count)} here ${use} another room secret (or none)` : `${nodes(count)} here ${use} a room secret`;
}

const HOW_SECRET = 'the room secret is read from LANCHAT_SECRET or --secret-file, for lanchat and lanchat doctor alike';

/**
 * The one-line verdict: the likeliest reason nobody shows up, or that all is well. All is well only when
 * another node than this machine's own is seen in the group and exactly one relay serves it, whose port
 * answers; nodes of another room secret are named either way.
 */
export function verdict(f: Findings): { cause: Cause; text: string } {
  if (Object.keys(f.interfaces).length === 0) {
    return { cause: 'NO_INTERFACE', text: 'no network interface is up: connect to the LAN (cable or Wi-Fi) first' };
  }
  if (f.sendErrors.length > 0) {
    return {
      cause: 'MULTICAST_UNSENDABLE',
      text: `mDNS queries cannot be sent (${f.sendErrors[0]}): no multicast route (224.0.0.0/4) on this machine; use --connect HOST:PORT`,
    };
  }
  const { group, others, otherSecret } = groupsOf(f);
  const secret = f.secretTag !== undefined;
  const also = otherSecret.length === 0 ? '' : `; ${otherSecretText(otherSecret.length, secret)}`;
  const relays = group.filter((n) => n.role === 'relay');
  const at = (n: Advert): string => `${n.addresses[0] ?? '?'}:${n.port}`;
  if (relays.length > 1) {
    return {
      cause: 'TWO_RELAYS',
      text:
        `${relays.length} relays serve network "${f.network}" (${relays.map((r) => `${r.nick} at ${at(r)}`).join(', ')}): ` +
        'they merge within seconds once they reach each other; if this lasts, their TCP ports do not answer each other (a firewall?)' +
        also,
    };
  }
  const relay = relays[0];
  if (relay !== undefined && f.relayPorts[relay.nodeId] !== 'open') {
    return {
      cause: 'RELAY_PORT_CLOSED',
      text: `the relay ${relay.nick} is seen at ${at(relay)} but its TCP port does not answer (${f.relayPorts[relay.nodeId] ?? 'untested'}): a firewall on that machine?${also}`,
    };
  }
  if (group.length > 0 && others.length === 0) {
    const mine = group.map((n) => n.nick).join(', ');
    return {
      cause: 'ONLY_SELF',
      text: `the only lanchat of network "${f.network}" seen is this machine's own (${mine}): nobody else here answers${also}`,
    };
  }
  if (relay !== undefined) {
    return { cause: 'OK', text: `all good: ${relay.nick} relays network "${f.network}" at ${at(relay)}, and its port answers${also}` };
  }
  if (group.length > 0) {
    return {
      cause: 'ELECTING',
      text: `${group.length} node(s) of network "${f.network}" seen, none is the relay yet: an election may be under way; try again in a few seconds${also}`,
    };
  }
  if (otherSecret.length > 0) {
    return {
      cause: 'OTHER_SECRET',
      text: secret
        ? `${otherSecretText(otherSecret.length, secret)} on network "${f.network}", none yours: ${HOW_SECRET}`
        : `${otherSecretText(otherSecret.length, secret)} on network "${f.network}": give the group's secret (${HOW_SECRET})`,
    };
  }
  const networks = [...new Set(f.nodes.map((n) => n.network))];
  if (networks.length > 0) {
    return {
      cause: 'OTHER_NETWORK',
      text: `lanchat nodes are on network ${networks.map((n) => `"${n}"`).join(', ')}, not "${f.network}": start lanchat with --network ${networks[0]}`,
    };
  }
  if (f.answersHeard > 0) {
    return { cause: 'ALONE', text: 'multicast works (other devices answer), but no lanchat runs on this LAN: you are alone here' };
  }
  return {
    cause: 'SILENT_NETWORK',
    text: 'nothing answered mDNS: either you are alone on this network, or multicast is blocked (Wi-Fi client isolation, a firewall on UDP 5353); try --connect HOST:PORT',
  };
}
