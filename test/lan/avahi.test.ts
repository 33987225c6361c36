import { describe, expect, it } from 'vitest';
import { instanceName } from '../../src/discovery/advert.js';
import { avahiBrowse, avahiTestsRunnable } from '../helpers/avahi.js';
import { lanForSuite, lanTestsRunnable } from '../helpers/lan.js';

/**
 * Interoperability: Avahi, an mDNS/DNS-SD implementation that owes nothing to bonjour-service, finds a
 * lanchat node and resolves its service, address, port and TXT record. Avahi runs on another host of a
 * LAN of network namespaces, never in the host's namespace (scripts/avahi-browse-in-ns.sh).
 */
describe.runIf(lanTestsRunnable() && avahiTestsRunnable())('Avahi resolves a lanchat node', () => {
  const lan = lanForSuite('lav', 2);

  it('sees _lanchat._tcp with the node’s name, address, port and TXT record', async () => {
    const node = lan.start(1, 'avahitest');
    const ready = await node.waitFor('ready');
    const id = ready.node as string;
    // Alone on the LAN, it becomes the relay once the discovery window closes.
    await node.waitFor('role', (e) => e.role === 'relay', 10_000);

    // The role event may come just before the relay advert is republished: browse until Avahi has it.
    const { output, resolved, log } = await avahiBrowse(`${lan.prefix}-n2`, '_lanchat._tcp', [`"id=${id}"`, '"role=relay"']);

    const service = resolved.find((s) => s.name === instanceName('avahitest', id));
    expect(service, `${output}\n${log}`).toBeDefined();
    expect(service).toMatchObject({
      interface: 'eth0',
      protocol: 'IPv4',
      type: '_lanchat._tcp',
      domain: 'local',
      host: expect.stringMatching(/\.local$/),
      address: lan.address(1),
      port: ready.port,
    });
    expect(service!.txt).toEqual(
      expect.arrayContaining([`id=${id}`, 'role=relay', 'net=lanchat', 'v=1', 'nick=avahitest']),
    );
    for (const entry of [`"id=${id}"`, '"role=relay"', '"net=lanchat"', '"v=1"']) expect(service!.line).toContain(entry);
    // No other lanchat service on this LAN: Avahi saw exactly one.
    expect(new Set(resolved.map((s) => s.name))).toEqual(new Set([service!.name]));
    expect(node.all('notice', (e) => e.code === 'MDNS_TROUBLE')).toEqual([]);
  }, 90_000);
});
