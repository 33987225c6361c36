import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateIdentity } from '../../src/identity/identity.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';
import { chromiumMissing, launchBrowser, lineWith, shownTexts, typeLine } from '../helpers/browser.js';
import { Cluster, type LanchatProcess } from '../helpers/lanchat-process.js';
import { freePort } from '../helpers/free-port.js';

const SEEDED = 240;

/**
 * The little of the DOM that the page functions below use: this file is type-checked with Node's types,
 * not the browser's (and the page's CSP refuses code sent as a string, so they stay functions).
 */
interface Element {
  textContent: string | null;
  scrollTo(options: { top: number }): void;
  getAttribute(name: string): string | null;
}
declare const document: { getElementById(id: string): Element | null; querySelector(selector: string): Element | null };

/** Alice's data folder, holding a day of #lobby written by dana (someone not online): history to open on and scroll back through. */
async function seedHistory(dataDir: string, scratch: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(scratch, { recursive: true });
  await loadOrCreateIdentity(dataDir);
  const dana = await loadOrCreateIdentity(scratch);
  const store = await LevelHistoryStore.open(join(dataDir, 'history'));
  const now = Date.now();
  let prev: Buffer | undefined;
  const batch = [];
  for (let seq = 1; seq <= SEEDED; seq++) {
    const time = now - (SEEDED - seq + 1) * 6 * 60_000;
    const bytes = signMessage({ origin: dana.nodeId, seq, time, counter: 0, nick: 'dana', room: '#lobby', text: `lobby line ${seq}`, prev }, dana, 'lanchat');
    prev = messageHash(bytes);
    batch.push(decodeStored(bytes));
  }
  await store.append(batch);
  await store.close();
}

describe('the browser UI, in Chromium, against real lanchat processes on loopback', () => {
  const cluster = new Cluster();
  let relayPort: number;
  let webPort: number;
  let alice: LanchatProcess;
  let bob: LanchatProcess;
  let url: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const consoleErrors: string[] = [];
  let restarting = false;
  const firstLoad = new Map<string, number>();

  const aliceArgs = (): string[] => ['--connect', `127.0.0.1:${relayPort}`, '--web', String(webPort)];

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing !== undefined) throw new Error(missing);
    await seedHistory(cluster.dataDir('alice'), cluster.dataDir('dana'));
    relayPort = (await cluster.relay('carol')).port;
    webPort = await freePort();
    alice = cluster.start('alice', aliceArgs());
    url = (await alice.waitFor('web')).url as string;
    await alice.waitFor('role', (e) => e.role === 'member');
    bob = await cluster.member('bob', relayPort);
    browser = await launchBrowser();
    // A wait that fails names what it waited for, inside the test's own time.
    browser.context.setDefaultTimeout(8_000);
    page = await browser.context.newPage();
    const watch = (p: Page): void => {
      p.on('console', (m) => {
        // While alice restarts, the page's redials fail as they should: Chromium logs each one.
        if (m.type() === 'error' && !(restarting && /WebSocket connection/.test(m.text()))) consoleErrors.push(m.text());
      });
      p.on('pageerror', (err) => consoleErrors.push(String(err)));
    };
    watch(page);
    browser.context.on('page', watch);
    page.on('response', (r) => {
      // Not the answer to the address with the token: the page that leads on to the bare one.
      if (new URL(r.url()).search !== '') return;
      void r.body().then(
        (b) => firstLoad.set(new URL(r.url()).pathname, b.length),
        () => undefined,
      );
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await cluster.cleanup();
  });

  it('opens with the token, then the cookie, on the current room’s history', async () => {
    expect(url).toBe(url.replace(/\?token=.*$/, '') + url.slice(url.indexOf('?token=')));
    await page.goto(url);
    // The token's answer leads on to the bare address, which the cookie now opens.
    await page.waitForURL(`http://127.0.0.1:${webPort}/`);
    await lineWith(page, `lobby line ${SEEDED}`).waitFor();
    const texts = await shownTexts(page);
    expect(texts.filter((t) => t.startsWith('lobby line')).length).toBe(100);
    expect(await page.locator('#title').textContent()).toBe('#lobby');
    expect(await page.locator('.day').count()).toBeGreaterThan(0);
  });

  it('sends a typed line to a --json peer, and shows the peer’s lines as text, never as markup', async () => {
    await typeLine(page, 'hello from the page');
    await bob.waitForText('hello from the page');
    await lineWith(page, 'hello from the page').waitFor();
    const html = '<img src=x onerror="document.title=\'owned\'"> <b>bold</b> https://example.test/a';
    bob.send(html);
    await lineWith(page, 'bold').waitFor();
    expect(await lineWith(page, 'bold').textContent()).toBe(html);
    expect(await page.locator('#lines img, #lines b').count()).toBe(0);
    const link = page.locator('#lines a[href="https://example.test/a"]');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.title()).not.toBe('owned');
  });

  it('switches rooms, counting unread lines in the one not shown', async () => {
    await typeLine(page, '/join #dev');
    await page.locator('#title', { hasText: '#dev' }).waitFor();
    bob.send('/join #dev');
    await bob.waitFor('who', (e) => e.room === '#dev');
    bob.send('in dev');
    await lineWith(page, 'in dev').waitFor();
    await page.click('.convo[data-key="#lobby"]');
    await page.locator('#title', { hasText: '#lobby' }).waitFor();
    expect(await shownTexts(page)).not.toContain('in dev');
    bob.send('dev again');
    await page.locator('.convo[data-key="#dev"] .badge', { hasText: '1' }).waitFor();
    expect(await page.title()).toMatch(/^\(1\) /);
    await page.keyboard.press('Alt+2');
    await lineWith(page, 'dev again').waitFor();
    expect(await page.locator('.convo[data-key="#dev"] .badge').count()).toBe(0);
  });

  it('holds a private conversation', async () => {
    bob.send('@alice psst');
    await page.locator('.convo[data-key="@bob"] .badge').waitFor();
    await page.click('.convo[data-key="@bob"]');
    await lineWith(page, 'psst').waitFor();
    await typeLine(page, 'back at you');
    await bob.waitFor('message', (e) => e.text === 'back at you' && e.to === 'bob');
    await page.locator('#lines .line.private.own', { hasText: 'back at you' }).waitFor();
  });

  it('loads older history a page at a time as the reader scrolls up, to the room’s start', async () => {
    await page.click('.convo[data-key="#lobby"]');
    await lineWith(page, 'hello from the page').waitFor();
    const first = page.locator('#lines .line .text', { hasText: /^lobby line 1$/ });
    let pages = 0;
    for (; pages < 20 && (await first.count()) === 0; pages++) {
      const before = await page.locator('#lines .line').first().textContent();
      await page.evaluate(() => document.getElementById('pane')!.scrollTo({ top: 0 }));
      await page.waitForFunction((b) => document.querySelector('#lines .line')?.textContent !== b || document.querySelector('.edge.end') !== null, before);
    }
    expect(pages).toBeGreaterThan(1);
    await page.locator('.edge.end').waitFor();
    // Scrolled back, the page offers the way to the newest lines.
    await page.locator('#newest').waitFor();
    const texts = (await shownTexts(page)).filter((t) => /^lobby line \d+$/.test(t));
    expect(texts[0]).toBe('lobby line 1');
    expect(new Set(texts).size).toBe(texts.length);
    expect(await page.locator('#lines .line').count()).toBeLessThanOrEqual(260);
  });

  it('keeps two tabs in step', async () => {
    await page.click('#newest');
    await page.locator('#newest').waitFor({ state: 'hidden' });
    const second = await browser.context.newPage();
    await second.goto(`http://127.0.0.1:${webPort}/`);
    await second.click('.convo[data-key="#lobby"]');
    await lineWith(second, 'hello from the page').waitFor();
    await typeLine(second, 'from tab two');
    await lineWith(page, 'from tab two').waitFor();
    await bob.waitForText('from tab two');
    bob.send('for both in dev');
    await Promise.all([page, second].map((p) => p.locator('.convo[data-key="#dev"] .badge', { hasText: '1' }).waitFor()));
    await page.click('.convo[data-key="#dev"]');
    await lineWith(page, 'for both in dev').waitFor();
    // Read in one tab, read in the other.
    await second.locator('.convo[data-key="#dev"] .badge').waitFor({ state: 'detached' });
    await page.click('.convo[data-key="#lobby"]');
    bob.send('/join #lobby');
    bob.send('to both tabs');
    await Promise.all([lineWith(page, 'to both tabs').waitFor(), lineWith(second, 'to both tabs').waitFor()]);
    await second.close();
  });

  it('completes nicks and commands with Tab', async () => {
    await page.fill('#input', '/jo');
    await page.press('#input', 'Tab');
    expect(await page.inputValue('#input')).toBe('/join ');
    await page.fill('#input', 'bo');
    await page.press('#input', 'Tab');
    expect(await page.inputValue('#input')).toBe('bob: ');
    await page.fill('#input', '');
  });

  it('is light: the first load’s bytes', () => {
    const total = [...firstLoad.entries()].filter(([path]) => ['/', '/app.js', '/app.css'].includes(path)).reduce((n, [, b]) => n + b, 0);
    console.log(`web page first load: ${total} bytes (${JSON.stringify(Object.fromEntries(firstLoad))})`);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(200 * 1024);
  });

  it('fits a phone-sized window, with the side list as a drawer, and follows the system’s dark theme', async () => {
    const phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 390, height: 760 });
    await phone.emulateMedia({ colorScheme: 'dark' });
    await phone.goto(`http://127.0.0.1:${webPort}/`);
    await phone.locator('#menu').waitFor();
    const sideLeft = (): Promise<number> => phone.locator('#side').evaluate((el) => (el as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect().right);
    expect(await sideLeft()).toBeLessThanOrEqual(0);
    await phone.click('#menu');
    await phone.waitForFunction(() => document.querySelector('body.drawer') !== null);
    await phone.click('.convo[data-key="#dev"]');
    await phone.locator('#title', { hasText: '#dev' }).waitFor();
    expect(await phone.locator('body.drawer').count()).toBe(0);
    const background = await phone.locator('body').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    expect(background).toBe('rgb(22, 24, 27)');
    await phone.close();
  });

  it('reconnects by itself when the node restarts, and shows nothing twice', async () => {
    restarting = true;
    await alice.kill('SIGTERM');
    await page.locator('#status.warn').waitFor();
    alice = cluster.start('alice', aliceArgs());
    await alice.waitFor('web');
    await alice.waitFor('role', (e) => e.role === 'member');
    await page.locator('#status.ok').waitFor({ timeout: 15_000 });
    restarting = false;
    bob.send('after the restart');
    await lineWith(page, 'after the restart').waitFor();
    const ids = await page.locator('#lines [data-id]').evaluateAll((rows) => rows.map((r) => (r as unknown as Element).getAttribute('data-id')));
    expect(new Set(ids).size).toBe(ids.length);
    expect(await lineWith(page, 'hello from the page').count()).toBe(1);
    expect(await lineWith(page, 'to both tabs').count()).toBe(1);
  });

  it('logged no console error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
