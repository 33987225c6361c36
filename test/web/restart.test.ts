import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchBrowser, lineWith } from '../helpers/browser.js';
import { Cluster, type LanchatProcess } from '../helpers/lanchat-process.js';

// `lanchat --web` with no port, restarted on the same data folder, comes back at the same address (the port
// it served last, kept in the data folder): the tab left open reconnects by itself and catches up.
describe('a tab left open while lanchat --web (no port) restarts, in Chromium', () => {
  const cluster = new Cluster();
  let relayPort: number;
  let alice: LanchatProcess;
  let bob: LanchatProcess;
  let url: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const consoleErrors: string[] = [];
  let restarting = false;

  const aliceArgs = (): string[] => ['--connect', `127.0.0.1:${relayPort}`, '--web'];

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing !== undefined) throw new Error(missing);
    relayPort = (await cluster.relay('carol')).port;
    alice = cluster.start('alice', aliceArgs());
    url = (await alice.waitFor('web')).url as string;
    await alice.waitFor('role', (e) => e.role === 'member');
    bob = await cluster.member('bob', relayPort);
    browser = await launchBrowser();
    browser.context.setDefaultTimeout(8_000);
    page = await browser.context.newPage();
    page.on('console', (m) => {
      // While alice is down, the page's redials fail as they should: Chromium logs each one.
      if (m.type() === 'error' && !(restarting && /WebSocket connection/.test(m.text()))) consoleErrors.push(m.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await cluster.cleanup();
  });

  it('comes back at the same address, and the open tab reconnects and catches up with nothing doubled', async () => {
    await page.goto(url);
    bob.send('before the restart');
    await lineWith(page, 'before the restart').waitFor();

    restarting = true;
    await alice.kill('SIGTERM');
    // A tab cannot follow a node to another port (another origin): it says where the new address is found.
    await page.locator('#status.warn', { hasText: 'lanchat open' }).waitFor();
    bob.send('while alice was away');
    await bob.waitForText('while alice was away');
    alice = cluster.start('alice', aliceArgs());
    expect((await alice.waitFor('web')).url).toBe(url);
    await alice.waitFor('role', (e) => e.role === 'member');
    await page.locator('#status.ok').waitFor({ timeout: 15_000 });
    restarting = false;

    await lineWith(page, 'while alice was away').waitFor();
    bob.send('after the restart');
    await lineWith(page, 'after the restart').waitFor();
    for (const text of ['before the restart', 'while alice was away', 'after the restart']) {
      expect([text, await lineWith(page, text).count()]).toEqual([text, 1]);
    }
    expect(consoleErrors).toEqual([]);
  });
});
