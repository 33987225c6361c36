import { afterAll, describe, expect, it } from 'vitest';
import { Cluster } from '../helpers/lanchat-process.js';

// Real lanchat processes on 127.0.0.1 (mDNS off), each with its own data folder and LevelDB.
describe('a private message for someone offline', () => {
  const cluster = new Cluster();
  afterAll(() => cluster.cleanup());

  it('is sealed, stored and delivered when they come back, also after its sender has quit, and to them alone', async () => {
    const relay = await cluster.relay('hub');
    const bob = await cluster.member('bob', relay.port);
    const ann = await cluster.member('ann', relay.port);
    await ann.waitFor('who', (e) => Array.isArray(e.nicks) && e.nicks.includes('bob'));
    expect(await bob.quit()).toBe(0);
    await ann.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'left' && e.room === null);

    // Someone never seen: refused, as before.
    ann.send('/msg zed are you there');
    expect(await ann.waitFor('error', (e) => e.code === 'NO_SUCH_NICK')).toMatchObject({ message: 'no one called zed is online' });

    ann.send('/msg bob while you were out');
    const told = await ann.waitFor('notice', (e) => e.code === 'OFFLINE_DELIVERY');
    expect(told.text).toBe('bob is offline; they will get it when they are back');
    // Her own copy, as any private line she sends.
    expect(await ann.waitForText('while you were out')).toMatchObject({ own: true, to: 'bob', room: null });

    // bob comes back while ann is still here: his node's sync brings it.
    const bob2 = await cluster.member('bob', relay.port);
    expect(await bob2.waitForText('while you were out', 15_000)).toMatchObject({ from: 'ann', to: 'bob', room: null, own: false });
    expect(await bob2.quit()).toBe(0);
    await ann.waitFor('presence', (e) => e.nick === 'bob' && e.state === 'left' && e.room === null && ann.all('presence', (p) => p.nick === 'bob' && p.state === 'left').length === 2);

    // ann restarts (bob's key comes from her data folder now), writes to him, and quits before he is back.
    expect(await ann.quit()).toBe(0);
    const ann2 = await cluster.member('ann', relay.port);
    ann2.send('/msg bob left you a note');
    await ann2.waitFor('notice', (e) => e.code === 'OFFLINE_DELIVERY');
    expect(await ann2.quit()).toBe(0);

    const bob3 = await cluster.member('bob', relay.port);
    expect(await bob3.waitForText('left you a note', 15_000)).toMatchObject({ from: 'ann', to: 'bob', own: false });
    // The relay carried both sealed: it never showed either.
    expect(relay.proc.messages('while you were out')).toHaveLength(0);
    expect(relay.proc.messages('left you a note')).toHaveLength(0);
    await bob3.quit();
  });

  it('reaches someone known only from history: their seal key came with a line of theirs', async () => {
    const relay = await cluster.relay('hub2');
    const alice = await cluster.member('alice', relay.port);
    alice.send('before carol came');
    await relay.proc.waitForText('before carol came');
    expect(await alice.quit()).toBe(0);
    await relay.proc.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'left' && e.room === null);

    // carol never saw alice online: her node has alice's line from the relay's history, and the key on it.
    const carol = await cluster.member('carol', relay.port);
    expect(await carol.waitForText('before carol came', 15_000)).toMatchObject({ from: 'alice', history: true });
    carol.send('/msg alice hi from someone you never met');
    const told = await carol.waitFor('notice', (e) => e.code === 'OFFLINE_DELIVERY');
    expect(told.text).toBe('alice is offline; they will get it when they are back');
    expect(await carol.waitForText('hi from someone you never met')).toMatchObject({ own: true, to: 'alice', room: null });
    expect(await carol.quit()).toBe(0);

    const alice2 = await cluster.member('alice', relay.port);
    expect(await alice2.waitForText('hi from someone you never met', 15_000)).toMatchObject({ from: 'carol', to: 'alice', room: null, own: false });
    expect(relay.proc.messages('hi from someone you never met')).toHaveLength(0);
    await alice2.quit();
  });
});
