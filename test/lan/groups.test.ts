import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lanForSuite, lanTestsRunnable } from '../helpers/lan.js';
import { LANCHAT_BIN, type LanchatEvent } from '../helpers/lanchat-process.js';

const otherSecret = (e: LanchatEvent): boolean => e.code === 'OTHER_SECRET';

describe.runIf(lanTestsRunnable())('two groups with two room secrets on one LAN of network namespaces', () => {
  const lan = lanForSuite('lgr', 3);
  const secretFile = (name: string, passphrase: string): string => {
    const file = join(lan.dataRoot, `${name}.secret`);
    writeFileSync(file, `${passphrase}\n`, { mode: 0o600 });
    return file;
  };

  /** `lanchat doctor --json` on a host: its verdict and exit code. */
  function doctor(host: number, ...args: string[]): { cause: string; text: string; status: number | null } {
    const run = spawnSync('ip', ['netns', 'exec', `${lan.prefix}-n${host}`, process.execPath, LANCHAT_BIN, 'doctor', '--json', '--listen', '1000', ...args], {
      encoding: 'utf8',
      timeout: 15_000,
      env: { ...process.env, LANCHAT_SECRET: '' },
    });
    const report = JSON.parse(run.stdout) as { verdict: { cause: string; text: string } };
    return { ...report.verdict, status: run.status };
  }

  it('each group is told once of the other, again only when it grows; doctor names the other group', async () => {
    const [groupA, groupB] = [secretFile('a', 'the first group passphrase'), secretFile('b', 'another group passphrase')];
    const b1 = lan.start(3, 'bea', ['--secret-file', groupB]);
    await b1.waitFor('role', (e) => e.role === 'relay', 10_000);
    const [a1, a2] = [lan.start(1, 'ann', ['--secret-file', groupA]), lan.start(2, 'art', ['--secret-file', groupA])];
    await Promise.all([a1, a2].map((n) => n.waitFor('role', () => true, 10_000)));
    for (const a of [a1, a2]) {
      const notice = await a.waitFor('notice', otherSecret, 10_000);
      expect(notice.text).toBe('1 lanchat node here uses another room secret (or none): another group, which cannot see this one');
    }
    // bea sees both of group A, perhaps one at a time: told as the count grows, never the same count twice.
    await b1.waitFor('notice', (e) => otherSecret(e) && String(e.text).startsWith('2 lanchat nodes here use another room secret'), 10_000);
    expect(b1.all('notice', otherSecret).map((e) => Number.parseInt(String(e.text), 10))).toSatisfy((counts: number[]) =>
      counts.every((n, i) => i === 0 || n > counts[i - 1]!),
    );

    // Doctor on ann's host, with group A's secret: all good, and group B named.
    const seenByA = doctor(1, '--secret-file', groupA);
    expect(seenByA).toMatchObject({ cause: 'OK', status: 0 });
    expect(seenByA.text).toMatch(/^all good: (ann|art) relays network "lanchat" .*; 1 lanchat node here uses another room secret \(or none\)$/);
    // On bea's host, with group B's secret: bea is all there is of it.
    const seenByB = doctor(3, '--secret-file', groupB);
    expect(seenByB).toMatchObject({ cause: 'ONLY_SELF', status: 1 });
    expect(seenByB.text).toContain('(bea)');
    expect(seenByB.text).toContain('2 lanchat nodes here use another room secret (or none)');
    // Without any secret: three nodes with a secret, none of them open.
    const seenOpen = doctor(2);
    expect(seenOpen).toMatchObject({ cause: 'OTHER_SECRET', status: 1 });
    expect(seenOpen.text).toMatch(/^3 lanchat nodes here use a room secret on network "lanchat"/);

    // Chat goes on in group A (and the doctors' queries made every node answer again): still one notice.
    a2.send('still one group');
    await a1.waitForText('still one group', 10_000);
    expect(a1.all('notice', otherSecret)).toHaveLength(1);
    expect(a2.all('notice', otherSecret)).toHaveLength(1);

    // A second node of group B: now there are two, and that is news.
    const b2 = lan.start(3, 'bob', ['--secret-file', groupB]);
    await b2.waitFor('role', (e) => e.role === 'member', 10_000);
    const grown = await a1.waitFor('notice', (e) => otherSecret(e) && String(e.text).startsWith('2 lanchat nodes here use'), 10_000);
    expect(grown.text).toBe('2 lanchat nodes here use another room secret (or none): another group, which cannot see this one');
    expect(a1.all('notice', otherSecret)).toHaveLength(2);
    // Neither group ever saw a member of the other.
    for (const node of [a1, a2]) expect(node.all('presence', (e) => e.nick === 'bea' || e.nick === 'bob')).toEqual([]);
  }, 60_000);
});
