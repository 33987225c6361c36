import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';
import { StandInNotifySend } from '../helpers/notify-send.js';
import { TmuxSession, tmuxUnavailable } from '../helpers/tmux.js';

const missing = tmuxUnavailable();
if (missing !== undefined) {
  if (process.env.CI) throw new Error(`the line mode notification tests cannot run in CI: ${missing}`);
  console.warn(`\n*** SKIPPING the line mode notification tests: ${missing} ***\n`);
}

// Line mode (--plain) in tmux with a stand-in notify-send first on PATH, which writes down its arguments:
// the same notifications as the full screen (issue 17 item 9), and the terminal's focus reports read
// from the input without reaching the typed line. tmux's pipe-pane keeps what the program wrote.
describe.runIf(missing === undefined)('desktop notifications from line mode', () => {
  const cluster = new Cluster();
  const notifySend = new StandInNotifySend();
  const bin = notifySend.bin;
  const written = join(bin, 'written.txt');
  let relay: LanchatProcess;
  let plain: TmuxSession;

  /** Each notify-send call: its arguments. */
  const notified = (): string[][] => notifySend.calls();
  const output = (): string => {
    try {
      return readFileSync(written, 'latin1');
    } catch {
      return '';
    }
  };

  beforeAll(async () => {
    let port: number;
    ({ proc: relay, port } = await cluster.relay('observer'));
    // Said before alice starts: her start shows it as the room's history, which notifies nobody.
    relay.send('alice: an old mention, from before you came');
    await relay.waitForText('alice: an old mention, from before you came');
    plain = new TmuxSession([
      'env',
      `PATH=${notifySend.path}`,
      process.execPath,
      LANCHAT_BIN,
      '--plain',
      '--no-discovery',
      '--connect',
      `127.0.0.1:${port}`,
      '--name',
      'alice',
      '--highlight',
      'deploy,lunch',
      '--data',
      cluster.dataDir('alice'),
    ], undefined, { record: written });
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'joined');
    await plain.waitForText('an old mention, from before you came');
  });
  afterAll(async () => {
    plain.kill();
    await cluster.cleanup();
    notifySend.remove();
  });

  const until = (check: (c: string[][]) => boolean, what: string): Promise<string[]> =>
    plain.waitForScreen(() => check(notified()), 12_000, what);

  it('turns focus reports on, and notifies a live mention at once but not the history shown at start', async () => {
    await plain.waitForScreen(() => output().includes('\x1b[?1004h'), 8_000, 'focus reports turned on');
    relay.send('alice: are you there?');
    await until((c) => c.length === 1, 'a first notification');
    // The first call is the live line: the history line before it raised none.
    expect(notified()[0]).toEqual(['--app-name=lanchat', 'observer mentioned you', 'alice: are you there?']);
  });

  it('sums up what follows within 5 s: a private line and a --highlight word count, a line for nobody does not', async () => {
    relay.send('/msg alice first private');
    relay.send('the deploy is done');
    relay.send('nothing for anyone here');
    relay.send('/msg alice second private');
    await plain.waitForText('second private');
    await until((c) => c.length === 2, 'the summary');
    expect(notified()[1]).toEqual(['--app-name=lanchat', 'lanchat', '3 more from observer']);
  });

  it('reads focus reports from the input without typing them, keeps quiet while focused, and notifies a private line after focus out', async () => {
    // Focus in, then a line typed after it: the line goes out as typed, with nothing of the report in it.
    plain.type('\u001b[Ifocused now');
    plain.press('Enter');
    expect(await relay.waitForText('focused now')).toMatchObject({ from: 'alice' });
    // A mention, not a private line: its text would be in a wrong notification's arguments.
    relay.send('alice: while you look');
    await plain.waitForText('while you look');
    plain.type('\u001b[Olooked away');
    plain.press('Enter');
    await relay.waitForText('looked away');
    relay.send('/msg alice after you looked away');
    await until((c) => c.length === 3, 'a notification after focus out');
    // A private line's text never reaches notify-send's arguments (readable in ps by every local user).
    expect(notified().flat().join(' ')).not.toMatch(/first private|second private|while you look|after you looked away/);
    expect(notified()[2]!.join(' ')).toMatch(/observer \(private\) wrote to you privately|1 more from observer/);
    expect(relay.all('message', (e) => e.from === 'alice' && String(e.text).includes('['))).toEqual([]);
  });

  it('turns focus reports off when it leaves', async () => {
    plain.type('/quit');
    plain.press('Enter');
    expect(await plain.waitForExit()).toBe(0);
    const text = output();
    expect(text.lastIndexOf('\x1b[?1004l')).toBeGreaterThan(text.lastIndexOf('\x1b[?1004h'));
  });
});
