import type { DoctorVerdict } from '../chat/views.js';

/** The words of `lanchat doctor` (cli/doctor.ts), beside the chat's in words.ts. */

/** "2 lanchat nodes here use another room secret", as the chat says it, for `lanchat doctor`'s verdict. */
function otherSecretText(count: number, secret: boolean): string {
  const nodes = count === 1 ? '1 lanchat node' : `${count} lanchat nodes`;
  const use = count === 1 ? 'uses' : 'use';
  return secret ? `${nodes} here ${use} another room secret (or none)` : `${nodes} here ${use} a room secret`;
}

const HOW_SECRET = 'the room secret is read from LANCHAT_SECRET or --secret-file, for lanchat and lanchat doctor alike';

/** `lanchat doctor`'s one-line verdict (discovery/verdict.ts): the likeliest reason nobody shows up, or all good. */
export function verdictText(v: DoctorVerdict): string {
  const { network, otherSecret } = v;
  const also = otherSecret.nodes === 0 ? '' : `; ${otherSecretText(otherSecret.nodes, otherSecret.secret)}`;
  switch (v.cause) {
    case 'NO_INTERFACE':
      return 'no network interface is up: connect to the LAN (cable or Wi-Fi) first';
    case 'MULTICAST_UNSENDABLE':
      return `mDNS queries cannot be sent (${v.sendError}): no multicast route (224.0.0.0/4) on this machine; use --connect HOST:PORT`;
    case 'TWO_RELAYS':
      return (
        `${v.relays.length} relays serve network "${network}" (${v.relays.map((r) => `${r.nick} at ${r.at}`).join(', ')}): ` +
        'they merge within seconds once they reach each other; if this lasts, their TCP ports do not answer each other (a firewall?)' +
        also
      );
    case 'RELAY_PORT_CLOSED':
      return `the relay ${v.relay.nick} is seen at ${v.relay.at} but its TCP port does not answer (${v.port}): a firewall on that machine?${also}`;
    case 'ONLY_SELF':
      return `the only lanchat of network "${network}" seen is this machine's own (${v.mine.join(', ')}): nobody else here answers${also}`;
    case 'OK':
      return `all good: ${v.relay.nick} relays network "${network}" at ${v.relay.at}, and its port answers${also}`;
    case 'ELECTING':
      return `${v.nodes} node(s) of network "${network}" seen, none is the relay yet: an election may be under way; try again in a few seconds${also}`;
    case 'OTHER_SECRET':
      return otherSecret.secret
        ? `${otherSecretText(otherSecret.nodes, true)} on network "${network}", none yours: ${HOW_SECRET}`
        : `${otherSecretText(otherSecret.nodes, false)} on network "${network}": give the group's secret (${HOW_SECRET})`;
    case 'OTHER_NETWORK':
      return `lanchat nodes are on network ${v.networks.map((n) => `"${n}"`).join(', ')}, not "${network}": start lanchat with --network ${v.networks[0] ?? ''}`;
    case 'ALONE':
      return 'multicast works (other devices answer), but no lanchat runs on this LAN: you are alone here';
    case 'SILENT_NETWORK':
      return 'nothing answered mDNS: either you are alone on this network, or multicast is blocked (Wi-Fi client isolation, a firewall on UDP 5353); try --connect HOST:PORT';
  }
}
