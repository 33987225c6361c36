import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';
import { TmuxSession, tmuxUnavailable } from '../helpers/tmux.js';

const missing = tmuxUnavailable();
if (missing !== undefined) {
  if (process.env.CI) throw new Error(`the terminal UI tests cannot run in CI: ${missing}`);
  console.warn(`\n*** SKIPPING the terminal UI tests: ${missing} ***\n`);
}

// The real program in a real terminal (tmux, 80x24), on 127.0.0.1 with mDNS off, next to a --json relay
// that says things and sees what the terminal user sends.
describe.runIf(missing === undefined)('the full-screen UI in a terminal', () => {
  const cluster = new Cluster();
  const sessions: TmuxSession[] = [];
  let relay: LanchatProcess;
  let port: number;
  let tui: TmuxSession;

  const open = (columns = 80, rows = 24): TmuxSession => {
    const session = new TmuxSession(
      [process.execPath, LANCHAT_BIN, '--no-discovery', '--connect', `127.0.0.1:${port}`, '--name', 'alice', '--data', cluster.dataDir('alice')],
      { columns, rows },
    );
    sessions.push(session);
    return session;
  };
  const inputRow = (rows: string[]): string => rows.at(-1) ?? '';

  beforeAll(async () => {
    ({ proc: relay, port } = await cluster.relay('observer'));
    tui = open();
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'joined');
  });
  afterAll(async () => {
    for (const s of sessions) s.kill();
    await cluster.cleanup();
  });

  it('names the relay, the room and the nick in the status lines', async () => {
    const rows = await tui.waitForText(`relay: observer (127.0.0.1:${port})`);
    expect(rows[0]).toContain('│ member │');
    expect(rows[0]).toContain('2 online');
    expect(rows.at(-2)).toMatch(/^\[\d\d:\d\d\] \[alice\] \[1:#lobby\]/);
    expect(inputRow(rows)).toBe('[#lobby]');
  });

  it('sends what is typed, and shows it as its own line', async () => {
    tui.type('hello from the terminal, 日本語 🎉');
    tui.press('Enter');
    const received = await relay.waitForText('hello from the terminal, 日本語 🎉');
    expect(received).toMatchObject({ from: 'alice', room: '#lobby' });
    const rows = await tui.waitForText('<alice> hello from the terminal, 日本語 🎉');
    expect(inputRow(rows)).toBe('[#lobby]');
  });

  it('shows incoming lines above a half-typed input line, which stays intact', async () => {
    tui.type('half typed');
    await tui.waitForScreen((rows) => inputRow(rows) === '[#lobby] half typed');
    relay.send('a line from the observer');
    const rows = await tui.waitForText('<observer> a line from the observer');
    expect(inputRow(rows)).toBe('[#lobby] half typed');
    tui.press('C-u');
    await tui.waitForScreen((rows) => inputRow(rows) === '[#lobby]');
  });

  it('answers /history on the screen (issue 16 item 6)', async () => {
    tui.type('/history 2');
    tui.press('Enter');
    const rows = await tui.waitForText('the last 2 stored messages of #lobby:');
    const at = rows.findIndex((r) => r.includes('the last 2 stored messages of #lobby:'));
    expect(rows.slice(at + 1).join('\n')).toContain('<observer> a line from the observer');
  });

  it('re-wraps a long line when the terminal is resized', async () => {
    const words = Array.from({ length: 24 }, (_, i) => `word${i}`).join(' ');
    relay.send(words);
    const wide = await tui.waitForText('word23');
    const rowsOf = (rows: string[]): string[] => {
      const first = rows.findIndex((r) => r.includes('<observer> word0'));
      const last = rows.findIndex((r) => r.includes('word23'));
      return rows.slice(first, last + 1);
    };
    expect(rowsOf(wide)).toHaveLength(3);
    tui.resize(60, 20);
    const narrow = await tui.waitForScreen((rows) => rows.length === 20 && rowsOf(rows).length === 4, 8_000, 'the line re-wrapped at 60 columns');
    for (const row of narrow) expect(row.length).toBeLessThanOrEqual(60);
    // Continuation rows sit under the text, and no word is lost or cut.
    expect(rowsOf(narrow).slice(1).every((r) => r.startsWith(' '.repeat(17)))).toBe(true);
    expect(rowsOf(narrow).join(' ').split(/\s+/).filter((w) => w.startsWith('word'))).toEqual(words.split(' '));
    tui.resize(80, 24);
    await tui.waitForScreen((rows) => rows.length === 24 && rowsOf(rows).length === 3);
  });

  it('fits the title bar at 80 and 60 columns with the connection state whole (issue 16 item 4)', async () => {
    const wide = await tui.waitForScreen((rows) => rows.length === 24 && (rows[0] ?? '').trimEnd().endsWith('│ connected'), 8_000, 'the title ends with the state at 80');
    expect(wide[0]!.length).toBeLessThanOrEqual(80);
    tui.resize(60, 20);
    const narrow = await tui.waitForScreen((rows) => rows.length === 20 && (rows[0] ?? '').trimEnd().endsWith('│ connected'), 8_000, 'the title ends with the state at 60');
    expect(narrow[0]).toContain('relay: observer');
    tui.resize(80, 24);
    await tui.waitForScreen((rows) => rows.length === 24);
  });

  it('survives a burst of 1,000 lines while typing, and ends on the last of them', async () => {
    tui.type('still here');
    await tui.waitForScreen((rows) => inputRow(rows) === '[#lobby] still here');
    const started = Date.now();
    for (let i = 0; i < 1_000; i++) relay.send(`burst ${i}`);
    const rows = await tui.waitForText('<observer> burst 999', 20_000);
    const elapsed = Date.now() - started;
    console.log(`1,000-line burst on screen in ${elapsed} ms`);
    expect(inputRow(rows)).toBe('[#lobby] still here');
    // The pane ends on the newest lines, in order.
    const shown = rows.flatMap((r) => /<observer> burst (\d+)$/.exec(r)?.[1] ?? []).map(Number);
    expect(shown.length).toBeGreaterThan(15);
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => 1_000 - shown.length + i));
    tui.press('C-u');
  });

  it('scrolls back with PgUp and forward with PgDn', async () => {
    tui.press('PageUp');
    const back = await tui.waitForText('-- more --');
    expect(back.some((r) => r.includes('burst 999'))).toBe(false);
    tui.press('PageDown');
    await tui.waitForScreen((rows) => rows.some((r) => r.includes('burst 999')) && !rows.some((r) => r.includes('-- more --')));
  });

  it('opens a window per room: Tab completes, unread counts show, Alt+number switches', async () => {
    tui.type('/jo');
    tui.press('Tab');
    await tui.waitForScreen((rows) => inputRow(rows) === '[#lobby] /join');
    tui.type('#dev');
    tui.press('Enter');
    await tui.waitForScreen((rows) => inputRow(rows) === '[#dev]' && rows.at(-2)!.includes('[1:#lobby 2:#dev]'));
    relay.send('meanwhile in the lobby');
    await tui.waitForScreen((rows) => rows.at(-2)!.includes('[1:#lobby(1) 2:#dev]'));
    tui.press('M-1');
    const lobby = await tui.waitForScreen((rows) => inputRow(rows) === '[#lobby]');
    expect(lobby.some((r) => r.includes('<observer> meanwhile in the lobby'))).toBe(true);
    expect(lobby.at(-2)).toContain('[1:#lobby 2:#dev]');
    tui.type('obs');
    tui.press('Tab');
    await tui.waitForScreen((rows) => inputRow(rows) === '[#lobby] observer:');
    tui.press('C-u');
  });

  it('completes with Tab in line mode too (issue 16 item 12)', async () => {
    const plain = new TmuxSession(
      [process.execPath, LANCHAT_BIN, '--plain', '--no-discovery', '--connect', `127.0.0.1:${port}`, '--name', 'pat', '--data', cluster.dataDir('pat')],
      { columns: 80, rows: 24 },
    );
    sessions.push(plain);
    await plain.waitForText('the relay is observer');
    plain.type('obs');
    plain.press('Tab');
    await plain.waitForScreen((rows) => rows.some((r) => r.trimEnd() === '#lobby> observer:'), 8_000, 'the nick completed');
    plain.type('hi from pat');
    plain.press('Enter');
    expect(await relay.waitForText('observer: hi from pat')).toMatchObject({ from: 'pat' });
    plain.type('/jo');
    plain.press('Tab');
    await plain.waitForScreen((rows) => rows.some((r) => r.trimEnd() === '#lobby> /join'), 8_000, 'the command completed');
    plain.type('#tabbed');
    plain.press('Enter');
    await relay.waitFor('presence', (e) => e.nick === 'pat' && e.room === '#tabbed' && e.state === 'joined');
    plain.kill();
  });

  it('quits on /quit with status 0, and the next start shows the history again', async () => {
    tui.type('/quit');
    tui.press('Enter');
    const status = await tui.waitForExit();
    expect(status, tui.screen().join('\n')).toBe(0);
    await relay.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'left');
    tui = open();
    const rows = await tui.waitForText('<observer> burst 999');
    expect(rows.some((r) => r.includes('burst 990'))).toBe(true);
  });

  it('brings back the lines typed before the restart with Up (issue 16 item 10)', async () => {
    await tui.waitForText('<observer> burst 999');
    tui.press('Up');
    await tui.waitForScreen((rows) => inputRow(rows).startsWith('[') && inputRow(rows).endsWith('] /quit'), 8_000, 'the last line typed before the restart');
    tui.press('Up');
    await tui.waitForScreen((rows) => !inputRow(rows).endsWith('] /quit') && /\] \S/.test(inputRow(rows)), 8_000, 'the line typed before it');
  });
});
