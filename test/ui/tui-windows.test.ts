import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';
import { TmuxSession, tmuxUnavailable } from '../helpers/tmux.js';

const missing = tmuxUnavailable();
if (missing !== undefined) {
  if (process.env.CI) throw new Error(`the terminal UI tests cannot run in CI: ${missing}`);
  console.warn(`\n*** SKIPPING the terminal UI window tests: ${missing} ***\n`);
}

// The real program in tmux (80x24) next to a --json relay, on 127.0.0.1 with mDNS off: private windows
// and read markers, across a restart of the terminal user's lanchat (issue 17 items 6 and 11).
describe.runIf(missing === undefined)('private windows and read markers in a terminal', () => {
  const cluster = new Cluster();
  const sessions: TmuxSession[] = [];
  let relay: LanchatProcess;
  let port: number;

  const open = (): TmuxSession => {
    const session = new TmuxSession([process.execPath, LANCHAT_BIN, '--no-discovery', '--connect', `127.0.0.1:${port}`, '--name', 'alice', '--data', cluster.dataDir('alice')]);
    sessions.push(session);
    return session;
  };
  const statusRow = (rows: string[]): string => rows.at(-2) ?? '';
  const inputRow = (rows: string[]): string => rows.at(-1) ?? '';
  const quit = async (tui: TmuxSession): Promise<void> => {
    const left = ++quits;
    tui.type('/quit');
    tui.press('Enter');
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'left' && relay.all('presence', (p) => p.nick === 'alice' && p.state === 'left' && p.room === null).length === left);
    await tui.waitForScreen(() => tui.exitStatus() !== undefined, 8_000, 'lanchat to exit');
  };
  let quits = 0;

  beforeAll(async () => {
    ({ proc: relay, port } = await cluster.relay('observer'));
  });
  afterAll(async () => {
    for (const s of sessions) s.kill();
    await cluster.cleanup();
  });

  it('an incoming private line opens a numbered window with its unread count; lines typed there go to that person; /close closes it', async () => {
    const tui = open();
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'joined');
    await tui.waitForText('[1:#lobby]');
    relay.send('/msg alice psst, a word alone');
    let rows = await tui.waitForScreen((r) => statusRow(r).includes('2:observer(1!)'), 8_000, 'a private window with one unread line');
    expect(rows.join('\n')).not.toContain('psst, a word alone'); // it is in its own window, not the room's

    tui.press('M-2');
    rows = await tui.waitForText('*observer* psst, a word alone');
    expect(inputRow(rows)).toBe('[observer]');
    tui.type('back to you');
    tui.press('Enter');
    expect(await relay.waitForText('back to you')).toMatchObject({ from: 'alice', to: 'observer', room: null });
    await tui.waitForText('-> *observer* back to you');
    // /me there is a private action to that person, the action sealed with the text.
    tui.type('/me nods');
    tui.press('Enter');
    expect(await relay.waitForText('nods')).toMatchObject({ from: 'alice', to: 'observer', room: null, action: true });
    await tui.waitForText('-> *observer* * nods');

    tui.type('/close');
    tui.press('Enter');
    rows = await tui.waitForScreen((r) => inputRow(r) === '[#lobby]' && !statusRow(r).includes('observer'), 8_000, 'the room again, the window gone');

    // /query opens one; it is still there after a restart.
    tui.type('/query observer');
    tui.press('Enter');
    rows = await tui.waitForScreen((r) => inputRow(r) === '[observer]' && statusRow(r).includes('2:observer'), 8_000, 'the window of /query');
    // The full screen's own words for it (line mode's say how to write to the person instead).
    await tui.waitForText('-!- private window with observer: ');
    expect(tui.screen().join('\n')).not.toContain('full-screen');
    // Reopened, the window shows the lines with observer again, as a room's window does.
    await tui.waitForText('-> *observer* back to you');
    tui.press('M-1');
    await tui.waitForScreen((r) => inputRow(r) === '[#lobby]');
    await quit(tui);
    const again = open();
    await again.waitForScreen((r) => statusRow(r).includes('[1:#lobby 2:observer]'), 8_000, 'the private window after the restart');
    // After a restart, too: its stored lines, both ways, oldest first.
    again.press('M-2');
    rows = await again.waitForScreen((r) => inputRow(r) === '[observer]' && r.some((row) => row.includes('-> *observer* back to you')), 8_000, 'the private window with its history');
    const psst = rows.findIndex((r) => r.includes('*observer* psst, a word alone'));
    expect(psst, rows.join('\n')).toBeGreaterThanOrEqual(0);
    expect(rows.findIndex((r) => r.includes('-> *observer* back to you'))).toBeGreaterThan(psst);
    again.press('M-1');
    await again.waitForScreen((r) => inputRow(r) === '[#lobby]');
    await quit(again);
  });

  it('a window shows "new since you last looked" above what came while its user was away, after a restart', async () => {
    const joined = quits + 1;
    const tui = open();
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'joined' && relay.all('presence', (p) => p.nick === 'alice' && p.state === 'joined' && p.room === null).length === joined);
    relay.send('a line alice reads');
    await tui.waitForText('<observer> a line alice reads');
    await quit(tui);
    relay.send('a line said while she was away');
    await relay.waitForText('a line said while she was away');

    const again = open();
    const rows = await again.waitForText('a line said while she was away', 15_000);
    const read = rows.findIndex((r) => r.includes('a line alice reads'));
    const marker = rows.findIndex((r) => r.includes('new since you last looked'));
    const missed = rows.findIndex((r) => r.includes('a line said while she was away'));
    expect(read).toBeGreaterThan(0);
    expect(marker, rows.join("\n")).toBeGreaterThan(read);
    expect(missed).toBeGreaterThan(marker);
    await quit(again);
  });
});
