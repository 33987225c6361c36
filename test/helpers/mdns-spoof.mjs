/**
 * Sends forged mDNS answers on the LAN of the namespace it runs in (tests only; run it with
 * `ip netns exec <host>`, never in the machine's own namespace):
 *   node mdns-spoof.mjs goodbye <instance fqdn>       a goodbye (TTL 0) for someone else's service
 *   node mdns-spoof.mjs relay <address> <network>     an advert of a relay that does not exist: started
 *                                                     with --host, older than anyone, a port nobody serves
 * Each answer goes out three times, 100 ms apart, then the script exits.
 */
import { randomBytes } from 'node:crypto';
import makeMdns from 'multicast-dns';

const [kind, target, network = 'lanchat'] = process.argv.slice(2);
const TYPE = '_lanchat._tcp.local';
let answers;
if (kind === 'goodbye') {
  answers = [{ name: TYPE, type: 'PTR', ttl: 0, data: target }];
} else if (kind === 'relay') {
  const id = randomBytes(32).toString('hex');
  const fqdn = `fake-${id.slice(0, 8)}.${TYPE}`;
  const host = `fake-${id.slice(0, 12)}.local`;
  const txt = { v: '1', net: network, id, nick: 'fake', role: 'relay', ep: '999', f: '1', w: '9', t: '1' };
  answers = [
    { name: TYPE, type: 'PTR', ttl: 120, data: fqdn },
    { name: fqdn, type: 'SRV', ttl: 120, data: { port: 9, target: host } },
    { name: fqdn, type: 'TXT', ttl: 120, data: Object.entries(txt).map(([k, v]) => `${k}=${v}`) },
    { name: host, type: 'A', ttl: 120, data: target },
  ];
} else {
  console.error('usage: mdns-spoof.mjs goodbye FQDN | relay ADDRESS [NETWORK]');
  process.exit(2);
}
const mdns = makeMdns();
for (let i = 0; i < 3; i++) {
  mdns.respond({ answers });
  await new Promise((resolve) => setTimeout(resolve, 100));
}
mdns.destroy();
