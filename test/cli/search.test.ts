import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN } from '../helpers/lanchat-process.js';

// Real lanchat processes on 127.0.0.1 (mDNS off), each with its own data folder and LevelDB.
describe('search', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  const grep = (dataDir: string, ...args: string[]) =>
    spawnSync(process.execPath, [LANCHAT_BIN, 'history', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 15_000 });

  it('/search finds stored lines in any case, newest first, private ones this user can read included, and history --grep too', async () => {
    const relay = await cluster.relay('keep');
    const ann = await cluster.member('ann', relay.port);
    const bob = await cluster.member('bob', relay.port);
    ann.send('/join #ops');
    await relay.proc.waitFor('presence', (e) => e.nick === 'ann' && e.room === '#ops');
    ann.send('the Printer is down');
    ann.send('/join #lobby'); // back to a room she is in: no presence, the next lines go there
    bob.send('lunch anyone?');
    bob.send('PRINTER fixed \u001b[31mred');
    await ann.waitForText('PRINTER fixed \u001b[31mred');
    bob.send('/msg ann the printer code is 1234');
    await ann.waitForText('the printer code is 1234');
    await relay.proc.waitForText('PRINTER fixed \u001b[31mred');

    ann.send('/search printer');
    const found = await ann.waitFor('search');
    expect(found.query).toBe('printer');
    const results = found.results as Record<string, unknown>[];
    expect(results.map((r) => r.text)).toEqual(['the printer code is 1234', 'PRINTER fixed \u001b[31mred', 'the Printer is down']);
    // The same fields as message events.
    expect(results[0]).toMatchObject({ from: 'bob', to: 'ann', room: null, own: false, history: true });
    expect(Object.keys(results[1]!).sort()).toEqual(['from', 'fromId', 'history', 'id', 'own', 'room', 'text', 'to', 'ts']);

    ann.send('/search PRINTER #ops');
    const inOps = await ann.waitFor('search', (e) => e.room === '#ops');
    expect((inOps.results as Record<string, unknown>[]).map((r) => r.text)).toEqual(['the Printer is down']);

    // The relay carries bob's private line sealed: its own search cannot read it.
    relay.proc.send('/search printer');
    const relays = await relay.proc.waitFor('search');
    expect((relays.results as Record<string, unknown>[]).map((r) => r.text)).toEqual(['PRINTER fixed \u001b[31mred', 'the Printer is down']);

    ann.send('/search ');
    expect((await ann.waitFor('error', (e) => e.code === 'USAGE')).message).toMatch(/usage: \/search TEXT/);

    // While ann runs, `lanchat history --grep` asks her node over the control socket.
    const live = grep(cluster.dataDir('ann'), '--grep', 'Printer', '--json');
    expect(live.status).toBe(0);
    const line = JSON.parse(live.stdout.trim()) as { event: string; query: string; results: { text: string }[] };
    expect(line.event).toBe('search');
    expect(line.results.map((r) => r.text)).toEqual(['the printer code is 1234', 'PRINTER fixed \u001b[31mred', 'the Printer is down']);

    expect(await ann.quit()).toBe(0);
    // From the store itself, as text: each line with its date, the escape made harmless.
    const stored = grep(cluster.dataDir('ann'), '--grep', 'printer', '--room', '#lobby');
    expect(stored.status).toBe(0);
    const rows = stored.stdout.trim().split('\n');
    expect(rows[0]).toBe('* search "printer" in #lobby: 1 message, newest first');
    expect(rows[1]).toMatch(/^ {2}\d{4}-\d\d-\d\d \d\d:\d\d #lobby <bob> PRINTER fixed /);
    expect(stored.stdout).not.toContain('\u001b');
    const none = grep(cluster.dataDir('ann'), '--grep', 'zebra', '--json');
    expect(JSON.parse(none.stdout.trim())).toEqual({ event: 'search', query: 'zebra', room: null, results: [] });
  });
});
