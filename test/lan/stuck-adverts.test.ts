import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lanForSuite, lanTestsRunnable, nsPrefix } from '../helpers/lan.js';
import { deriveSecret } from '../../src/net/secret.js';
import type { LanchatProcess } from '../helpers/lanchat-process.js';

const SPOOF = fileURLToPath(new URL('../helpers/mdns-spoof.mjs', import.meta.url));
const PREFIX = nsPrefix('lsk');
const PASSPHRASE = 'correct horse battery';

const relayOf = (n: LanchatProcess): string | undefined => (n.all('role').at(-1)?.relay as { id: string } | undefined)?.id;

describe.runIf(lanTestsRunnable())('forged relay adverts that never answer (a LAN of network namespaces)', () => {
  const lan = lanForSuite('lsk', 4);

  /**
   * Three fake relays from host 4, "started with --host, older than anyone", for longer than the test
   * waits; then three fresh nodes (with `args`) must form one network and chat.
   */
  async function formsDespiteFakes(args: string[], tag: string[]): Promise<void> {
    const spoofer = spawn('ip', ['netns', 'exec', `${PREFIX}-n4`, process.execPath, SPOOF, 'stuck', lan.address(4), 'lanchat', '50', ...tag]);
    const exited = new Promise((resolve) => spoofer.once('close', resolve));
    try {
      // The fakes are up and announced before the nodes start.
      await new Promise<void>((resolve, reject) => {
        let out = '';
        spoofer.stdout.on('data', (chunk: Buffer) => (out += String(chunk)).includes('announcing') && resolve());
        spoofer.once('close', (code) => reject(new Error(`the spoofer exited (${code}) before announcing`)));
      });
      const nodes = [lan.start(1, 'ann', args), lan.start(2, 'ben', args), lan.start(3, 'cat', args)];
      // Each fake costs a node at most one hello timeout (5 s), once: three of them, then the election.
      await Promise.all(nodes.map((n) => n.waitFor('role', (e) => e.role === 'relay' || e.role === 'member', 30_000)));
      const relay = await oneRelay(nodes, 20_000);
      expect(nodes.map(relayOf)).toEqual([relay, relay, relay]);
      nodes[1]!.send('formed despite the fakes');
      await Promise.all(nodes.map((n) => n.waitForText('formed despite the fakes', 10_000)));
    } finally {
      spoofer.kill('SIGTERM');
      await exited;
    }
  }

  it('finding 6: three fake forced relays at a port that never answers, epochs changing, do not keep fresh nodes from forming a network', () =>
    formsDespiteFakes([], []), 60_000);

  it('finding 6, with a secret: the fakes copy the advert tag, and still cannot hold anyone up', async () => {
    const file = join(lan.dataRoot, 'secret.txt');
    writeFileSync(file, `${PASSPHRASE}\n`);
    const { tag } = await deriveSecret(PASSPHRASE, 'lanchat');
    await formsDespiteFakes(['--secret-file', file], [tag]);
  }, 60_000);
});

/** The relay every node is on, once they agree (they may first elect apart, then merge by probes). */
async function oneRelay(nodes: LanchatProcess[], timeoutMs: number): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const relays = nodes.map(relayOf);
    if (relays[0] !== undefined && relays.every((r) => r === relays[0])) return relays[0];
    if (Date.now() > end) throw new Error(`no single relay within ${timeoutMs} ms: ${relays.join(', ')}`);
    await Promise.race(nodes.map((n, i) => n.nextEvent(n.events.length, end - Date.now()).catch(() => i)));
  }
}
