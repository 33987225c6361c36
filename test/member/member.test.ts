import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { CAUGHT_UP_SHOWN, Member } from '../../src/member/member.js';
import { Relay } from '../../src/relay/relay.js';
import type { Replica } from '../../src/sync/replica.js';
import { tempReplica } from '../helpers/replica.js';
import { loopbackMember, relayForSuite } from '../helpers/loopback-relay.js';
import { encodeMessageFrame } from '../../src/wire/codec.js';
import { authored } from '../helpers/authored.js';
import { serve, WireClient } from '../helpers/wire-client.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

// The member role alone (no election): a real Relay with its own history on loopback, reached through a
// proxy the test cuts. Every member has its own real LevelDB.
describe('Member', () => {
  const closers: (() => Promise<void>)[] = [];
  const suite = relayForSuite(closers);
  const replica = async (): Promise<Replica> => {
    const made = await tempReplica();
    closers.push(made.close);
    return made.replica;
  };


  const memberVia = async (target: number, nick: string): Promise<Member> => new Member(loopbackMember(target, nick, await replica()));
  const once = <T>(member: Member, event: 'connected' | 'disconnected' | 'lost'): Promise<T> =>
    new Promise((resolve) => member.once(event, (info: unknown) => resolve(info as T)));
  /** A member started towards `target`, once it is connected. */
  const connectedVia = async (target: number, nick: string): Promise<Member> => {
    const member = await memberVia(target, nick);
    const connected = once(member, 'connected');
    member.start();
    await connected;
    return member;
  };

  it('stores lines written while cut off and delivers them, in order, by the sync after reconnecting', async () => {
    const reader = await connectedVia(suite.port(), 'reader');
    const proxy = await TcpProxy.start(suite.port());
    const member = await connectedVia(proxy.port, 'writer');

    const lost = once<{ reason: string; retryInMs: number }>(member, 'disconnected');
    await proxy.cut();
    await lost;
    expect(member.isConnected).toBe(false);
    expect(member.say('one')).toBe(true);
    expect(member.say('two')).toBe(true);
    await new Promise<void>((resolve) => member.on('message', (m) => m.text === 'two' && resolve()));
    expect(member.undelivered).toBe(2);

    // The relay asks the returning writer for what it lacks, then offers it to the reader, who catches up.
    const caughtUp = new Promise<{ count: number; recent: { text: string; history?: boolean }[] }>((resolve) => reader.once('caughtUp', resolve));
    const back = once(member, 'connected');
    await proxy.restore();
    await back;
    const { count, recent } = await caughtUp;
    expect(count).toBe(2);
    // News to a reader who was here all along (issue 16 item 9): not history, shown where it arrives.
    expect(recent.map((m) => [m.text, m.history])).toEqual([['one', undefined], ['two', undefined]]);
    await Promise.all([member.stop(), reader.stop()]);
    expect(member.undelivered).toBe(0);
    await proxy.cut();
  });

  it('shows every line a sync brings while its user is here, and only the latest of what came while away', async () => {
    const reader = await connectedVia(suite.port(), 'present');
    const arrived: { text: string; away: boolean }[] = [];
    reader.on('message', (m) => m.from === 'paster' && arrived.push({ text: m.text, away: false }));
    const liveRoundFirsts: boolean[] = [];
    reader.on('caughtUp', ({ recent, away, first }) => {
      if (!away) liveRoundFirsts.push(first);
      recent.forEach((m) => m.from === 'paster' && arrived.push({ text: m.text, away }));
    });

    const proxy = await TcpProxy.start(suite.port());
    const writer = await connectedVia(proxy.port, 'paster');
    const lost = once(writer, 'disconnected');
    await proxy.cut();
    await lost;
    const lines = Array.from({ length: CAUGHT_UP_SHOWN * 2 + 20 }, (_, i) => `offline ${i}`);
    for (const line of lines) expect(writer.say(line)).toBe(true);
    const back = once(writer, 'connected');
    await proxy.restore();
    await back;
    await new Promise<void>((resolve) => {
      const check = (): void => void (arrived.length >= lines.length && resolve());
      reader.on('caughtUp', check);
      check();
    });
    expect(arrived).toEqual(lines.map((text) => ({ text, away: false })));
    expect(liveRoundFirsts.every((first) => !first)).toBe(true);

    // A member that arrives now was away for all of it: a count, and the latest screenful.
    const late = await memberVia(suite.port(), 'late');
    const caughtUp = new Promise<{ count: number; recent: { text: string }[]; away: boolean; first: boolean }>((resolve) => late.once('caughtUp', resolve));
    late.start();
    const { count, recent, away, first } = await caughtUp;
    expect(away).toBe(true);
    // Its store was empty: the network's earlier messages, not what happened while it was away (issue 16 item 6).
    expect(first).toBe(true);
    expect(count).toBeGreaterThanOrEqual(lines.length);
    expect(recent.map((m) => m.text)).toEqual(lines.slice(-CAUGHT_UP_SHOWN));
    await Promise.all([writer.stop(), reader.stop(), late.stop()]);
    await proxy.cut();
  });

  it('shows a message once though it comes live and again by sync, across reconnects', async () => {
    const reader = await connectedVia(suite.port(), 'reader2');
    const shown: string[] = [];
    reader.on('message', (m) => m.from === 'resender' && shown.push(m.text));
    reader.on('caughtUp', ({ recent }) => recent.forEach((m) => m.from === 'resender' && shown.push(m.text)));

    const proxy = await TcpProxy.start(suite.port());
    const writer = await connectedVia(proxy.port, 'resender');
    writer.say('first');
    await new Promise<void>((resolve) => reader.on('message', (m) => m.text === 'first' && resolve()));

    const lost = once(writer, 'disconnected');
    await proxy.cut();
    await lost;
    writer.say('while away');
    const back = once(writer, 'connected');
    await proxy.restore();
    await back;
    writer.say('after');
    await new Promise<void>((resolve) => {
      const check = (): void => void (shown.includes('after') && shown.includes('while away') && resolve());
      reader.on('message', check);
      reader.on('caughtUp', check);
      check();
    });
    expect([...shown].sort()).toEqual(['after', 'first', 'while away']);
    await Promise.all([writer.stop(), reader.stop()]);
    await proxy.cut();
  });

  it('refuses an altered message: not stored, not shown, and the relay drops whoever sent it', async () => {
    const reader = await connectedVia(suite.port(), 'victim');
    const problems: string[] = [];
    const shown: string[] = [];
    reader.on('problem', (p) => problems.push(p.code));
    reader.on('message', (m) => shown.push(m.text));

    const forger = ephemeralIdentity();
    const wire = await WireClient.connect(suite.port(), forger.nodeId);
    wire.hello('forger');
    await wire.next('welcome');
    const [honest, second] = authored(forger, 'test', 2, { nick: 'forger' });
    const altered = Buffer.from(second!);
    altered[altered.indexOf(Buffer.from('line 2'))] = 'L'.charCodeAt(0);
    wire.conn.send(Buffer.concat([encodeMessageFrame(honest!), encodeMessageFrame(altered)]));

    await wire.next('error', (f) => f.error.code === 'BAD_SIGNATURE');
    await wire.closed;
    await new Promise<void>((resolve) => {
      const check = (): void => void (problems.includes('BAD_SIGNATURE') && resolve());
      reader.on('problem', check);
      check();
    });
    expect(shown).toEqual(['line 1']);
    await reader.stop();
  });

  it('says which relay it lost, so the node can elect a successor', async () => {
    const proxy = await TcpProxy.start(suite.port());
    const member = await connectedVia(proxy.port, 'loser');
    const lost = once<{ relay?: { nick: string }; redirected: boolean }>(member, 'lost');
    await proxy.cut();
    expect(await lost).toMatchObject({ relay: { nick: 'relay' }, redirected: false });
    await member.stop();
  });

  it('goes where a relay redirects it, without counting it as a loss', async () => {
    const proxy = await TcpProxy.start(suite.port());
    const member = await connectedVia(proxy.port, 'mover');
    const next = new Relay({ nodeId: randomBytes(32), nick: 'next', network: 'test' });
    const nextServer = await serve((conn) => next.accept(conn));
    const lost = once<{ redirected: boolean }>(member, 'lost');
    const again = once<{ nick: string; port: number }>(member, 'connected');
    suite.relay().handOver({ nodeId: randomBytes(32), host: '127.0.0.1', port: nextServer.port });
    expect((await lost).redirected).toBe(true);
    expect(await again).toMatchObject({ nick: 'next', port: nextServer.port });
    await member.stop();
    await proxy.cut();
    next.stop();
    nextServer.server.close();
  });
});
