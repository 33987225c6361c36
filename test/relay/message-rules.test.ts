import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS } from '../../src/chat/clock.js';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { Relay } from '../../src/relay/relay.js';
import type { Replica } from '../../src/sync/replica.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';
import { encodeMessageFrame } from '../../src/wire/codec.js';
import type { lanchat } from '../../src/wire/protobuf.js';
import { relayForSuite } from '../helpers/relay-bed.js';
import { WireClient } from '../helpers/wire-client.js';

const NETWORK = 'test';

/** A member written with the project's codec, signing what it likes with its own key. */
async function hostile(port: number, nick: string): Promise<{ client: WireClient; identity: Identity; sign: (m: lanchat.ChatMessage.$Properties) => Buffer }> {
  const identity = ephemeralIdentity();
  const client = await WireClient.connect(port, identity.nodeId);
  client.hello(nick, ['#lobby'], NETWORK);
  await client.next('welcome');
  let seq = 0;
  let prev: Buffer | undefined;
  const sign = (m: lanchat.ChatMessage.$Properties): Buffer => {
    seq = m.seq ?? seq + 1;
    const bytes = signMessage({ origin: identity.nodeId, seq, time: Date.now(), counter: 0, nick, room: '#lobby', text: 'hello', prev, ...m } as lanchat.ChatMessage.$Shape, identity, NETWORK);
    prev = messageHash(bytes);
    return bytes;
  };
  return { client, identity, sign };
}


describe('the relay enforces the message rules on a live line', () => {
  const bed = relayForSuite(NETWORK);

  const cases: [string, lanchat.ChatMessage.$Properties, string][] = [
    ['seq 0', { seq: 0 }, 'BAD_FRAME'],
    ['time 0', { time: 0 }, 'BAD_FRAME'],
    ['an empty line', { text: '' }, 'TEXT_INVALID'],
    ['a 150 KiB line', { text: 'x'.repeat(150 * 1024) }, 'TEXT_INVALID'],
    ['a room with an escape', { room: '#Not A Room\u001b[2J' }, 'ROOM_INVALID'],
    ['a time in the year 10889', { time: Date.UTC(10889, 0, 1) }, 'CLOCK_AHEAD'],
    ['a time two minutes ahead', { time: Date.now() + 2 * MAX_CLOCK_SKEW_MS }, 'CLOCK_AHEAD'],
    ['a line signed as bob', { nick: 'bob' }, 'NOT_YOUR_NICK'],
    ['a seal key of 31 bytes', { sealKey: Buffer.alloc(31), sealKeySignature: Buffer.alloc(64) }, 'BAD_FRAME'],
    ['a seal key without its signature', { sealKey: Buffer.alloc(32) }, 'BAD_FRAME'],
  ];
  it.each(cases)('refuses %s, tells the sender, forwards and stores nothing', async (_name, fields, code) => {
    const watcher = await WireClient.join(bed.port(), `w${bed.clients.length}`);
    bed.clients.push(watcher);
    const bad = await hostile(bed.port(), `m${bed.clients.length}`);
    bed.clients.push(bad.client);
    bad.client.conn.send(encodeMessageFrame(bad.sign({ seq: 1, ...fields })));
    await bad.client.next('error', (f) => f.error.code === code);
    // A good line after it reaches the watcher: the bad one, sent first, would have arrived before it.
    bad.client.conn.send(encodeMessageFrame(bad.sign({ seq: 2, text: 'marker' })));
    await watcher.next('message', (f) => f.message.text === 'marker');
    expect(watcher.received('message')).toHaveLength(1);
    await relayStored(bed.relay(), bed.replica(), bad.identity, 2);
    expect(await bed.replica().store.get(bad.identity.nodeIdHex, 1)).toBeUndefined();
  });

  it('takes a line signed with the nick held just before a rename (it may have been paced behind the rename)', async () => {
    const watcher = await WireClient.join(bed.port(), 'renamewatch');
    bed.clients.push(watcher);
    const member = await hostile(bed.port(), 'before');
    bed.clients.push(member.client);
    member.client.conn.sendFrame({ nick: { nick: 'after' } });
    member.client.conn.send(encodeMessageFrame(member.sign({ nick: 'before', text: 'old nick' })));
    member.client.conn.send(encodeMessageFrame(member.sign({ nick: 'after', text: 'new nick' })));
    await watcher.next('message', (f) => f.message.text === 'new nick');
    expect(watcher.received('message').map((f) => f.kind === 'message' && f.message.text)).toEqual(['old nick', 'new nick']);
  });
});

describe('a sync batch pushed by a member', () => {
  const bed = relayForSuite(NETWORK);

  it('has every line that breaks a rule dropped, and the rest stored', async () => {
    const bad = await hostile(bed.port(), 'pusher');
    bed.clients.push(bad.client);
    const messages = [
      bad.sign({ seq: 1, text: 'x'.repeat(150 * 1024) }),
      bad.sign({ seq: 2, text: '' }),
      bad.sign({ seq: 3, room: '#Not A Room\u001b[2J' }),
      bad.sign({ seq: 4, nick: 'a b' }),
      bad.sign({ seq: 5, sealKey: Buffer.alloc(32), sealKeySignature: Buffer.alloc(65) }),
      bad.sign({ seq: 6, text: 'fine' }),
    ];
    // The relay tells what a member's sync batch brought it once that is stored.
    const learned = new Promise<number[]>((resolve) => bed.relay().once('learned', (fresh) => resolve(fresh.map((m) => m.seq))));
    bad.client.conn.sendFrame({ syncBatch: { messages, more: false } });
    expect(await learned).toEqual([6]);
    expect(await bed.replica().store.get(bad.identity.nodeIdHex, 6)).toBeDefined();
    for (const seq of [1, 2, 3, 4, 5]) expect(await bed.replica().store.get(bad.identity.nodeIdHex, seq)).toBeUndefined();
    expect(bed.replica().droppedCount).toBe(5);
  });
});


/** The relay has stored `seq` of `identity`'s chain (it stores what it forwarded at the end of a turn). */
async function relayStored(relay: Relay, replica: Replica, identity: Identity, seq: number): Promise<void> {
  await relay.stored();
  expect(await replica.store.get(identity.nodeIdHex, seq), `seq ${seq} of ${identity.nodeIdHex.slice(0, 8)}`).toBeDefined();
}
