import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanForSuite, lanTestsRunnable } from '../helpers/lan.js';
import { LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';

/** Waits until every process has shown every one of `texts` (live or caught up). */
async function allShown(nodes: LanchatProcess[], texts: string[], timeoutMs = 20_000): Promise<void> {
  await Promise.all(nodes.flatMap((n) => texts.map((t) => n.waitForText(t, timeoutMs))));
}

/** The node's stored history as `lanchat history --json` prints it, without `own` (the one per-node field). */
function storedHistory(dataDir: string): string[] {
  const run = spawnSync(process.execPath, [LANCHAT_BIN, 'history', '--json', '--limit', '100000', '--data', dataDir], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  expect(run.stderr).toBe('');
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const { own: _own, ...same } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(same);
    });
}

const relayOf = (n: LanchatProcess): string | undefined => (n.all('role').at(-1)?.relay as { id: string } | undefined)?.id;

/** Waits, event by event, until the relay `node` follows now satisfies `wanted`. */
async function followsRelay(node: LanchatProcess, wanted: (relayId: string | undefined) => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!wanted(relayOf(node))) await node.nextEvent(node.events.length, deadline - Date.now());
}

describe.runIf(lanTestsRunnable())('replicated history on a LAN of network namespaces', () => {
  const lan = lanForSuite('lch', 3);

  it('a partition, a heal, a relay kill and a node away and back end in identical histories', async () => {
    const names = ['ha', 'hb', 'hc'];
    const nodes = names.map((name, i) => lan.start(i + 1, name));
    const typed: string[] = [];
    const say = (node: LanchatProcess, text: string): void => {
      typed.push(text);
      node.send(text);
    };
    const [a, b, c] = nodes as [LanchatProcess, LanchatProcess, LanchatProcess];
    const ids = (await Promise.all(nodes.map((n) => n.waitFor('ready')))).map((r) => r.node as string);
    await Promise.all(nodes.map((n) => n.waitFor('role')));
    say(a, 'before anything');
    await allShown(nodes, ['before anything']);

    // 2+1 partition, chat on both sides.
    lan.cut(3);
    try {
      // Two sides, each with its relay: c alone, a and b together.
      await followsRelay(c, (r) => r === ids[2]);
      await Promise.all([a, b].map((n) => followsRelay(n, (r) => r !== undefined && r !== ids[2])));
      say(a, 'side A one');
      say(b, 'side A two');
      say(c, 'side B one');
      say(c, 'side B two');
      await allShown([a, b], ['side A one', 'side A two']);
      await allShown([c], ['side B one', 'side B two']);
    } finally {
      lan.heal(3);
    }
    await allShown(nodes, typed);

    // The relay is killed in the middle of a burst from a member.
    const relayId = relayOf(a)!;
    const relayIndex = ids.indexOf(relayId);
    const writer = nodes[(relayIndex + 1) % 3]!;
    const burst = Array.from({ length: 30 }, (_, i) => `burst ${i + 1}`);
    typed.push(...burst);
    writer.send(burst.join('\n'));
    await nodes[relayIndex]!.waitForText('burst 1');
    await nodes[relayIndex]!.kill('SIGKILL');
    const survivors = nodes.filter((_, i) => i !== relayIndex);
    await allShown(survivors, burst);

    // The killed node is away while the others chat, then comes back and catches up.
    const stillHere = survivors[0]!;
    say(stillHere, 'while one was away');
    await allShown(survivors, ['while one was away']);
    const back = lan.start(relayIndex + 1, names[relayIndex]!);
    await back.waitFor('notice', (e) => e.code === 'CAUGHT_UP', 20_000);
    await allShown([back], ['while one was away', ...burst.slice(-3)]);
    say(back, 'back again');
    await allShown(survivors, ['back again']);

    await Promise.all([...survivors, back].map((n) => n.quit()));
    const histories = names.map((name) => storedHistory(join(lan.dataRoot, name)));
    const storedIds = histories[0]!.map((line) => (JSON.parse(line) as { id: string }).id);
    const texts = histories[0]!.map((line) => (JSON.parse(line) as { text: string }).text);
    expect(new Set(storedIds).size).toBe(storedIds.length);
    expect([...texts].sort()).toEqual([...typed].sort());
    expect(histories[1]).toEqual(histories[0]);
    expect(histories[2]).toEqual(histories[0]);
  });
});
