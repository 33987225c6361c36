import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { type LostInfo, Member, type NextDial, type RelayAddress } from '../../src/member/member.js';
import { connectedMember, MemoryRelay } from '../helpers/memory-relay.js';

// The member's link with its dial handed in (an in-memory relay) and its next-dial policy injected.
describe('Member reconnect policy', () => {
  const A: RelayAddress = { host: '10.0.0.1', port: 1 };
  const B: RelayAddress = { host: '10.0.0.2', port: 2 };
  const C: RelayAddress = { host: '10.0.0.3', port: 3 };
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const clean of cleanups.splice(0)) await clean();
  });

  async function connected(relay: MemoryRelay, reconnect?: (lost: LostInfo) => NextDial | undefined): Promise<Member> {
    const { member, stop } = await connectedMember(relay, { target: A, ...(reconnect === undefined ? {} : { reconnect }) });
    cleanups.push(stop);
    return member;
  }

  const next = <T>(member: Member, event: 'connected' | 'disconnected'): Promise<T> =>
    new Promise((resolve) => member.once(event, (info: unknown) => resolve(info as T)));

  it('asks the policy, when the link is lost, where and when to dial next, after the lost listeners', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    const order: string[] = [];
    const asked: LostInfo[] = [];
    const member = await connected(relay, (lost) => {
      order.push('policy');
      asked.push(lost);
      // Asked synchronously, before any dial: the last dial is still the first one.
      expect(relay.dials).toHaveLength(1);
      return { target: B, delay: 'now', dialTimeoutMs: 250 };
    });
    member.on('lost', () => order.push('lost'));
    const disconnected = next<{ retryInMs: number }>(member, 'disconnected');
    const back = next<RelayAddress>(member, 'connected');
    relay.conn!.close();
    expect((await disconnected).retryInMs).toBe(0);
    expect(await back).toMatchObject(B);
    expect(order).toEqual(['lost', 'policy']);
    expect(asked).toEqual([expect.objectContaining({ target: A, redirected: false, relay: expect.objectContaining({ nick: 'relay', host: A.host }) })]);
    expect(relay.dials.map((d) => [d.target, d.options.timeoutMs])).toEqual([[A, undefined], [B, 250]]);
  });

  it('keeps the default when the policy answers undefined: the same target, after backoff', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    const member = await connected(relay, () => undefined);
    const disconnected = next<{ retryInMs: number }>(member, 'disconnected');
    const back = next(member, 'connected');
    relay.conn!.close();
    expect((await disconnected).retryInMs).toBeGreaterThan(0);
    await back;
    expect(relay.dials.map((d) => d.target)).toEqual([A, A]);
  });

  it('says how long until its next dial while it waits the backoff, and 0 once it dials', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    const member = await connected(relay, () => undefined);
    expect(member.nextDialInMs()).toBe(0);
    const disconnected = next<{ retryInMs: number }>(member, 'disconnected');
    const back = next(member, 'connected');
    relay.conn!.close();
    const { retryInMs } = await disconnected;
    const left = member.nextDialInMs();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(retryInMs);
    await back;
    expect(member.nextDialInMs()).toBe(0);
  });

  it('waits the backoff for an answer that says so', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    const member = await connected(relay, () => ({ target: C, delay: 'backoff' }));
    const disconnected = next<{ retryInMs: number }>(member, 'disconnected');
    const back = next(member, 'connected');
    relay.conn!.close();
    expect((await disconnected).retryInMs).toBeGreaterThan(0);
    await back;
    expect(relay.dials.map((d) => d.target)).toEqual([A, C]);
  });

  it('still lets a lost listener retarget it, as before', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    const member = await connected(relay);
    member.on('lost', () => member.retarget(C));
    const disconnected = next<{ retryInMs: number }>(member, 'disconnected');
    const back = next(member, 'connected');
    relay.conn!.close();
    expect((await disconnected).retryInMs).toBe(0);
    await back;
    expect(relay.dials.map((d) => d.target)).toEqual([A, C]);
  });

  it('goes where a relay redirects it, at once, and tells the policy it was redirected', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    const asked: LostInfo[] = [];
    const member = await connected(relay, (lost) => void asked.push(lost));
    const disconnected = next<{ retryInMs: number }>(member, 'disconnected');
    const back = next(member, 'connected');
    relay.conn!.sendFrame({ redirect: { host: B.host, port: B.port } });
    expect((await disconnected).retryInMs).toBe(0);
    await back;
    expect(asked).toEqual([expect.objectContaining({ redirected: true, target: B })]);
    expect(relay.dials.map((d) => d.target)).toEqual([A, B]);
  });

  it('dials with the message frames handed over undecoded', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    await connected(relay);
    expect(relay.dials[0]!.options.messageBytes).toBe(true);
  });
});
