import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';
import { StandInNotifySend } from '../helpers/notify-send.js';
import { TmuxSession, tmuxUnavailable } from '../helpers/tmux.js';

const missing = tmuxUnavailable();
if (missing !== undefined) {
  if (process.env.CI) throw new Error(`the terminal UI tests cannot run in CI: ${missing}`);
  console.warn(`\n*** SKIPPING the terminal notification tests: ${missing} ***\n`);
}

// The full screen in tmux with a stand-in notify-send first on PATH, which writes down its arguments:
// what a desktop would be asked to show (issue 17 item 9).
describe.runIf(missing === undefined)('desktop notifications from the full screen', () => {
  const cluster = new Cluster();
  const notifySend = new StandInNotifySend();
  let relay: LanchatProcess;
  let tui: TmuxSession;

  /** Each notify-send call: its arguments. */
  const notified = (): string[][] => notifySend.calls();

  beforeAll(async () => {
    let port: number;
    ({ proc: relay, port } = await cluster.relay('observer'));
    tui = new TmuxSession([
      'env',
      `PATH=${notifySend.path}`,
      process.execPath,
      LANCHAT_BIN,
      '--no-discovery',
      '--connect',
      `127.0.0.1:${port}`,
      '--name',
      'alice',
      '--highlight',
      'deploy,lunch',
      '--data',
      cluster.dataDir('alice'),
    ]);
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'joined');
    await tui.waitForText('in #lobby: alice, observer');
  });
  afterAll(async () => {
    tui.kill();
    await cluster.cleanup();
    notifySend.remove();
  });

  const until = (check: (c: string[][]) => boolean, what: string): Promise<string[]> =>
    tui.waitForScreen(() => check(notified()), 12_000, what);

  it('notifies a private line at once, sums up what follows within 5 s, and keeps quiet while the terminal has focus', async () => {
    relay.send('/msg alice first private');
    await until((c) => c.length === 1, 'a first notification');
    expect(notified()[0]).toEqual(['--app-name=lanchat', 'observer (private)', 'wrote to you privately']);

    // Within the 5 s: held, then one summary ("3 more from observer"); a line that mentions no one is not counted.
    relay.send('the deploy is done');
    relay.send('/msg alice second');
    relay.send('nothing for anyone here');
    relay.send('/msg alice third');
    await relay.waitForText('third');
    await until((c) => c.length === 2, 'the summary');
    expect(notified()[1]).toEqual(['--app-name=lanchat', 'lanchat', '3 more from observer']);

    // Focus in (the terminal's report, CSI I): nothing; focus out (CSI O): notified again.
    // Keys are read in order: once the marker typed after the report shows, the report was taken.
    const reported = async (report: string, marker: string): Promise<void> => {
      tui.type(`${report}${marker}`);
      await tui.waitForScreen((rows) => (rows.at(-1) ?? '').endsWith(marker), 8_000, `"${marker}" typed`);
      tui.press('C-u');
    };
    await reported('\u001b[I', 'in');
    const unread = /observer\((\d+)/.exec(tui.screen().at(-2) ?? '')?.[1];
    relay.send('/msg alice while you look');
    await tui.waitForScreen((rows) => /observer\((\d+)/.exec(rows.at(-2) ?? '')?.[1] !== unread, 8_000, 'the private window counting the line');
    await reported('\u001b[O', 'out');
    relay.send('/msg alice after you looked away');
    await until((c) => c.length === 3, 'a notification after focus out');
    // A private line's text never reaches notify-send's arguments (readable in ps by every local user).
    expect(notified().flat().join(' ')).not.toMatch(/first private|second|third|while you look|after you looked away/);
    expect(notified()[2]!.join(' ')).toMatch(/observer \(private\) wrote to you privately|1 more from observer/);
  });
});
