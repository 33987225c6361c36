import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lanForSuite, lanTestsRunnable } from '../helpers/lan.js';
import { LANCHAT_BIN } from '../helpers/lanchat-process.js';

describe.runIf(lanTestsRunnable())('lanchat doctor on a LAN of network namespaces', () => {
  const lan = lanForSuite('ldr', 2);

  /** Runs `lanchat doctor --json` on host 1 and returns its findings and exit code. */
  function doctor(...args: string[]): { cause: string; text: string; status: number | null } {
    const run = spawnSync('ip', ['netns', 'exec', `${lan.prefix}-n1`, process.execPath, LANCHAT_BIN, 'doctor', '--json', '--listen', '1000', ...args], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    const report = JSON.parse(run.stdout) as { verdict: { cause: string; text: string } };
    return { ...report.verdict, status: run.status };
  }

  it('explains an empty network', () => {
    expect(doctor()).toMatchObject({ cause: 'SILENT_NETWORK', status: 1 });
  });

  it('is not all good when the only lanchat it sees is this machine’s own', async () => {
    const own = lan.start(1, 'solo');
    await own.waitFor('role', (e) => e.role === 'relay');
    const result = doctor();
    expect(result).toMatchObject({ cause: 'ONLY_SELF', status: 1 });
    expect(result.text).toBe('the only lanchat of network "lanchat" seen is this machine\'s own (solo): nobody else here answers');
  });

  it('finds a relay and checks its port', async () => {
    const relay = lan.start(2, 'doc');
    const port = (await relay.waitFor('ready')).port as number;
    await relay.waitFor('role', (e) => e.role === 'relay');
    const result = doctor();
    expect(result).toMatchObject({ cause: 'OK', status: 0 });
    expect(result.text).toContain(`10.77.0.2:${port}`);
    // Doctor's host runs a lanchat of its own too: still all good, the relay is someone else's.
    const own = lan.start(1, 'mine');
    await own.waitFor('role', (e) => e.role === 'member');
    expect(doctor()).toMatchObject({ cause: 'OK', status: 0 });
    expect(doctor('--network', 'elsewhere')).toMatchObject({ cause: 'OTHER_NETWORK', status: 1 });
  });

  it('says so when multicast cannot be sent at all', () => {
    execFileSync('ip', ['-n', `${lan.prefix}-n1`, 'route', 'del', '224.0.0.0/4']);
    try {
      expect(doctor()).toMatchObject({ cause: 'MULTICAST_UNSENDABLE', status: 1 });
    } finally {
      execFileSync('ip', ['-n', `${lan.prefix}-n1`, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0']);
    }
  });
});
