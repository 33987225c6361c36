import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { Cluster, LANCHAT_BIN } from '../helpers/lanchat-process.js';
import { chat } from '../store/history-store.contract.js';

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
    // The sync after the welcome brings nothing ann has: no line shows twice.
    relay.proc.send('marker');
    await again.waitForText('marker');
    for (const text of ['first line', 'second line', 'third line']) expect(again.messages(text)).toHaveLength(1);
    await again.quit();
  });

  it('a catch-up shows the latest 50 in display order, though sync brings them author by author', async () => {
    const relay = await cluster.relay('order');
    const [uma, vic] = await Promise.all([cluster.member('uma', relay.port), cluster.member('vic', relay.port)]);
    // uma is first in every vector, so a sync sends all of uma's lines before vic's; in time, vic's come
    // between uma's first line and the rest.
    uma.send('uma 1');
    await relay.proc.waitForText('uma 1');
    for (let i = 1; i <= 30; i++) vic.send(`vic ${i}`);
    await relay.proc.waitForText('vic 30', 15_000);
    for (let i = 2; i <= 30; i++) uma.send(`uma ${i}`);
    await relay.proc.waitForText('uma 30', 15_000);

    const late = await cluster.member('wes', relay.port);
    const notice = await late.waitFor('notice', (e) => e.code === 'CAUGHT_UP');
    // wes never ran before: these are the network's earlier messages, not what it missed (issue 16 item 6).
    expect(notice.text).toMatch(/^60 earlier messages of this network \(the last 50 below/);
    await late.waitForText('uma 30');
    const shown = late.all('message', (e) => e.history === true).map((e) => String(e.text));
    // The last 50 of the 60 in display order: uma 1 and vic 1-9 are the oldest ten.
    const expected = [...Array.from({ length: 21 }, (_, i) => `vic ${i + 10}`), ...Array.from({ length: 29 }, (_, i) => `uma ${i + 2}`)];
    expect(shown).toEqual(expected);
  });

  it('a node whose history folder was deleted goes on numbering, so its new lines are not taken for old ones', async () => {
    const relay = await cluster.relay('archive');
    const lou = await cluster.member('lou', relay.port);
    for (const text of ['lou one', 'lou two', 'lou three']) lou.send(text);
    await relay.proc.waitForText('lou three');
    expect(await lou.quit()).toBe(0);
    rmSync(join(cluster.dataDir('lou'), 'history'), { recursive: true, force: true });

    const again = await cluster.member('lou', relay.port);
    again.send('lou after the loss');
    const line = await relay.proc.waitForText('lou after the loss');
    expect(String(line.id).split('-')[1]).toBe('4');
    // Its old lines come back to it by sync, each once.
    for (const text of ['lou one', 'lou two', 'lou three']) await again.waitForText(text);
    for (const text of ['lou one', 'lou two', 'lou three']) expect(again.messages(text)).toHaveLength(1);
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

  it('lanchat history reads the history of a lanchat running on the same data folder, through it', async () => {
    const relay = await cluster.relay('awake');
    const ola = await cluster.member('ola', relay.port);
    ola.send('said while it runs');
    await relay.proc.waitForText('said while it runs');
    relay.proc.send('/join #ops');
    relay.proc.send('ops line');
    await relay.proc.waitForText('ops line');

    const run = historyOf(cluster.dataDir('awake'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { text: string; history: boolean });
    expect(lines.map((m) => m.text)).toEqual(['said while it runs', 'ops line']);
    expect(historyOf(cluster.dataDir('awake'), '--room', '#ops').stdout.trim().split('\n').map((l) => JSON.parse(l).text)).toEqual(['ops line']);
    // The node is still there, and still chatting.
    ola.send('and after');
    await relay.proc.waitForText('and after');
    await Promise.all([ola.quit(), relay.proc.quit()]);
  });

  it('lanchat history piped into a reader that stops early (| head) ends quietly, and stops reading', async () => {
    const relay = await cluster.relay('long');
    await relay.proc.quit();
    // Enough history to fill a pipe many times over, written straight into the stopped node's store.
    const store = await LevelHistoryStore.open(join(cluster.dataDir('long'), 'history'));
    const origin = 'c4'.repeat(32);
    const text = 'a line long enough to fill the pipe quickly, '.repeat(4);
    for (let seq = 1; seq <= 4_000; seq += 500) {
      await store.append(Array.from({ length: 500 }, (_, i) => chat(origin, seq + i, 1_700_000_000_000 + seq + i, `${text}${seq + i}`)));
    }
    await store.close();
    const child = spawn(process.execPath, [LANCHAT_BIN, 'history', '--data', cluster.dataDir('long')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // The reader takes its first chunk and goes away, as `head` does.
    await once(child.stdout, 'data');
    child.stdout.destroy();
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  const historyLines = (dataDir: string, ...args: string[]) => {
    const run = historyOf(dataDir, '--limit', '100000', ...args);
    expect(run.status).toBe(0);
    return run.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string; text: string; from: string });
  };

  it('a member away while others chat catches up on return: told how many, shown once', async () => {
    const relay = await cluster.relay('den');
    const cal = await cluster.member('cal', relay.port);
    const dee = await cluster.member('dee', relay.port);
    expect(await dee.quit()).toBe(0);
    for (const text of ['while dee was away 1', 'while dee was away 2', 'while dee was away 3']) cal.send(text);
    await relay.proc.waitForText('while dee was away 3');

    const back = cluster.start('dee', ['--connect', `127.0.0.1:${relay.port}`]);
    const notice = await back.waitFor('notice', (e) => e.code === 'CAUGHT_UP');
    expect(notice.text).toBe('3 messages while you were away');
    await back.waitForText('while dee was away 3');
    const caught = back.all('message', (e) => String(e.text).startsWith('while dee was away'));
    expect(caught.map((e) => e.text)).toEqual(['while dee was away 1', 'while dee was away 2', 'while dee was away 3']);
    cal.send('welcome back');
    await back.waitForText('welcome back');
    expect(back.all('message', (e) => String(e.text).startsWith('while dee was away'))).toHaveLength(3);
    await Promise.all([back.quit(), cal.quit(), relay.proc.quit()]);
    expect(historyLines(cluster.dataDir('dee')).map((m) => m.id)).toEqual(historyLines(cluster.dataDir('den')).map((m) => m.id));
  });

  it('a line typed while no relay is reachable is stored at once and delivered when one is back', async () => {
    // gus is told to join a relay that is not up yet: it keeps dialing, and its user keeps typing.
    const port = await freePort();
    const gus = cluster.start('gus', ['--connect', `127.0.0.1:${port}`]);
    // Said once no relay has been reached for relayQuietMs (4 s): a start's first failed dials are no alarm.
    await gus.waitFor('connection', (e) => e.state === 'disconnected', 15_000);
    gus.send('typed in the dark');
    const stored = await gus.waitForText('typed in the dark');

    const relay = cluster.start('ferry', ['--host', '--port', String(port)]);
    const delivered = await relay.waitForText('typed in the dark', 10_000);
    expect([delivered.from, delivered.id]).toEqual(['gus', stored.id]);
    await gus.waitFor('role', (e) => e.role === 'member');
    expect(gus.messages('typed in the dark')).toHaveLength(1);
    await Promise.all([gus.quit(), relay.quit()]);
  });

  it('a node killed in the middle of a burst reopens its store, goes on numbering, and syncs', async () => {
    const relay = await cluster.relay('anvil');
    const hal = await cluster.member('hal', relay.port);
    const burst = Array.from({ length: 400 }, (_, i) => `burst ${i + 1}`);
    hal.send(burst.join('\n'));
    await relay.proc.waitForText('burst 50');
    await hal.kill('SIGKILL');

    const again = await cluster.member('hal', relay.port);
    again.send('after the crash');
    await relay.proc.waitForText('after the crash');
    await Promise.all([again.quit(), relay.proc.quit()]);
    const mine = historyLines(cluster.dataDir('hal')).filter((m) => m.from === 'hal');
    const relays = historyLines(cluster.dataDir('anvil')).filter((m) => m.from === 'hal');
    // What hal stored before the kill is a gap-free prefix of the burst; everything it stored reached the
    // relay (the sync after the restart carried what the kill cut off), and the next line numbers on.
    expect(mine.map((m) => m.id)).toEqual(relays.map((m) => m.id));
    const texts = mine.map((m) => m.text);
    expect(texts.at(-1)).toBe('after the crash');
    expect(texts.slice(0, -1)).toEqual(burst.slice(0, texts.length - 1));
    const seqs = mine.map((m) => Number(m.id.split('-')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('a private message is stored by every node, readable by its two ends only', async () => {
    const relay = await cluster.relay('ivy');
    const jon = await cluster.member('jon', relay.port);
    const kim = await cluster.member('kim', relay.port);
    await jon.waitFor('presence', (e) => e.nick === 'kim');
    jon.send('/msg kim the secret words');
    await kim.waitForText('the secret words');
    jon.send('a public marker');
    await relay.proc.waitForText('a public marker');
    await Promise.all([jon.quit(), kim.quit(), relay.proc.quit()]);

    expect(historyLines(cluster.dataDir('kim')).map((m) => m.text)).toContain('the secret words');
    expect(historyLines(cluster.dataDir('jon')).map((m) => m.text)).toContain('the secret words');
    expect(historyLines(cluster.dataDir('ivy')).map((m) => m.text)).toEqual(['a public marker']);
    // The relay holds it, sealed: its store has the message and not the words.
    const store = await LevelHistoryStore.open(join(cluster.dataDir('ivy'), 'history'));
    try {
      const held = await store.latest({ limit: 10 });
      const sealed = held.filter((m) => m.message.to);
      expect(sealed).toHaveLength(1);
      expect(Buffer.from(sealed[0]!.bytes).includes(Buffer.from('secret'))).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('explains a data folder that has no history', () => {
    const run = historyOf(cluster.dataDir('nobody-here'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no lanchat history in/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
