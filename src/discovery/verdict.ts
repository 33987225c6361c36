import type { Advert } from './advert.js';

/** What `lanchat doctor` found, as plain data. */
export interface Findings {
  network: string;
  /** Non-loopback interfaces with an address: name → addresses. */
  interfaces: Record<string, string[]>;
  /** Errors sending mDNS queries (e.g. ENETUNREACH: no multicast route). */
  sendErrors: string[];
  /** mDNS answers heard from anything on the LAN (printers, phones, lanchat...). */
  answersHeard: number;
  /** lanchat nodes seen, of every network. */
  nodes: Advert[];
  /** For each relay of this network: does its TCP port answer? node id → 'open' | reason. */
  relayPorts: Record<string, string>;
}

export type Cause =
  | 'OK'
  | 'NO_INTERFACE'
  | 'MULTICAST_UNSENDABLE'
  | 'SILENT_NETWORK'
  | 'ALONE'
  | 'OTHER_NETWORK'
  | 'ELECTING'
  | 'RELAY_PORT_CLOSED';

/** The one-line verdict: the likeliest reason nobody shows up (or that all is well). */
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
  const mine = f.nodes.filter((n) => n.network === f.network);
  const relays = mine.filter((n) => n.role === 'relay');
  for (const relay of relays) {
    const port = f.relayPorts[relay.nodeId];
    if (port === 'open') {
      return { cause: 'OK', text: `all good: ${relay.nick} relays network "${f.network}" at ${relay.addresses[0]}:${relay.port}, and its port answers` };
    }
  }
  if (relays.length > 0) {
    const relay = relays[0]!;
    return {
      cause: 'RELAY_PORT_CLOSED',
      text: `the relay ${relay.nick} is seen at ${relay.addresses[0]}:${relay.port} but its TCP port does not answer (${f.relayPorts[relay.nodeId] ?? 'untested'}): a firewall on that machine?`,
    };
  }
  if (mine.length > 0) {
    return { cause: 'ELECTING', text: `${mine.length} node(s) of network "${f.network}" seen, none is the relay yet: an election may be under way; try again in a few seconds` };
  }
  const others = [...new Set(f.nodes.map((n) => n.network))];
  if (others.length > 0) {
    return {
      cause: 'OTHER_NETWORK',
      text: `lanchat nodes are on network ${others.map((n) => `"${n}"`).join(', ')}, not "${f.network}": start lanchat with --network ${others[0]}`,
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
