import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../helpers/lanchat-process.js';

// Real --json processes on 127.0.0.1: a restart puts the user back in their rooms (issue 16 item 10).
describe('what a restart remembers', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('brings back the rooms and the current one', async () => {
    const { proc: first } = await cluster.relay('ann');
    first.send('/join #dev');
    first.send('/join #ops');
    await first.waitFor('presence', (e) => e.self === true && e.room === '#ops' && e.state === 'joined');
    first.send('/join #dev'); // back to #dev: current, without a new join
    first.send('/part #lobby');
    await first.waitFor('presence', (e) => e.self === true && e.room === '#lobby' && e.state === 'left');
    expect(await first.quit()).toBe(0);
    expect(JSON.parse(readFileSync(join(cluster.dataDir('ann'), 'remembered.json'), 'utf8'))).toMatchObject({ rooms: ['#dev', '#ops'], current: '#dev' });

    const { proc: second } = await cluster.relay('ann');
    // Who is here in each room, unasked, as after any join of one's own: the rooms are back.
    await second.waitFor('who', (e) => e.room === '#ops');
    expect(second.all('who').map((e) => e.room)).toEqual(['#dev', '#ops']);
    second.send('plain line');
    expect(await second.waitForText('plain line')).toMatchObject({ room: '#dev', own: true });
    expect(await second.quit()).toBe(0);
  });
});
