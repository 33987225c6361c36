import { afterEach, describe, expect, it, vi } from 'vitest';
import { ephemeralIdentity } from '../../src/identity/identity.js';
import { encodeMessageFrame } from '../../src/wire/codec.js';
import { lanchat, Reader } from '../../src/wire/protobuf.js';
import { authored } from '../helpers/authored.js';
import { connectedMember, MemoryRelay } from '../helpers/memory-relay.js';

/**
 * How often a chat message received live is parsed on its way to the user, counted: protobuf readers
 * opened (every decode opens one: protobufjs's Frame and ChatMessage decoders, decodeStored,
 * messageBytesOfFrame), and whole ChatMessage decodes. Before, 4 readers and 2 whole decodes per message:
 * the Connection's decodeFrame (whole message), messageBytesOfFrame, the replica's decodeStored, and the
 * view's lazy whole decode. Now, decodeStored's pass alone.
 */
describe('a chat message on its way to the user', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const clean of cleanups.splice(0)) await clean();
  });

  it('is parsed once: one reader over it, no whole decode, and it is stored and shown all the same', async () => {
    const relay = new MemoryRelay(ephemeralIdentity());
    const { member, replica, stop } = await connectedMember(relay);
    cleanups.push(stop);

    const count = 40;
    const lines = authored(ephemeralIdentity(), 'test', count);
    const readers = vi.spyOn(Reader, 'create');
    const wholeDecodes = vi.spyOn(lanchat.ChatMessage, 'decode');
    const shown: string[] = [];
    const all = new Promise<void>((resolve) => member.on('message', (m) => shown.push(m.text) === count && resolve()));
    // Half in one chunk, half one frame at a time.
    relay.conn!.send(Buffer.concat(lines.slice(0, count / 2).map((bytes) => encodeMessageFrame(bytes))));
    for (const bytes of lines.slice(count / 2)) relay.conn!.send(encodeMessageFrame(bytes));
    await all;

    expect(shown).toEqual(lines.map((_, i) => `line ${i + 1}`));
    expect(readers.mock.calls.length / count).toBe(1);
    expect(wholeDecodes).not.toHaveBeenCalled();
    expect(await replica.store.count()).toBe(count);
  });
});
