import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views.js';
import { LanchatNode } from '../../src/node/node.js';
import type { ChatSession, SessionEvent } from '../../src/session/chat-session.js';
import { NodeSession } from '../../src/session/node-session.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';

/** The first message event matching `match` from now on. */
function nextMessage(session: ChatSession, match: (m: MessageView) => boolean): Promise<MessageView> {
  return new Promise((resolve) => {
    const stop = session.subscribe((event: SessionEvent) => {
      if (event.type === 'message' && match(event.message)) {
        stop();
        resolve(event.message);
      }
    });
  });
}

// A private "/me" between two sessions on loopback (ann relays, bob joins her): shown as an action by both,
// and stored with the action inside the seal, no flag outside it for a relay or a carrier to read.
describe('a private action', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-private-action-'));
  let ann: NodeSession;
  let bob: NodeSession;

  beforeAll(async () => {
    const annNode = await LanchatNode.start({ nick: 'ann', network: 'lanchat', dataDir: join(root, 'ann'), host: false, port: 0, discovery: false });
    ann = new NodeSession(annNode);
    const annReady = new Promise<number>((resolve) => ann.subscribe((e) => e.type === 'ready' && resolve(e.port)));
    const annRelays = new Promise<void>((resolve) => ann.subscribe((e) => e.type === 'role' && resolve()));
    ann.run();
    const port = await annReady;
    await annRelays;
    const bobNode = await LanchatNode.start({ nick: 'bob', network: 'lanchat', dataDir: join(root, 'bob'), host: false, port: 0, discovery: false, connect: { host: '127.0.0.1', port } });
    bob = new NodeSession(bobNode);
    const bobJoined = new Promise<void>((resolve) => ann.subscribe((e) => e.type === 'presence' && e.presence.nick === 'bob' && e.presence.state === 'joined' && resolve()));
    bob.run();
    await bobJoined;
  });
  afterAll(async () => {
    await bob.stop();
    await ann.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('is shown as an action by its recipient and its sender, and stored with no action flag outside the seal', async () => {
    const seen = nextMessage(bob, (m) => m.to !== null && !m.own);
    const shown = nextMessage(ann, (m) => m.to !== null && m.own);
    expect(ann.act('waves', 'bob')).toBeUndefined();
    expect(await seen).toMatchObject({ from: 'ann', to: 'bob', room: null, text: 'waves', action: true });
    expect(await shown).toMatchObject({ from: 'ann', to: 'bob', text: 'waves', action: true });
    // Read back from the store, as after a restart: still an action.
    const stored = await bob.privateHistory('ann', 10);
    expect(stored.messages.map((m) => [m.text, m.action])).toEqual([['waves', true]]);
    // Search finds it by its words, not by the wrapper that carries the action in the seal.
    expect((await bob.search('waves')).map((m) => [m.text, m.action])).toEqual([['waves', true]]);
    expect(await bob.search('action')).toEqual([]);

    // The relay's copy: the line's bytes as every node holds them.
    await Promise.all([bob.stop(), ann.stop()]);
    const store = await LevelHistoryStore.open(join(root, 'ann', 'history'));
    try {
      const [line] = await store.latest({ limit: 10, room: '@' });
      expect(line?.isPrivate).toBe(true);
      expect(line?.message.action).toBeFalsy();
      expect(line?.message.text ?? '').toBe('');
      expect(Buffer.from(line!.bytes).includes(Buffer.from('waves'))).toBe(false);
    } finally {
      await store.close();
    }
  });
});
