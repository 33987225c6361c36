import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/member/member.js';
import { LanchatNode } from '../../src/node/node.js';

// A lone node (no discovery: it relays for itself on loopback) writes a room's history, then reads it back in pages.
describe('older messages from the store', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-older-'));
  let node: LanchatNode;
  const live: MessageView[] = [];

  beforeAll(async () => {
    node = await LanchatNode.start({ nick: 'ann', network: 'lanchat', dataDir: join(root, 'ann'), host: false, port: 0, discovery: false });
    node.on('message', (m) => {
      if (!m.history) live.push(m);
    });
    node.run();
    await new Promise<void>((resolve) => node.once('role', () => resolve()));
    for (let i = 0; i < 25; i++) node.say(`line ${i}`);
    node.join('#other');
    node.say('elsewhere');
    const deadline = Date.now() + 10_000;
    // Own lines are shown once stored; wait for all 26, bounded.
    while (live.length < 26 && Date.now() < deadline) await new Promise((r) => node.once('message', r));
  });
  afterAll(async () => {
    await node.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('pages back through a room, oldest first, each page before the last', async () => {
    const newest = await node.olderMessages('#lobby', 10);
    expect(newest.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${15 + i}`));
    expect(newest.every((m) => m.history === true)).toBe(true);
    const page2 = await node.olderMessages('#lobby', 10, newest[0]!);
    expect(page2.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${5 + i}`));
    const page3 = await node.olderMessages('#lobby', 10, page2[0]!);
    expect(page3.map((m) => m.text)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    expect(await node.olderMessages('#lobby', 10, page3[0]!)).toEqual([]);
  });

  it('keeps rooms apart', async () => {
    expect((await node.olderMessages('#other', 10)).map((m) => m.text)).toEqual(['elsewhere']);
  });
});
