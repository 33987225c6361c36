import { networkInterfaces } from 'node:os';
import makeMdns from 'multicast-dns';
import { dial } from '../net/dial.js';
import { deriveSecret } from '../net/secret.js';
import { type Advert, advertFromService, SERVICE_TYPE } from './advert.js';
import type { Findings } from './verdict.js';

const LANCHAT = `_${SERVICE_TYPE}._tcp.local`;
const ANY_SERVICE = '_services._dns-sd._udp.local';

/**
 * Listens to the LAN the way `lanchat doctor` needs: raw multicast-dns rather than bonjour-service,
 * because bonjour-service hides the errors of sending (a missing multicast route looks like silence).
 * Asks for lanchat services and for any DNS-SD service at all (to tell "alone" from "multicast blocked"),
 * three times over `listenMs`, then tries the TCP port of every relay of `network` it saw. With the room
 * secret's passphrase, it tells the nodes of that secret from the others by the tag in their adverts.
 */
export async function diagnose(network: string, listenMs = 3_000, secret?: string): Promise<Findings> {
  const secretTag = secret === undefined ? undefined : (await deriveSecret(secret, network)).tag;
  const findings: Findings = { network, secretTag, interfaces: lanInterfaces(), sendErrors: [], answersHeard: 0, nodes: [], here: [], relayPorts: {} };
  const mdns = makeMdns();
  const nodes = new Map<string, Advert>();
  const ownAddresses = machineAddresses();
  const here = new Set<string>();
  mdns.on('response', (packet, rinfo) => {
    findings.answersHeard++;
    for (const advert of advertsIn(packet, rinfo.address)) {
      nodes.set(advert.nodeId, advert);
      if (ownAddresses.has(rinfo.address)) here.add(advert.nodeId);
    }
  });
  mdns.on('error', (err: Error) => findings.sendErrors.push(err.message));
  const ask = (): void =>
    mdns.query({ questions: [{ name: LANCHAT, type: 'PTR' }, { name: ANY_SERVICE, type: 'PTR' }] }, (err) => {
      if (err) findings.sendErrors.push((err as NodeJS.ErrnoException).code ?? err.message);
    });
  ask();
  await new Promise<void>((resolve) => {
    let asked = 1;
    const timer = setInterval(() => {
      if (asked++ < 3) ask();
    }, listenMs / 3);
    setTimeout(() => {
      clearInterval(timer);
      resolve();
    }, listenMs);
  });
  await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  findings.nodes = [...nodes.values()];
  findings.here = [...here];
  await Promise.all(
    findings.nodes
      .filter((n) => n.network === network && n.role === 'relay' && n.addresses.length > 0)
      .map(async (relay) => {
        try {
          const conn = await dial(relay.addresses[0]!, relay.port, { heartbeatMs: 0 });
          conn.close();
          findings.relayPorts[relay.nodeId] = 'open';
        } catch (err) {
          findings.relayPorts[relay.nodeId] = (err as Error).message;
        }
      }),
  );
  return findings;
}

type Packet = Parameters<Parameters<ReturnType<typeof makeMdns>['on']>[1]>[0];

/** The lanchat adverts in one mDNS response (PTR → SRV, TXT, A), in the form discovery reads. */
function advertsIn(packet: Packet, from: string): Advert[] {
  const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
  const adverts: Advert[] = [];
  for (const ptr of records) {
    if (ptr.type !== 'PTR' || ptr.name !== LANCHAT) continue;
    const instance = ptr.data as string;
    const srv = records.find((r) => r.type === 'SRV' && r.name === instance);
    const txt = records.find((r) => r.type === 'TXT' && r.name === instance);
    if (srv === undefined || txt === undefined) continue;
    const { port, target } = srv.data as { port: number; target: string };
    const addresses = records.filter((r) => r.type === 'A' && r.name === target).map((r) => r.data as string);
    const advert = advertFromService({ txt: decodeTxt(txt.data), port, addresses, referer: { address: from } });
    if (advert !== undefined) adverts.push(advert);
  }
  return adverts;
}

function decodeTxt(data: unknown): Record<string, string> {
  const entries = Array.isArray(data) ? data : [data];
  const txt: Record<string, string> = {};
  for (const entry of entries) {
    const text = Buffer.isBuffer(entry) ? entry.toString('utf8') : String(entry);
    const eq = text.indexOf('=');
    if (eq > 0) txt[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return txt;
}

/** Every address of this machine, loopback included: an answer from one of them is this machine's own. */
function machineAddresses(): Set<string> {
  return new Set(Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((e) => e.address)));
}

function lanInterfaces(): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    const addresses = (entries ?? []).filter((e) => !e.internal).map((e) => e.address);
    if (addresses.length > 0) found[name] = addresses;
  }
  return found;
}
