import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';
import { TmuxSession, tmuxUnavailable } from '../helpers/tmux.js';
import { freePort } from '../helpers/free-port.js';

const missing = tmuxUnavailable();
if (missing !== undefined) {
  if (process.env.CI) throw new Error(`the terminal UI tests cannot run in CI: ${missing}`);
  console.warn(`\n*** SKIPPING the terminal UI tests: ${missing} ***\n`);
}

// Issue 16 items 9 and 11 in a real terminal (tmux, 80x24): a line typed before the relay is up is marked
// pending until the relay has it; a paste of several lines asks first; a URL's hyperlink leaves its text whole.
describe.runIf(missing === undefined)('the full-screen UI: pending lines and pastes', () => {
  const cluster = new Cluster();
  let tui: TmuxSession;
  let relay: LanchatProcess;
  let port: number;
  const inputRow = (rows: string[]): string => rows.at(-1) ?? '';

  beforeAll(async () => {
    port = await freePort();
    tui = new TmuxSession([process.execPath, LANCHAT_BIN, '--no-discovery', '--connect', `127.0.0.1:${port}`, '--name', 'alice', '--data', cluster.dataDir('alice')]);
    await tui.waitForScreen((rows) => inputRow(rows) === '[#lobby]');
  });
  afterAll(async () => {
    tui.kill();
    await cluster.cleanup();
  });

  it('marks a line typed with no relay as pending, and takes the mark away once the relay has it', async () => {
    tui.type('typed before the relay');
    tui.press('Enter');
    await tui.waitForText('<alice> typed before the relay (pending)');
    ({ proc: relay } = await cluster.relay('observer', ['--port', String(port)]));
    await relay.waitForText('typed before the relay', 10_000);
    const rows = await tui.waitForScreen(
      (r) => r.some((row) => row.endsWith('<alice> typed before the relay')),
      8_000,
      'the line without its pending mark',
    );
    expect(rows.join('\n')).not.toContain('(pending)');
  });

  it('asks before sending a paste of several lines, and sends them on Ctrl-K', async () => {
    tui.paste('first pasted\nsecond pasted\nthird pasted');
    const rows = await tui.waitForScreen((r) => inputRow(r).startsWith('Paste 3 lines'), 8_000, 'the paste question');
    expect(inputRow(rows)).toBe('Paste 3 lines to #lobby? (Ctrl-K to paste, Ctrl-C to abort)');
    tui.press('C-k');
    await relay.waitForText('third pasted');
    const texts = relay.all('message', (e) => String(e.text).endsWith(' pasted')).map((e) => e.text);
    expect(texts).toEqual(['first pasted', 'second pasted', 'third pasted']);
    await tui.waitForScreen((r) => inputRow(r) === '[#lobby]');
  });

  it('drops a paste on Ctrl-C, without leaving, and keeps the half-typed line', async () => {
    tui.type('kept ');
    tui.paste('dropped one\ndropped two');
    await tui.waitForScreen((r) => inputRow(r).startsWith('Paste 2 lines'), 8_000, 'the paste question');
    tui.press('C-c');
    await tui.waitForScreen((r) => inputRow(r) === '[#lobby] kept', 8_000, 'the input line back');
    tui.type('after the abort');
    tui.press('Enter');
    await relay.waitForText('kept after the abort');
    expect(relay.all('message', (e) => String(e.text).startsWith('dropped'))).toEqual([]);
    expect(tui.exitStatus()).toBeUndefined();
  });

  it('puts a paste of one line into the input line, sending nothing until Enter', async () => {
    tui.paste('one pasted line');
    await tui.waitForScreen((r) => inputRow(r) === '[#lobby] one pasted line', 8_000, 'the pasted line in the input');
    tui.press('Enter');
    const got = await relay.waitForText('one pasted line');
    expect(got).toMatchObject({ from: 'alice' });
  });

  it('shows a URL whole, its hyperlink sequence taken by the terminal, not printed', async () => {
    relay.send('the docs: https://example.org/lanchat/docs?page=1 there');
    const rows = await tui.waitForText('<observer> the docs: https://example.org/lanchat/docs?page=1 there');
    expect(rows.join('\n')).not.toMatch(/8;;|\]8|\\\\/);
  });
});

// Line mode takes a paste as the lines it is, without a question (a plain terminal, as a shell): each is
// sent as typed, paced under the relay's rate limit, and printed once.
describe.runIf(missing === undefined)('line mode: a paste of several lines', () => {
  const cluster = new Cluster();
  let plain: TmuxSession;
  let relay: LanchatProcess;

  beforeAll(async () => {
    let port: number;
    ({ proc: relay, port } = await cluster.relay('observer'));
    plain = new TmuxSession([process.execPath, LANCHAT_BIN, '--plain', '--no-discovery', '--connect', `127.0.0.1:${port}`, '--name', 'carol', '--data', cluster.dataDir('carol')]);
    await relay.waitFor('presence', (e) => e.nick === 'carol' && e.state === 'joined');
    await plain.waitForScreen((rows) => rows.some((r) => r.startsWith('#lobby>')), 8_000, 'the prompt');
  });
  afterAll(async () => {
    plain.kill();
    await cluster.cleanup();
  });

  it('sends every pasted line, in order, each shown once, and a URL in them whole', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `pasted ${i} https://example.org/${i}`);
    plain.paste(lines.join('\n') + '\n');
    await relay.waitForText(lines.at(-1)!, 10_000);
    expect(relay.all('message', (e) => String(e.text).startsWith('pasted ')).map((e) => e.text)).toEqual(lines);
    const rows = await plain.waitForScreen((r) => r.some((row) => row.endsWith(`<carol> ${lines.at(-1)!}`)), 8_000, 'the last pasted line');
    for (const line of lines.slice(-10)) expect(rows.filter((r) => r.endsWith(`<carol> ${line}`))).toHaveLength(1);
    expect(rows.join('\n')).not.toMatch(/8;;|\]8/);
  });
});
