import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { Cluster, LANCHAT_BIN } from '../helpers/lanchat-process.js';
import { chat } from '../store/history-store.contract.js';

// Issue 15, finding 11: `lanchat history | (a reader that stops)` on a running node's data folder.
describe('lanchat history on a running node, read by a reader that stops', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('does not keep the node from leaving: /quit ends the answer, and the history command says it was cut off', async () => {
    const first = await cluster.relay('busy');
    await first.proc.quit();
    // Far more than the pipes and sockets between the node and the reader hold (8 MB).
    const store = await LevelHistoryStore.open(join(cluster.dataDir('busy'), 'history'));
    const text = 'a line of an ordinary length, '.repeat(32);
    for (let seq = 1; seq <= 8_000; seq += 500) {
      await store.append(Array.from({ length: 500 }, (_, i) => chat('c4'.repeat(32), seq + i, 1_700_000_000_000 + (seq + i) * 2_000, `${text}${seq + i}`)));
    }
    await store.close();
    const node = (await cluster.relay('busy')).proc;
    const reader = spawn(process.execPath, [LANCHAT_BIN, 'history', '--data', cluster.dataDir('busy')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    reader.stderr.on('data', (d: Buffer) => (stderr += d));
    const readerExit = once(reader, 'exit') as Promise<[number | null]>;
    // The reader takes the first lines and stops reading, without going away.
    await once(reader.stdout, 'data');
    reader.stdout.pause();
    const quitAt = Date.now();
    const exited = await Promise.race([node.quit(), new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 8_000))]);
    expect(exited).toBe(0);
    expect(Date.now() - quitAt).toBeLessThan(8_000);
    // Reading again, the reader gets what was on its way, then the history command ends with an error.
    reader.stdout.resume();
    const [code] = await readerExit;
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/closed the control socket before the whole history/);
  });
});
