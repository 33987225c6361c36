import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { authored, freshAuthor, oneLineEach } from '../helpers/authored.js';
import { Cluster, type LanchatEvent } from '../helpers/lanchat-process.js';
import { WireClient } from '../helpers/wire-client.js';

/** The network lanchat processes are on when not told otherwise: messages are signed for it. */
const NETWORK = 'lanchat';

/** Writes `encoded` (signed messages) into the history of the data folder `dataDir`, before its node starts. */
async function seedHistory(dataDir: string, encoded: Buffer[]): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const store = await LevelHistoryStore.open(join(dataDir, 'history'));
  try {
    await store.append(encoded.map(decodeStored));
  } finally {
    await store.close();
  }
}

// Real lanchat processes on 127.0.0.1 (mDNS off), each with its own data folder and LevelDB; the
// histories are the two that broke sync in the adversarial trial (issue 15, findings 1 and 2).
describe('sync at the limits', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('a history of 7,000 origins reaches the relay and then a fresh member, and nobody is dropped or exits', { timeout: 180_000 }, async () => {
    await seedHistory(cluster.dataDir('wide'), oneLineEach(7_000, NETWORK));
    const relay = await cluster.relay('hub7k');
    // The member carrying the history joins: the relay asks it for all of it, and offers it on.
    const wide = await cluster.member('wide', relay.port);
    const line = 'after seven thousand';
    wide.send(line);
    await relay.proc.waitForText(line, 20_000);
    // A fresh member, on its first start: 7,000 earlier lines of the network (and the one above), asked for in pages.
    const fresh = cluster.start('fresh', ['--connect', `127.0.0.1:${relay.port}`]);
    // The live line can reach the relay before it has stored the 7,000 (verifying them takes a while under
    // load): then the fresh member's first catch-up is what the relay held then, and the rest is told as it
    // comes. Their counts add up to every line, the first told as this network's earlier ones.
    const caughtUp = (): LanchatEvent[] => fresh.all('notice', (e) => e.code === 'CAUGHT_UP');
    const counted = (): number => caughtUp().reduce((sum, e) => sum + Number(/^(\d+) /.exec(String(e.text))?.[1] ?? 0), 0);
    await fresh.waitFor('notice', () => counted() >= 7_001, 120_000);
    expect(counted()).toBe(7_001);
    expect(caughtUp()[0]?.text).toMatch(/^\d+ earlier messages? of this network/);
    fresh.send('and one more');
    await wide.waitForText('and one more', 20_000);
    for (const node of [relay.proc, wide, fresh]) {
      expect(node.child.exitCode).toBeNull();
      expect(node.all('connection', (e) => e.state === 'disconnected')).toEqual([]);
      expect(node.all('error')).toEqual([]);
    }
    await Promise.all([fresh.quit(), wide.quit(), relay.proc.quit()]);
  });

  it('an origin withheld at seq 1 does not keep a member back from the lines of everyone else', { timeout: 60_000 }, async () => {
    const relay = await cluster.relay('gapped');
    const cal = await cluster.member('cal', relay.port);
    const dee = await cluster.member('dee', relay.port);
    expect(await dee.quit()).toBe(0);

    // Someone uploads seqs 2..601 of a chain whose seq 1 nobody will ever have, under a node id that
    // sorts first, answering the relay's sync request (with batches of 500 at most, as a node would).
    const mallory = freshAuthor('00');
    const upload = authored(mallory, NETWORK, 601).slice(1);
    const wire = await WireClient.connect(relay.port);
    wire.hello('mallory', ['#lobby'], NETWORK);
    await wire.next('welcome');
    await wire.next('syncRequest');
    wire.conn.sendFrame({ syncBatch: { messages: upload.slice(0, 500), more: true } });
    await wire.next('syncRequest', () => wire.received('syncRequest').length >= 2);
    wire.conn.sendFrame({ syncBatch: { messages: upload.slice(500), more: false } });
    await relay.proc.waitForText('line 601', 20_000);

    const lines = ['while dee was away 1', 'while dee was away 2', 'while dee was away 3'];
    for (const text of lines) cal.send(text);
    await relay.proc.waitForText(lines[2]!);
    const back = cluster.start('dee', ['--connect', `127.0.0.1:${relay.port}`]);
    for (const text of lines) await back.waitForText(text, 25_000);
    const notice = await back.waitFor('notice', (e) => e.code === 'CAUGHT_UP');
    expect(notice.text).toMatch(/^603 messages while you were away/);
    await Promise.all([back.quit(), cal.quit(), relay.proc.quit()]);
    wire.conn.close();
  });
});
