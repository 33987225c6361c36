import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../src/chat/views.js';
import type { ChatSession, SessionEvent } from '../../src/session/chat-session.js';
import { serveWeb, type WebServer } from '../../src/web/server.js';
import { chromiumMissing, launchBrowser } from '../helpers/browser.js';

/** A session that says what the test tells it to: here, a thousand lines in one turn. */
function scriptedSession(): ChatSession & { emit(event: SessionEvent): void } {
  const listeners = new Set<(event: SessionEvent) => void>();
  return {
    nodeId: 'a'.repeat(64),
    nick: 'alice',
    network: 'lanchat',
    secret: false,
    role: 'member',
    relay: { id: 'b'.repeat(64), nick: 'carol', epoch: 1, host: '127.0.0.1', port: 1 },
    rooms: ['#lobby'],
    currentRoom: '#lobby',
    connected: true,
    people: () => [{ nodeId: 'a'.repeat(64), nick: 'alice', rooms: ['#lobby'] }],
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    run: () => undefined,
    stop: async () => undefined,
    say: () => undefined,
    whisper: () => undefined,
    join: () => undefined,
    part: () => undefined,
    setNick: () => undefined,
    who: (room) => ({ room, nicks: ['alice'] }),
    roomList: () => [],
    history: async () => [],
    older: async () => [],
    privateHistory: async () => ({ messages: [], resume: undefined }),
    act: () => undefined,
    setTopic: () => undefined,
    topic: async () => undefined,
    setAway: () => undefined,
    away: undefined,
    typing: () => undefined,
    whois: () => undefined,
    ignore: () => undefined,
    unignore: () => undefined,
    ignored: () => [],
    search: async () => [],
    conversations: [],
    openConversation: () => undefined,
    closeConversation: () => false,
    lastRead: () => undefined,
    markRead: () => undefined,
  };
}

interface Burst {
  longestTaskMs: number;
  tasks: number;
  lines: number;
}

/** Collects long tasks from the page's first script on (an init script is not the page's: its CSP does not apply). */
const OBSERVE = `
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
`;

describe('a burst of 1,000 lines at once, in Chromium', () => {
  const session = scriptedSession();
  let web: WebServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing !== undefined) throw new Error(missing);
    web = await serveWeb(session, { port: 0 });
    browser = await launchBrowser();
    browser.context.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('shows them all, in a bounded DOM, once each', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript(OBSERVE);
    await page.goto(web.url);
    await page.locator('#status.ok').waitFor();
    await page.evaluate('window.__longTasks.length = 0');
    const t0 = Date.now();
    for (let i = 1; i <= 1_000; i++) {
      const message: MessageView = { id: `m${i}`, from: 'bob', fromId: 'b'.repeat(64), room: '#lobby', to: null, text: `burst line ${i} https://example.test/${i}`, ts: t0 + i, own: false };
      session.emit({ type: 'message', message });
    }
    await page.locator('#lines .line .text', { hasText: /^burst line 1000 / }).waitFor();
    const burst = (await page.evaluate(`({
      tasks: window.__longTasks.length,
      longestTaskMs: Math.max(0, ...window.__longTasks),
      lines: document.querySelectorAll('#lines .line').length,
    })`)) as Burst;
    console.log(`burst of 1,000 lines: ${Date.now() - t0} ms to the last shown; long tasks (>50 ms): ${burst.tasks}, longest ${Math.round(burst.longestTaskMs)} ms; ${burst.lines} lines in the DOM`);
    expect(burst.lines).toBeLessThanOrEqual(200);
    const ids = (await page.evaluate(`[...document.querySelectorAll('#lines [data-id]')].map((r) => r.getAttribute('data-id'))`)) as string[];
    expect(ids).toHaveLength(burst.lines);
    expect(new Set(ids).size).toBe(ids.length); // once each
    expect(ids.at(-1)).toBe('m1000');
    await page.close();
  });
});
