import type { Role } from '../election/decide.js';
import type { Rank } from '../election/rank.js';

/** What a node announces of itself over mDNS, and what others read back. */
export interface Advert {
  nodeId: string;
  nick: string;
  network: string;
  protocol: number;
  role: Role;
  epoch: number;
  rank: Rank;
  port: number;
  /** Where the advert says the node can be reached (A records, then the responder's address). */
  addresses: string[];
  /** A tag of the node's room secret (src/net/secret.ts); undefined on an open network. */
  secretTag?: string;
}

export const SERVICE_TYPE = 'lanchat';

/** TXT keys are short: the whole record travels in every mDNS answer. */
export function advertToTxt(advert: Advert): Record<string, string> {
  return {
    v: String(advert.protocol),
    net: advert.network,
    id: advert.nodeId,
    nick: advert.nick,
    role: advert.role,
    ep: String(advert.epoch),
    f: advert.rank.forced ? '1' : '0',
    w: String(advert.rank.weight),
    t: String(advert.rank.startedAt),
    ...(advert.secretTag === undefined ? {} : { sec: advert.secretTag }),
  };
}

export interface ServiceSeen {
  txt?: unknown;
  port?: number;
  addresses?: string[];
  referer?: { address: string };
}

const ROLES: readonly Role[] = ['relay', 'member', 'electing'];

/** The advert in an mDNS answer, or undefined for anything that is not a well-formed lanchat advert. */
export function advertFromService(service: ServiceSeen): Advert | undefined {
  const txt = service.txt;
  if (typeof txt !== 'object' || txt === null) return undefined;
  const field = (key: string): string | undefined => {
    const value = (txt as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  };
  const number = (key: string): number | undefined => {
    const text = field(key);
    return text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined;
  };
  const nodeId = field('id');
  const role = field('role') as Role | undefined;
  const protocol = number('v');
  const epoch = number('ep');
  const weight = number('w');
  const startedAt = number('t');
  const network = field('net');
  const port = service.port;
  if (
    nodeId === undefined ||
    !/^[0-9a-f]{64}$/.test(nodeId) ||
    role === undefined ||
    !ROLES.includes(role) ||
    protocol === undefined ||
    epoch === undefined ||
    weight === undefined ||
    startedAt === undefined ||
    network === undefined ||
    port === undefined ||
    !Number.isInteger(port) ||
    port <= 0 ||
    port > 65535
  ) {
    return undefined;
  }
  const addresses = [...(service.addresses ?? [])];
  if (service.referer?.address && !addresses.includes(service.referer.address)) addresses.push(service.referer.address);
  const secretTag = field('sec');
  return {
    ...(secretTag === undefined ? {} : { secretTag }),
    nodeId,
    nick: field('nick') ?? '',
    network,
    protocol,
    role,
    epoch,
    rank: { forced: field('f') === '1', weight, startedAt, nodeId },
    port,
    addresses,
  };
}

/** A DNS-SD instance name unique per node: the nick for people, a short node id for uniqueness. */
export function instanceName(nick: string, nodeId: string): string {
  const label = nick.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 40) || 'lanchat';
  return `${label}-${nodeId.slice(0, 8)}`;
}
