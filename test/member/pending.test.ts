import { afterEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views.js';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { Member } from '../../src/member/member.js';
import { encodeFrame } from '../../src/wire/codec.js';
import type { lanchat } from '../../src/wire/protobuf.js';
import { MemoryRelay } from '../helpers/memory-relay.js';
import { tempReplica } from '../helpers/replica.js';

// Issue 16 item 9: a line written while no relay is reachable is shown pending, and cleared by whatever
// says a relay holds it: the relay's `stored` frame, or (from an older relay, which sends none) its sync
// offer or request listing this node's seqs. In memory: the test speaks for the relay.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A member that wrote `lines` before its first relay, then was welcomed by an in-memory relay. */
async function wroteOffline(lines: string[]): Promise<{ member: Member; identity: Identity; relay: MemoryRelay; shown: MessageView[]; delivered: string[] }> {
  const relay = new MemoryRelay(ephemeralIdentity());
  const identity = ephemeralIdentity();
  const { replica, close } = await tempReplica();
  const member = new Member({
    identity,
    network: 'test',
    nick: 'member',
    rooms: ['#lobby'],
    listenPort: 0,
    addresses: [],
    rank: { forced: false, weight: 0, startedAt: 1 },
    relay: { host: '10.0.0.1', port: 1 },
    replica,
    heartbeatMs: 0,
    dial: relay.dial,
  });
  closers.push(async () => {
    await member.stop('quit', 0);
    await close();
  });
  const shown: MessageView[] = [];
  const delivered: string[] = [];
  member.on('message', (m) => shown.push(m));
  member.on('delivered', (id) => delivered.push(id));
  for (const line of lines) expect(member.say(line)).toBe(true);
  await until(() => shown.length === lines.length);
  const welcomed = new Promise((resolve) => member.once('connected', resolve));
  member.start();
  await welcomed;
  return { member, identity, relay, shown, delivered };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

function fromRelay(relay: MemoryRelay, frame: lanchat.Frame.$Shape): void {
  relay.conn!.send(encodeFrame(frame));
}

describe('pending lines (issue 16 item 9)', () => {
  it('shows a line written with no relay as pending, with the id its delivery names', async () => {
    const { shown } = await wroteOffline(['one', 'two']);
    expect(shown.map((m) => [m.text, m.own, m.pending])).toEqual([
      ['one', true, true],
      ['two', true, true],
    ]);
  });

  it("clears pending lines up to the seq of the relay's stored frame, each once", async () => {
    const { identity, relay, shown, delivered } = await wroteOffline(['one', 'two', 'three', 'four']);
    fromRelay(relay, { stored: { seq: 2 } });
    await until(() => delivered.length === 2);
    expect(delivered).toEqual([shown[0]!.id, shown[1]!.id]);
    fromRelay(relay, { stored: { seq: 2 } });
    // Frames are taken in order: once seq 4 alone is delivered, the repeat before it was taken too.
    fromRelay(relay, { syncOffer: { have: [{ origin: identity.nodeId, first: 4, seq: 4 }] } });
    await until(() => delivered.length === 3);
    expect(delivered).toEqual([shown[0]!.id, shown[1]!.id, shown[3]!.id]);
  });

  it("takes an older relay's sync offer listing its seqs as delivery", async () => {
    const { identity, relay, shown, delivered } = await wroteOffline(['one', 'two']);
    // Another origin, and a span that stops short of seq 2: only seq 1 is held.
    fromRelay(relay, { syncOffer: { have: [{ origin: ephemeralIdentity().nodeId, seq: 9 }, { origin: identity.nodeId, seq: 1 }] } });
    await until(() => delivered.length === 1);
    expect(delivered).toEqual([shown[0]!.id]);
    fromRelay(relay, { syncOffer: { have: [{ origin: identity.nodeId, seq: 2 }] } });
    await until(() => delivered.length === 2);
    expect(delivered).toEqual([shown[0]!.id, shown[1]!.id]);
  });

  it("takes an older relay's sync request listing its seqs as delivery", async () => {
    const { identity, relay, shown, delivered } = await wroteOffline(['one']);
    fromRelay(relay, { syncRequest: { have: [{ origin: identity.nodeId, seq: 1 }] } });
    await until(() => delivered.length === 1);
    expect(delivered).toEqual([shown[0]!.id]);
  });

  it('is not fooled into delivery by a relay holding nothing of it, or by a nonsense seq', async () => {
    const { identity, relay, shown, delivered } = await wroteOffline(['one', 'two']);
    fromRelay(relay, { stored: { seq: 0 } });
    fromRelay(relay, { stored: { seq: -1 } });
    fromRelay(relay, { syncOffer: { have: [{ origin: ephemeralIdentity().nodeId, seq: 5 }] } });
    fromRelay(relay, { syncOffer: { have: [{ origin: Buffer.from('short'), seq: 5 }] } });
    fromRelay(relay, { syncRequest: { have: [] } });
    // Frames are taken in order: once seq 2 alone is delivered, the ones before it were taken, and freed nothing.
    fromRelay(relay, { syncOffer: { have: [{ origin: identity.nodeId, first: 2, seq: 2 }] } });
    await until(() => delivered.length > 0);
    expect(delivered).toEqual([shown[1]!.id]);
  });

  it('does not mark a line written while a relay is there', async () => {
    const { member, shown } = await wroteOffline([]);
    expect(member.say('live')).toBe(true);
    await until(() => shown.length === 1);
    expect(shown[0]!.pending).toBeUndefined();
  });
});
