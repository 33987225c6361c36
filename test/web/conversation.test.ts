import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateIdentity } from '../../src/identity/identity.js';
import { seal } from '../../src/identity/seal.js';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';
import { chromiumMissing, launchBrowser, lineWith, typeLine } from '../helpers/browser.js';
import { freePort } from '../helpers/free-port.js';
import { Cluster, type LanchatProcess } from '../helpers/lanchat-process.js';
import { aNote, notesOf, setHidden, WATCH_PAGE } from '../helpers/page-watch.js';

/**
 * Issue 17's conversation in the browser UI (issue 18 items 2 and 4), in Chromium against real lanchat
 * processes on loopback: alice's node serves the page, bob and dana are --json peers.
 */

/** The little of the DOM the page functions below use (this file is type-checked with Node's types). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
const ERIN_LINES = 150;

/** Alice's data folder holding a day of private lines to her from erin, who is not online: a conversation to open and scroll back through. */
async function seedPrivate(dataDir: string, scratch: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(scratch, { recursive: true });
  const alice = await loadOrCreateIdentity(dataDir);
  const erin = await loadOrCreateIdentity(scratch);
  const store = await LevelHistoryStore.open(join(dataDir, 'history'));
  const now = Date.now();
  let prev: Buffer | undefined;
  const batch = [];
  for (let seq = 1; seq <= ERIN_LINES; seq++) {
    const time = now - (ERIN_LINES - seq + 1) * 5 * 60_000;
    const text = `erin private ${seq}`;
    const fields = { origin: erin.nodeId, seq, time, counter: 0, nick: 'erin', prev, to: { nodeId: alice.nodeId, nick: 'alice' }, sealed: seal(text, alice.sealKeyRaw, erin.sealKeyRaw) };
    const bytes = signMessage(fields, erin, 'lanchat');
    prev = messageHash(bytes);
    batch.push(decodeStored(bytes));
  }
  await store.append(batch);
  await store.close();
}

describe('the conversation features in the browser UI, in Chromium, against real lanchat processes', () => {
  const cluster = new Cluster();
  let alice: LanchatProcess;
  let bob: LanchatProcess;
  let dana: LanchatProcess;
  let webPort: number;
  let url: string;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing !== undefined) throw new Error(missing);
    await seedPrivate(cluster.dataDir('alice'), cluster.dataDir('erin'));
    const relayPort = (await cluster.relay('carol')).port;
    webPort = await freePort();
    alice = cluster.start('alice', ['--connect', `127.0.0.1:${relayPort}`, '--web', String(webPort)]);
    url = (await alice.waitFor('web')).url as string;
    await alice.waitFor('role', (e) => e.role === 'member');
    bob = await cluster.member('bob', relayPort);
    dana = await cluster.member('dana', relayPort);
    // Private lines from dana before the page is opened, then her conversation closed: opening it again reads them from the store.
    for (let i = 1; i <= 3; i++) dana.send(`@alice stored private ${i}`);
    await alice.waitFor('message', (e) => e.text === 'stored private 3');
    alice.send('/close dana');
    await alice.waitFor('closed', (e) => e.nick === 'dana');
    browser = await launchBrowser();
    browser.context.setDefaultTimeout(8_000);
    await browser.context.grantPermissions(['notifications'], { origin: `http://127.0.0.1:${webPort}` });
    await browser.context.addInitScript(WATCH_PAGE);
    browser.context.on('page', (p) => {
      p.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      p.on('pageerror', (err) => consoleErrors.push(String(err)));
    });
    page = await browser.context.newPage();
    await page.goto(url);
    await page.locator('#status.ok').waitFor();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await cluster.cleanup();
  });

  it('shows the room’s topic in a header, set by a peer, with who set it', async () => {
    await page.locator('#topic.none').waitFor();
    bob.send('/topic #lobby Friday demo at three');
    await page.locator('#topic', { hasText: 'Friday demo at three' }).waitFor();
    expect(await page.locator('#topic').getAttribute('title')).toMatch(/^set by bob, \d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(await page.locator('#topic.none').count()).toBe(0);
  });

  it('marks a peer away in the people list, the reason on hover, and clears it when they are back', async () => {
    bob.send('/away at lunch');
    const away = page.locator('.person.away[data-nick="bob"]');
    await away.waitFor();
    expect(await away.getAttribute('title')).toBe('bob is away: at lunch');
    bob.send('/back');
    await away.waitFor({ state: 'detached' });
    await page.locator('.person[data-nick="bob"]').waitFor();
  });

  it('shows this user’s own away state, set and cleared by /away and /back typed in the page', async () => {
    await typeLine(page, '/away brb');
    await page.locator('#away', { hasText: 'away: brb' }).waitFor();
    await bob.waitFor('presence', (e) => e.nick === 'alice' && e.state === 'away' && e.reason === 'brb');
    await typeLine(page, '/back');
    await page.locator('#away').waitFor({ state: 'hidden' });
  });

  it('shows a peer typing under the pane until it expires, and tells the peers while its user types', async () => {
    bob.send('/typing #lobby');
    await page.locator('#typing', { hasText: 'bob is typing…' }).waitFor();
    // Shown for 6 s after the last notice, then gone with no line from bob.
    await page.waitForFunction(() => document.querySelector('#typing')?.textContent === '', undefined, { timeout: 10_000 });
    await page.fill('#input', 'half a thought');
    await page.press('#input', 'n');
    await bob.waitFor('typing', (e) => e.nick === 'alice' && e.room === '#lobby');
    await page.fill('#input', '');
  });

  it('shows an action as one, and a whois answer as a block', async () => {
    bob.send('/me waves at everyone');
    const action = page.locator('#lines .line.action', { hasText: 'waves at everyone' });
    await action.waitFor();
    expect(await action.locator('.text').textContent()).toBe('* bob waves at everyone');
    await typeLine(page, '/whois bob');
    const block = page.locator('#lines .whois-block');
    await block.waitFor();
    expect(await block.locator('strong').textContent()).toBe('bob');
    const facts = await block.locator('dt, dd').allTextContents();
    expect(facts).toContain('rooms');
    expect(facts[facts.indexOf('rooms') + 1]).toBe('#lobby');
    expect(facts[facts.indexOf('state') + 1]).toBe('here');
  });

  it('lists /search results in a panel with their dates and rooms, a click opening the conversation', async () => {
    bob.send('the demo room is booked');
    await lineWith(page, 'the demo room is booked').waitFor();
    await typeLine(page, '/join #dev');
    await page.locator('#title', { hasText: '#dev' }).waitFor();
    await typeLine(page, '/search demo');
    const panel = page.locator('#search');
    await panel.waitFor();
    const result = panel.locator('.result', { hasText: 'the demo room is booked' });
    await result.waitFor();
    expect(await result.locator('time').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(await result.locator('.where').textContent()).toBe('#lobby');
    expect(await panel.locator('#search-head').textContent()).toMatch(/^“demo”: \d+ messages?, newest first$/);
    await result.click();
    await page.locator('#title', { hasText: '#lobby' }).waitFor();
    await page.click('#search-close');
    await panel.waitFor({ state: 'hidden' });
  });

  it('keeps unread counts and the read marker across a reload, the same in a second tab', async () => {
    await page.click('.convo[data-key="#dev"]');
    await page.locator('#title', { hasText: '#dev' }).waitFor();
    bob.send('unseen one');
    bob.send('unseen two');
    await page.locator('.convo[data-key="#lobby"] .badge', { hasText: '2' }).waitFor();
    await page.reload();
    await page.locator('#status.ok').waitFor();
    await page.locator('.convo[data-key="#lobby"] .badge', { hasText: '2' }).waitFor();
    const second = await browser.context.newPage();
    await second.goto(`http://127.0.0.1:${webPort}/`);
    await second.locator('.convo[data-key="#lobby"] .badge', { hasText: '2' }).waitFor();
    bob.send('unseen three');
    await Promise.all([page, second].map((p) => p.locator('.convo[data-key="#lobby"] .badge', { hasText: '3' }).waitFor()));
    await page.click('.convo[data-key="#lobby"]');
    // The line stands right above the first line not seen.
    const marker = page.locator('#lines .marker + .line .text');
    await marker.waitFor();
    expect(await marker.textContent()).toBe('unseen one');
    await second.locator('.convo[data-key="#lobby"] .badge').waitFor({ state: 'detached' });
    await second.close();
  });

  it('opens a private conversation on its stored history', async () => {
    expect(await page.locator('.convo[data-key="@dana"]').count()).toBe(0);
    await page.click('.person[data-nick="dana"]');
    await page.locator('#title', { hasText: '@dana' }).waitFor();
    await lineWith(page, 'stored private 3').waitFor();
    expect(await page.locator('#lines .line.private .text').allTextContents()).toEqual(['stored private 1', 'stored private 2', 'stored private 3']);
    await page.locator('.edge.end').waitFor();
    await typeLine(page, 'got them');
    await dana.waitFor('message', (e) => e.text === 'got them' && e.to === 'dana');
  });

  it('opens a private conversation with someone offline by /query, and loads its older lines as the reader scrolls up', async () => {
    await typeLine(page, '/query erin');
    await page.locator('#title', { hasText: '@erin' }).waitFor();
    await lineWith(page, `erin private ${ERIN_LINES}`).waitFor();
    const first = page.locator('#lines .line .text', { hasText: /^erin private 1$/ });
    expect(await first.count()).toBe(0);
    let pages = 0;
    for (; pages < 10 && (await first.count()) === 0; pages++) {
      const before = await page.locator('#lines .line').first().textContent();
      await page.evaluate(`document.getElementById('pane').scrollTo({ top: 0 })`);
      await page.waitForFunction((b) => document.querySelector('#lines .line')?.textContent !== b || document.querySelector('.edge.end') !== null, before);
    }
    expect(pages).toBeGreaterThan(0);
    await page.locator('.edge.end').waitFor();
    const texts = await page.locator('#lines .line .text').allTextContents();
    expect(texts[0]).toBe('erin private 1');
    expect(new Set(texts).size).toBe(texts.length);
    await page.click('#newest');
  });

  it('takes the README’s screenshot: a topic, someone away, someone typing, a private conversation', async () => {
    await page.click('.convo[data-key="#lobby"]');
    await page.keyboard.press('Control+End');
    bob.send('/away in a meeting');
    await page.locator('.person.away[data-nick="bob"]').waitFor();
    dana.send('/typing #lobby');
    await page.locator('#typing', { hasText: 'dana is typing…' }).waitFor();
    await page.screenshot({ path: new URL('../../docs/web.png', import.meta.url).pathname });
    bob.send('/back');
    await page.locator('.person.away[data-nick="bob"]').waitFor({ state: 'detached' });
  });

  it('raises a notification for a private line while the tab is hidden, with the unread count in its title, and none while shown', async () => {
    await page.click('.convo[data-key="#lobby"]');
    await page.locator('#notify[disabled]').waitFor();
    await setHidden(page, true);
    bob.send('@alice are you there?');
    await aNote(page);
    const notes = await notesOf(page);
    expect(notes).toEqual([{ title: 'bob privately', body: 'are you there?' }]);
    expect(await page.title()).toMatch(/^\(1\) lanchat/);
    await setHidden(page, false);
    bob.send('@alice now you see me');
    await page.locator('.convo[data-key="@bob"] .badge', { hasText: '2' }).waitFor();
    expect(await notesOf(page)).toHaveLength(1);
  });

  it('logged no console error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
