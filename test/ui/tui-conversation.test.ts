import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';
import { TmuxSession, tmuxUnavailable } from '../helpers/tmux.js';

const missing = tmuxUnavailable();
if (missing !== undefined) {
  if (process.env.CI) throw new Error(`the terminal UI tests cannot run in CI: ${missing}`);
  console.warn(`\n*** SKIPPING the terminal UI tests: ${missing} ***\n`);
}

// Issue 17 in a real terminal (tmux, 100x24): the topic in the title bar, "… is typing" in the status bar,
// typing sent as the user types, an action, away in the bars.
describe.runIf(missing === undefined)('the full-screen UI and the conversation', () => {
  const cluster = new Cluster();
  let relay: LanchatProcess;
  let tui: TmuxSession;

  beforeAll(async () => {
    const started = await cluster.relay('observer');
    relay = started.proc;
    tui = new TmuxSession(
      [process.execPath, LANCHAT_BIN, '--no-discovery', '--connect', `127.0.0.1:${started.port}`, '--name', 'alice', '--data', cluster.dataDir('alice')],
      { columns: 100, rows: 24 },
    );
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'joined');
  });
  afterAll(async () => {
    tui.kill();
    await cluster.cleanup();
  });

  it('shows the topic in the title bar once set', async () => {
    relay.send('/topic weekly planning');
    const rows = await tui.waitForScreen((r) => (r[0] ?? '').includes('│ weekly planning'));
    expect(rows.join('\n')).toContain('topic of #lobby: weekly planning (set by observer');
  });

  it('says who is typing in the status bar, and tells the others as the user types', async () => {
    relay.send('/typing');
    await tui.waitForScreen((r) => (r.at(-2) ?? '').includes('observer is typing…'));
    tui.type('a line in the mak');
    expect(await relay.waitFor('typing', (e) => e.nick === 'alice')).toEqual({ event: 'typing', nick: 'alice', room: '#lobby' });
    tui.press('C-u');
  });

  it('sends /me as an action, and shows away in the title and the status bar', async () => {
    tui.type('/me waves');
    tui.press('Enter');
    expect(await relay.waitForText('waves')).toMatchObject({ from: 'alice', action: true });
    await tui.waitForText('* alice waves');
    relay.send('/away lunch');
    await tui.waitForScreen((r) => (r[0] ?? '').includes('2 online, 1 away'));
    tui.type('/away tea');
    tui.press('Enter');
    await tui.waitForScreen((r) => (r.at(-2) ?? '').includes('[alice (away)]'));
  });
});
