import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN } from '../helpers/lanchat-process.js';
import { TmuxSession, tmuxUnavailable } from '../helpers/tmux.js';

const missing = tmuxUnavailable();
if (missing !== undefined) {
  if (process.env.CI) throw new Error(`the terminal UI tests cannot run in CI: ${missing}`);
  console.warn(`\n*** SKIPPING the terminal UI tests: ${missing} ***\n`);
}

// The full screen (tmux, 80x24) of a member whose relay is killed, on 127.0.0.1 with mDNS off: issue 16
// items 1, 2 and 4 as a user reads them.
describe.runIf(missing === undefined)('the full-screen UI through a relay change', () => {
  const cluster = new Cluster();
  let tui: TmuxSession | undefined;
  afterAll(async () => {
    tui?.kill();
    await cluster.cleanup();
  });

  it('one line for the change, the relay user gone, nobody joining again, and the title back to "connected"', async () => {
    const hal = await cluster.relay('hal');
    // ann is older than zoe: the successor.
    const ann = await cluster.member('ann', hal.port);
    tui = new TmuxSession(
      [process.execPath, LANCHAT_BIN, '--no-discovery', '--connect', `127.0.0.1:${hal.port}`, '--name', 'zoe', '--data', cluster.dataDir('zoe')],
      { columns: 80, rows: 24 },
    );
    await ann.waitFor('presence', (e) => e.nick === 'zoe' && e.state === 'joined');
    await tui.waitForText('relay: hal');

    await hal.proc.kill('SIGKILL');
    const rows = await tui.waitForScreen((r) => r.some((row) => row.includes('hal left (connection lost)')), 10_000, 'the relay user gone');
    const pane = rows.join('\n');
    expect(rows.filter((r) => r.includes('relay hal lost; ann took over'))).toHaveLength(1);
    expect(rows[0]).toContain('relay changed to ann');
    expect(pane).not.toContain('lost the relay');
    expect(pane).not.toContain('ann joined');
    expect(pane).not.toContain('the relay is ann');
    // The title says "connected" again a while later (RELAY_CHANGE_SHOWN_MS, 10 s, after the change).
    await tui.waitForScreen((r) => (r[0] ?? '').trimEnd().endsWith('│ connected'), 20_000, 'the title back to "connected"');
  }, 60_000);
});
