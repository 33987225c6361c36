import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchBrowser } from '../helpers/browser.js';
import { Cluster, LANCHAT_BIN, type LanchatProcess } from '../helpers/lanchat-process.js';
import { Waiters } from '../helpers/waiters.js';

/** Resolves with the file's text once `path` exists (written whole: the stand-in renames it into place). */
function fileAppears(path: string, timeoutMs: number): Promise<string> {
  const waiters = new Waiters();
  const dir = join(path, '..');
  const watcher = watch(dir, () => waiters.notify());
  const read = (): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  return waiters.until(read, timeoutMs, () => `${path} never appeared`).finally(() => watcher.close());
}

// `lanchat open` must not put the token on a command line: the opener's argv (which every user's `ps` shows)
// holds only the path of a page in the data folder, and that page, loaded in Chromium, lands on the browser UI
// with the token accepted.
describe('lanchat open, with a stand-in browser that records its arguments', () => {
  const cluster = new Cluster();
  const bin = mkdtempSync(join(tmpdir(), 'lanchat-opener-'));
  const record = join(bin, 'argv');
  let alice: LanchatProcess;
  let url: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing !== undefined) throw new Error(missing);
    const opener = join(bin, 'browser');
    writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${record}.tmp"\nmv "${record}.tmp" "${record}"\n`);
    chmodSync(opener, 0o755);
    alice = cluster.start('alice', ['--web']);
    url = (await alice.waitFor('web')).url as string;
    await alice.waitFor('ready');
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await cluster.cleanup();
    rmSync(bin, { recursive: true, force: true });
  });

  it('gives the opener a page in the data folder, never the token', async () => {
    const token = new URL(url).searchParams.get('token')!;
    const run = spawnSync(process.execPath, [LANCHAT_BIN, 'open', '--data', cluster.dataDir('alice')], {
      env: { ...process.env, BROWSER: join(bin, 'browser') },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toBe(`opening ${url.replace(/\?.*$/, '')}\n`);
    expect(run.stdout).not.toContain(token);
    const argv = (await fileAppears(record, 8_000)).trimEnd().split('\n');
    const page = join(cluster.dataDir('alice'), 'web-open.html');
    expect(argv).toEqual([join(bin, 'browser'), `file://${page}`]);
    expect(argv.join(' ')).not.toContain(token);
    expect(statSync(page).mode & 0o777).toBe(0o600);
  });

  it('lands, in Chromium, on the browser UI with the token accepted', async () => {
    const page = join(cluster.dataDir('alice'), 'web-open.html');
    browser = await launchBrowser();
    const tab = await browser.context.newPage();
    tab.setDefaultTimeout(8_000);
    const consoleErrors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    tab.on('pageerror', (err) => consoleErrors.push(String(err)));
    const port = new URL(url).port;
    await tab.goto(`file://${page}`);
    await tab.waitForURL(`http://127.0.0.1:${port}/`);
    // Connected: the page was served (token then cookie) and its WebSocket let in.
    await tab.locator('#status.ok').waitFor();
    // Both steps were replaced in the tab's history: going back finds neither the token nor the file.
    await tab.goBack();
    expect(tab.url()).toBe('about:blank');
    expect(consoleErrors).toEqual([]);
  });
});
