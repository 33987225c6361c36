import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN } from '../helpers/lanchat-process.js';

// Real lanchat processes on 127.0.0.1 (mDNS off), each with its own data folder and LevelDB.
describe('history on every node', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  const historyOf = (dataDir: string, ...args: string[]) =>
    spawnSync(process.execPath, [LANCHAT_BIN, 'history', '--json', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 10_000 });

  it('a restart shows the history again, once, and numbering goes on', async () => {
    const relay = await cluster.relay('keeper');
    const ann = await cluster.member('ann', relay.port);
    for (const text of ['first line', 'second line', 'third line']) ann.send(text);
    await relay.proc.waitForText('third line');
    const ids = relay.proc.all('message').map((e) => e.id);
    expect(await ann.quit()).toBe(0);

    const again = cluster.start('ann', ['--connect', `127.0.0.1:${relay.port}`]);
    const shown = await Promise.all(['first line', 'second line', 'third line'].map((t) => again.waitForText(t)));
    expect(shown.map((e) => e.id)).toEqual(ids);
    expect(shown.every((e) => e.history === true && e.own === true)).toBe(true);

    await again.waitFor('role');
    again.send('after the restart');
    const live = await relay.proc.waitForText('after the restart');
    expect(Number(String(live.id).split('-')[1])).toBe(4);
    // The relay replays its first seconds to a newcomer; ann has those lines already and shows none twice.
    relay.proc.send('marker');
    await again.waitForText('marker');
    for (const text of ['first line', 'second line', 'third line']) expect(again.messages(text)).toHaveLength(1);
    await again.quit();
  });

  it('lanchat history prints the stored history in display order, the same ids on every node', async () => {
    const relay = await cluster.relay('hub');
    const bea = await cluster.member('bea', relay.port);
    bea.send('one');
    await relay.proc.waitForText('one'); // so 'two' is written after it, by any clock
    relay.proc.send('two');
    await bea.waitForText('two');
    bea.send('/join #dev');
    bea.send('three in dev');
    await bea.waitFor('message', (e) => e.text === 'three in dev');
    await Promise.all([bea.quit(), relay.proc.quit()]);

    const fromBea = historyOf(cluster.dataDir('bea'));
    expect(fromBea.status).toBe(0);
    const beaLines = fromBea.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; history: boolean });
    expect(beaLines.map((m) => m.text)).toEqual(['one', 'two', 'three in dev']);
    expect(beaLines.every((m) => m.history)).toBe(true);
    // The relay was not in #dev: it holds the lobby lines, under the same ids.
    const fromHub = historyOf(cluster.dataDir('hub'), '--room', '#lobby');
    const hubLines = fromHub.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string });
    expect(hubLines.map((m) => m.id)).toEqual(beaLines.slice(0, 2).map((m) => m.id));
    expect(historyOf(cluster.dataDir('bea'), '--room', '#dev').stdout.trim().split('\n')).toHaveLength(1);
  });

  it('explains a data folder that has no history', () => {
    const run = historyOf(cluster.dataDir('nobody-here'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no lanchat history in/);
  });
});
