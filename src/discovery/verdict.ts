import type { DoctorNode, DoctorVerdict } from '../chat/views.js';
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

/** The likeliest reason nobody shows up, or OK. */
export type Cause = DoctorVerdict['cause'];

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

/**
 * The verdict, as data (ui/words.ts `verdictText` words it): the likeliest reason nobody shows up, or that
 * all is well. All is well only when another node than this machine's own is seen in the group and exactly
 * one relay serves it, whose port answers; nodes of another room secret are counted either way.
 */
export function verdict(f: Findings): DoctorVerdict {
  const { group, others, otherSecret } = groupsOf(f);
  const common = { network: f.network, otherSecret: { nodes: otherSecret.length, secret: f.secretTag !== undefined } };
  if (Object.keys(f.interfaces).length === 0) return { ...common, cause: 'NO_INTERFACE' };
  const sendError = f.sendErrors[0];
  if (sendError !== undefined) return { ...common, cause: 'MULTICAST_UNSENDABLE', sendError };
  const relays = group.filter((n) => n.role === 'relay');
  const named = (n: Advert): DoctorNode => ({ nick: n.nick, at: `${n.addresses[0] ?? '?'}:${n.port}` });
  if (relays.length > 1) return { ...common, cause: 'TWO_RELAYS', relays: relays.map(named) };
  const relay = relays[0];
  if (relay !== undefined && f.relayPorts[relay.nodeId] !== 'open') {
    return { ...common, cause: 'RELAY_PORT_CLOSED', relay: named(relay), port: f.relayPorts[relay.nodeId] ?? 'untested' };
  }
  if (group.length > 0 && others.length === 0) return { ...common, cause: 'ONLY_SELF', mine: group.map((n) => n.nick) };
  if (relay !== undefined) return { ...common, cause: 'OK', relay: named(relay) };
  if (group.length > 0) return { ...common, cause: 'ELECTING', nodes: group.length };
  if (otherSecret.length > 0) return { ...common, cause: 'OTHER_SECRET' };
  const networks = [...new Set(f.nodes.map((n) => n.network))];
  if (networks.length > 0) return { ...common, cause: 'OTHER_NETWORK', networks };
  return { ...common, cause: f.answersHeard > 0 ? 'ALONE' : 'SILENT_NETWORK' };
}
