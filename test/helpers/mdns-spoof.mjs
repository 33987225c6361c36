/**
 * Sends forged mDNS answers on the LAN of the namespace it runs in (tests only; run it with
 * `ip netns exec <host>`, never in the machine's own namespace):
 *   node mdns-spoof.mjs goodbye <instance fqdn>       a goodbye (TTL 0) for someone else's service
 *   node mdns-spoof.mjs relay <address> <network>     an advert of a relay that does not exist: started
 *                                                     with --host, older than anyone, a port nobody serves
 *   node mdns-spoof.mjs stuck <address> <network> <s> [tag]
 *                                                     three such relays, at a port that accepts TCP and
 *                                                     never answers, their epoch new every second, for <s>
 *                                                     seconds (finding 6 of issue 15); with a secret's
 *                                                     advert tag (anyone can read it off a real advert)
 * Each answer goes out three times, 100 ms apart, then the script exits (stuck: when its time is up).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
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
} else if (kind === 'stuck') {
  const seconds = Number(process.argv[5] ?? '30');
  const tag = process.argv[6];
  const held = [];
  // One port per fake, each accepting connections and never answering on them.
  const servers = await Promise.all(
    [0, 1, 2].map(async () => {
      const server = createServer((socket) => held.push(socket));
      await new Promise((resolve) => server.listen(0, '0.0.0.0', resolve));
      return server;
    }),
  );
  const fakes = [0, 1, 2].map((i) => `0${i}${randomBytes(31).toString('hex')}`.slice(0, 64));
  let epoch = 900;
  const answersNow = () =>
    fakes.flatMap((id, i) => {
      const fqdn = `fake${i}-${id.slice(0, 8)}.${TYPE}`;
      const host = `fake${i}-${id.slice(0, 12)}.local`;
      const txt = { v: '1', net: network, id, nick: `fake${i}`, role: 'relay', ep: String(epoch), f: '1', w: '9', t: '1', ...(tag ? { sec: tag } : {}) };
      return [
        { name: TYPE, type: 'PTR', ttl: 120, data: fqdn },
        { name: fqdn, type: 'SRV', ttl: 120, data: { port: servers[i].address().port, target: host } },
        { name: fqdn, type: 'TXT', ttl: 120, data: Object.entries(txt).map(([k, v]) => `${k}=${v}`) },
        { name: host, type: 'A', ttl: 120, data: target },
      ];
    });
  const mdns = makeMdns();
  // Answers every query at once, as a real node does (a fresh node's first query), and re-announces
  // every second with a new epoch.
  mdns.on('query', (query) => {
    if (query.questions.some((q) => q.name === TYPE)) mdns.respond({ answers: answersNow() });
  });
  const end = Date.now() + seconds * 1000;
  let first = true;
  while (Date.now() < end) {
    epoch++;
    mdns.respond({ answers: answersNow() });
    // On stdout once the fakes are listening and announced: a test starts its nodes on this line.
    if (first) console.log('announcing');
    first = false;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  mdns.destroy();
  for (const socket of held) socket.destroy();
  for (const server of servers) server.close();
  process.exit(0);
} else {
  console.error('usage: mdns-spoof.mjs goodbye FQDN | relay ADDRESS [NETWORK] | stuck ADDRESS NETWORK SECONDS');
  process.exit(2);
}
const mdns = makeMdns();
for (let i = 0; i < 3; i++) {
  mdns.respond({ answers });
  await new Promise((resolve) => setTimeout(resolve, 100));
}
mdns.destroy();
