import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanForSuite, lanTestsRunnable, nsPrefix } from '../helpers/lan.js';
import type { LanchatProcess } from '../helpers/lanchat-process.js';

const PREFIX = nsPrefix('lcs');

/**
 * Everything that crosses the LAN's bridge, on every port of it (a bridge device alone shows only flooded
 * traffic, not unicast forwarded between its ports), as tcpdump writes it: in immediate mode and
 * packet-buffered, so what was sent is in the file when the capture stops (by default the kernel hands
 * packets over in blocks, and a block pending at SIGTERM is lost). Runs in the bridge's namespace.
 */
class BridgeCapture {
  readonly #file: string;
  readonly #proc: ChildProcess;
  readonly #listening: Promise<void>;

  constructor(file: string) {
    this.#file = file;
    this.#proc = spawn('ip', ['netns', 'exec', `${PREFIX}-br`, 'tcpdump', '-i', 'any', '--immediate-mode', '-U', '-s', '0', '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    // tcpdump says "listening on any" on stderr once it captures.
    this.#listening = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('tcpdump did not start within 5 s')), 5_000);
      this.#proc.stderr!.on('data', (d: Buffer) => String(d).includes('listening on') && (clearTimeout(timer), resolve()));
      this.#proc.once('exit', (code) => reject(new Error(`tcpdump exited (${code})`)));
    });
  }

  started(): Promise<void> {
    return this.#listening;
  }

  async stop(): Promise<Buffer> {
    const exited = new Promise((resolve) => this.#proc.once('exit', resolve));
    this.#proc.kill('SIGTERM');
    await exited;
    return readFileSync(this.#file);
  }
}

const relayOf = (n: LanchatProcess): string | undefined => (n.all('role').at(-1)?.relay as { id: string } | undefined)?.id;

describe.runIf(lanTestsRunnable())('a room secret on a LAN of network namespaces', () => {
  const lan = lanForSuite('lcs', 3);
  const secretFile = (name: string, passphrase: string): string => {
    const file = join(lan.dataRoot, `${name}.secret`);
    writeFileSync(file, `${passphrase}\n`, { mode: 0o600 });
    return file;
  };

  it('the capture method sees an open network’s chat in clear (so that it can see a leak)', async () => {
    const capture = new BridgeCapture(join(lan.dataRoot, 'open.pcap'));
    await capture.started();
    const [a, b] = [lan.start(1, 'oa'), lan.start(2, 'ob')];
    await Promise.all([a, b].map((n) => n.waitFor('role')));
    a.send('open canary 7f3a');
    await b.waitForText('open canary 7f3a', 10_000);
    const bytes = await capture.stop();
    expect(bytes.includes(Buffer.from('open canary 7f3a'))).toBe(true);
  });

  it('a group with a passphrase chats; a stranger with another sees nothing, is not elected, and no text crosses in clear', async () => {
    const capture = new BridgeCapture(join(lan.dataRoot, 'secret.pcap'));
    await capture.started();
    // The stranger starts first: by rank (the oldest wins) it would be everyone's relay, were it one of them.
    const stranger = lan.start(3, 'sx', ['--secret-file', secretFile('sx', 'another passphrase')]);
    await stranger.waitFor('role', (e) => e.role === 'relay');
    const group = secretFile('group', 'correct horse battery');
    const [a, b] = [lan.start(1, 'sa', ['--secret-file', group]), lan.start(2, 'sb', ['--secret-file', group])];
    const ids = (await Promise.all([a, b].map((n) => n.waitFor('ready')))).map((r) => r.node as string);
    await Promise.all([a, b].map((n) => n.waitFor('role')));
    expect(new Set([relayOf(a), relayOf(b)]).size).toBe(1);
    expect(ids).toContain(relayOf(a));
    a.send('secret canary 9c1e');
    b.send('second secret canary 2d4b');
    await b.waitForText('secret canary 9c1e', 10_000);
    await a.waitForText('second secret canary 2d4b', 10_000);
    const bytes = await capture.stop();

    expect(bytes.includes(Buffer.from('canary'))).toBe(false);
    // The capture did see the LAN: the nodes' mDNS adverts (plain by nature) are in it.
    expect(bytes.includes(Buffer.from('_lanchat'))).toBe(true);
    // The stranger saw no one and nothing; the group never followed it, and never re-elected.
    expect(stranger.all('message')).toEqual([]);
    expect(stranger.all('presence', (e) => e.self !== true)).toEqual([]);
    for (const n of [a, b]) {
      expect(n.all('role').map((e) => (e.relay as { id: string }).id).every((id) => ids.includes(id))).toBe(true);
      expect(n.all('notice', (e) => e.code === 'RELAY_LOST')).toEqual([]);
      // Not even tried: a node of another secret is filtered out by its advert's tag, before any dial.
      expect(n.all('error')).toEqual([]);
      expect(n.all('notice', (e) => e.code === 'SECRET')).toHaveLength(1);
    }
  });
});
