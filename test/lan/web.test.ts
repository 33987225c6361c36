import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchBrowser, lineWith, typeLine } from '../helpers/browser.js';
import { Lan, lanTestsRunnable } from '../helpers/lan.js';
import type { LanchatProcess } from '../helpers/lanchat-process.js';
import { aNote, notesOf, setHidden, WATCH_PAGE } from '../helpers/page-watch.js';

// Issue 18's "done when": a new user runs `lanchat --web` on host 1 of a LAN of network namespaces, opens the
// printed address in Chromium (started inside host 1's namespace: the address is that host's loopback), and
// chats with a terminal user on host 2, found by mDNS: in two rooms and privately, with history, away
// states and a notification.
describe.runIf(lanTestsRunnable())('the browser UI on a LAN of network namespaces', () => {
  const lan = new Lan('lwb', 2);
  let ann: LanchatProcess;
  let ben: LanchatProcess;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(() => {
    const missing = chromiumMissing();
    if (missing !== undefined) throw new Error(missing);
    lan.up();
  });

  afterAll(async () => {
    // The browser first (it runs inside host 1's namespace), then every lanchat, then the namespaces.
    try {
      await browser?.close();
    } finally {
      await lan.down();
    }
  });

  it('a new user on host 1 chats in the page with a terminal user on host 2: rooms, private, history, away, notification', async () => {
    ben = lan.start(2, 'ben');
    await ben.waitFor('role', (e) => e.role === 'relay', 15_000);
    ben.send('older line from ben');
    await ben.waitForText('older line from ben');

    ann = lan.start(1, 'ann', ['--web']);
    const url = (await ann.waitFor('web')).url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    await ann.waitFor('role', (e) => e.role === 'member', 15_000);

    browser = await launchBrowser({ netns: `${lan.prefix}-n1` });
    browser.context.setDefaultTimeout(10_000);
    const origin = new URL(url).origin;
    await browser.context.grantPermissions(['notifications'], { origin });
    await browser.context.addInitScript(WATCH_PAGE);
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));

    // Opened as printed: the token becomes the cookie, and ben's older line is there from the store.
    await page.goto(url);
    await page.waitForURL(`${origin}/`);
    await page.locator('#status.ok').waitFor();
    await lineWith(page, 'older line from ben').waitFor();

    // #lobby, both ways.
    await typeLine(page, 'hello ben, from the page');
    await ben.waitFor('message', (e) => e.text === 'hello ben, from the page' && e.from === 'ann' && e.room === '#lobby');
    ben.send('hello ann, from the terminal');
    await lineWith(page, 'hello ann, from the terminal').waitFor();

    // A second room, joined in the page and in the terminal.
    await typeLine(page, '/join #second');
    await page.locator('#title', { hasText: '#second' }).waitFor();
    ben.send('/join #second');
    await ben.waitFor('who', (e) => e.room === '#second');
    ben.send('in the second room');
    await lineWith(page, 'in the second room').waitFor();
    await typeLine(page, 'second room, from the page');
    await ben.waitFor('message', (e) => e.text === 'second room, from the page' && e.room === '#second');
    expect(await lineWith(page, 'hello ann, from the terminal').count()).toBe(0);

    // Privately, both ways.
    ben.send('@ann just between us');
    await page.locator('.convo[data-key="@ben"] .badge').waitFor();
    await page.click('.convo[data-key="@ben"]');
    await lineWith(page, 'just between us').waitFor();
    await typeLine(page, 'between us, back');
    await ben.waitFor('message', (e) => e.text === 'between us, back' && e.from === 'ann' && e.to === 'ben');
    await page.locator('#lines .line.private.own', { hasText: 'between us, back' }).waitFor();

    // ben goes away: the page says so, and marks him in the people list, the reason on hover.
    ben.send('/away at lunch');
    await page.locator('#lines .line', { hasText: 'ben is away (at lunch)' }).waitFor();
    const away = page.locator('.person.away[data-nick="ben"]');
    await away.waitFor();
    expect(await away.getAttribute('title')).toBe('ben is away: at lunch');

    // A private line while the tab is hidden raises a notification.
    await setHidden(page, true);
    ben.send('@ann are you there?');
    await aNote(page);
    expect(await notesOf(page)).toEqual([{ title: 'ben privately', body: 'are you there?' }]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
