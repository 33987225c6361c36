import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { instanceName } from '../../src/discovery/advert.js';
import { lanForSuite, lanTestsRunnable, nsPrefix } from '../helpers/lan.js';
import { LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';

const SPOOF = fileURLToPath(new URL('../helpers/mdns-spoof.mjs', import.meta.url));
const PREFIX = nsPrefix('lsp');

const relayOf = (n: LanchatProcess): string | undefined => (n.all('role').at(-1)?.relay as { id: string } | undefined)?.id;

/** `lanchat doctor --json` on host `host`, listening while the test goes on: the nicks of the nodes it heard. */
function doctorHears(host: number): Promise<string[]> {
  const doctor = spawn('ip', ['netns', 'exec', `${PREFIX}-n${host}`, process.execPath, LANCHAT_BIN, 'doctor', '--json', '--listen', '1500']);
  let out = '';
  doctor.stdout.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve) =>
    doctor.once('close', () => resolve((JSON.parse(out) as { nodes: { nick: string }[] }).nodes.map((n) => n.nick))),
  );
}

/** Forged mDNS answers sent from host `host` of the LAN (inside its namespace). */
function spoof(host: number, ...args: string[]): void {
  const run = spawnSync('ip', ['netns', 'exec', `${PREFIX}-n${host}`, process.execPath, SPOOF, ...args], { encoding: 'utf8', timeout: 10_000 });
  expect(run.status, run.stderr).toBe(0);
}

describe.runIf(lanTestsRunnable())('forged mDNS on a LAN of network namespaces', () => {
  const lan = lanForSuite('lsp', 4);

  it('a spoofed goodbye of the relay and a fake relay advert do not split the network', async () => {
    const nodes = [lan.start(1, 'ann'), lan.start(2, 'ben'), lan.start(3, 'cat')];
    const readies = await Promise.all(nodes.map((n) => n.waitFor('ready')));
    await Promise.all(nodes.map((n) => n.waitFor('role')));
    const relay = relayOf(nodes[0]!)!;
    expect(nodes.map(relayOf)).toEqual([relay, relay, relay]);
    const relayNick = readies.find((r) => r.node === relay)!.nick as string;
    const rolesBefore = nodes.map((n) => n.all('role').length);

    // From host 4: the relay "says goodbye", and a relay that does not exist announces itself, ranked
    // above everyone (started with --host, older than anyone). A doctor on host 3 shows the forgery is
    // heard on the LAN as a lanchat node.
    const heard = doctorHears(3);
    spoof(4, 'goodbye', `${instanceName(relayNick, relay)}._lanchat._tcp.local`);
    spoof(4, 'relay', lan.address(4));
    expect(await heard).toContain('fake');

    // A node started now still joins the real relay (it may try the fake one first, and skip it).
    const late = lan.start(4, 'dee');
    await late.waitFor('role', (e) => (e.relay as { id: string }).id === relay, 15_000);
    expect(relayOf(late)).toBe(relay);
    nodes[1]!.send('still one network');
    await Promise.all([...nodes, late].map((n) => n.waitForText('still one network', 10_000)));

    // Nobody moved: no relay lost, no new role, everyone on the same relay.
    nodes.forEach((n, i) => {
      expect(n.all('notice', (e) => e.code === 'RELAY_LOST')).toEqual([]);
      expect(n.all('role')).toHaveLength(rolesBefore[i]!);
      expect(relayOf(n)).toBe(relay);
    });
  });
});
