import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN } from '../helpers/lanchat-process.js';
import { WireClient } from '../helpers/wire-client.js';

// Issue 15, finding 3: nicks that look like one in use. Real lanchat processes on 127.0.0.1, mDNS off.
const FULLWIDTH_WATCH = '\uff57\uff41\uff54\uff43\uff48';
const CYRILLIC_COP = '\u0441\u043e\u0440'; // с о р: all Cyrillic, one script
const MIXED_WATCH = 'w\u0430tch'; // Latin w, t, c, h with a Cyrillic а

describe('lookalike nicks (real processes on loopback)', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('the relay refuses a nick that looks like one in use, with a suggestion', async () => {
    const relay = await cluster.relay('cop');
    await cluster.member('watch', relay.port);
    const eve = await cluster.member('eve', relay.port);

    eve.send(`/nick ${FULLWIDTH_WATCH}`);
    const taken = await eve.waitFor('error', (e) => e.code === 'NICK_IN_USE');
    expect(taken.message).toContain(FULLWIDTH_WATCH);
    expect(taken.suggestion).toBe(`${FULLWIDTH_WATCH}2`);

    eve.send(`/nick ${CYRILLIC_COP}`);
    const cop = await eve.waitFor('error', (e) => e.code === 'NICK_IN_USE' && e.message !== taken.message);
    expect(cop.suggestion).toBe(`${CYRILLIC_COP}2`);

    // A name free of lookalikes is still taken, as before.
    eve.send('/nick evelyn');
    await relay.proc.waitFor('presence', (e) => e.state === 'renamed' && e.nick === 'evelyn');
    // The answer to this /who, not the who event sent unasked on start.
    const earlier = new Set(eve.all('who'));
    eve.send('/who');
    const who = await eve.waitFor('who', (e) => !earlier.has(e));
    expect(who.nicks).toEqual(expect.arrayContaining(['cop', 'watch', 'evelyn']));
    expect(who.nicks).toHaveLength(3);
  });

  it('a newcomer asking for a lookalike nick is given another', async () => {
    const relay = await cluster.relay('keeper');
    await cluster.member('watch-2', relay.port, ['--name', 'watch']);
    const twin = await cluster.member('twin', relay.port, ['--name', FULLWIDTH_WATCH]);
    const renamed = await twin.waitFor('presence', (e) => e.self === true && e.state === 'renamed');
    expect(renamed).toMatchObject({ from: FULLWIDTH_WATCH, nick: `${FULLWIDTH_WATCH}2` });
    await relay.proc.waitFor('presence', (e) => e.state === 'joined' && e.nick === `${FULLWIDTH_WATCH}2`);
  });

  it('the relay refuses a hello whose nick mixes scripts', async () => {
    const relay = await cluster.relay('guard');
    const client = await WireClient.connect(relay.port);
    client.hello(MIXED_WATCH, ['#lobby'], 'lanchat');
    const { frame } = await client.next('error');
    expect(frame.error.code).toBe('NICK_INVALID');
    expect(frame.error.message).toMatch(/mixes Latin and Cyrillic/);
    await client.closed;
    expect(client.received('welcome')).toEqual([]);
  });

  it('lanchat refuses such a nick before it starts', () => {
    const run = spawnSync(process.execPath, [LANCHAT_BIN, '--json', '--no-discovery', '--name', MIXED_WATCH, '--data', cluster.dataDir('mixed')], {
      encoding: 'utf8',
      timeout: 10_000,
      input: '',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/mixes Latin and Cyrillic/);
  });
});
