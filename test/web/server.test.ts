import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runOpen } from '../../src/cli/open.js';
import type { ChatSession, SessionEvent } from '../../src/session/chat-session.js';
import { startSession } from '../../src/session/node-session.js';
import type { ServerMessage } from '../../src/web/protocol.js';
import { serveWeb, type WebServer } from '../../src/web/server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket to the server: its first message, or the status it was refused with. */
function socket(port: number, headers: Record<string, string>): Promise<{ ws: WebSocket; first: ServerMessage } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once('message', (data) => resolve({ ws, first: JSON.parse(String(data)) as ServerMessage }));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket, match: (m: ServerMessage) => boolean): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData): void => {
      const m = JSON.parse(String(data)) as ServerMessage;
      if (!match(m)) return;
      ws.off('message', on);
      resolve(m);
    };
    ws.on('message', on);
  });
}

describe('the web server on loopback', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-web-'));
  const dataDir = join(root, 'ann');
  let session: ChatSession;
  let web: WebServer;
  let port: number;
  let token: string;
  let cookie: string;

  beforeAll(async () => {
    session = await startSession({ nick: 'ann', network: 'lanchat', dataDir, host: false, port: 0, discovery: false });
    const role = new Promise<void>((resolve) => {
      const stop = session.subscribe((e: SessionEvent) => e.type === 'role' && (stop(), resolve()));
    });
    session.run();
    await role;
    web = await serveWeb(session, { port: 0, limits: { webRatePerSec: 1, webRateBurst: 5 } });
    port = web.port;
    token = new URL(web.url).searchParams.get('token')!;
  });
  afterAll(async () => {
    await web.close();
    await session.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 and prints a URL with a long random token', () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without the token, or with a wrong one, with its security headers', async () => {
    for (const path of ['/', '/app.js', '/?token=nope', `/?token=${token.slice(0, -1)}`]) {
      const answer = await get(port, path);
      expect([path, answer.status]).toEqual([path, 401]);
      expect(answer.body).not.toContain('<script');
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('turns the token into an HttpOnly, SameSite=Strict cookie and strips it from the URL', async () => {
    const answer = await get(port, `/?token=${token}`);
    // A page of this origin leading on to the path (a redirect begun on another site would lose the Strict cookie).
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('<meta http-equiv="refresh" content="0;url=/">');
    expect(answer.body).not.toContain(token);
    for (const [path, to] of [['/app.js', '/app.js'], ['//elsewhere.example/', '/'], ['/nothing', '/']]) {
      expect((await get(port, `${path}?token=${token}`)).body).toContain(`content="0;url=${to}"`);
    }
    const set = String(answer.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    cookie = set.split(';')[0]!;
    const page = await get(port, '/', { Cookie: cookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script type="module" src="/app.js">');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
    expect(page.headers['x-frame-options']).toBe('DENY');
    const script = await get(port, '/app.js', { Cookie: cookie });
    expect([script.status, script.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await get(port, '/nothing', { Cookie: cookie })).status).toBe(404);
  });

  it('refuses a Host that is not its loopback name and port (DNS rebinding), cookie or not', async () => {
    for (const host of ['evil.test', `evil.test:${port}`, `127.0.0.1:${port + 1}`, `192.168.1.2:${port}`, '127.0.0.1']) {
      const answer = await get(port, '/', { Host: host, Cookie: cookie });
      expect([host, answer.status]).toEqual([host, 421]);
    }
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await get(port, '/', { Host: host, Cookie: cookie })).status).toBe(200);
    }
  });

  it('refuses a WebSocket from another origin, without the cookie, or to a foreign Host', async () => {
    const own = `http://127.0.0.1:${port}`;
    expect(await socket(port, { Origin: 'http://evil.test', Cookie: cookie })).toEqual({ refused: 403 });
    expect(await socket(port, { Origin: `http://localhost:${port}`, Cookie: cookie })).toEqual({ refused: 403 });
    expect(await socket(port, { Cookie: cookie })).toEqual({ refused: 403 });
    expect(await socket(port, { Origin: own })).toEqual({ refused: 401 });
    expect(await socket(port, { Origin: own, Cookie: 'lanchat_1=x' })).toEqual({ refused: 401 });
    expect(await socket(port, { Origin: 'http://evil.test', Host: 'evil.test', Cookie: cookie })).toEqual({ refused: 421 });
  });

  it('sends a tab a snapshot, then runs its commands as the terminal does, answering it alone', async () => {
    const opened = await socket(port, { Origin: `http://127.0.0.1:${port}`, Cookie: cookie });
    if (!('ws' in opened)) throw new Error(`refused: ${opened.refused}`);
    const { ws, first } = opened;
    expect(first).toMatchObject({ t: 'snapshot', state: { nick: 'ann', rooms: ['#lobby'], current: '#lobby' } });
    const who = nextMessage(ws, (m) => m.t === 'event' && m.event.event === 'who');
    ws.send(JSON.stringify({ t: 'command', room: '#lobby', line: '/who' }));
    expect(await who).toEqual({ t: 'event', event: { event: 'who', room: '#lobby', nicks: ['ann'] }, line: '* in #lobby: ann' });
    const line = nextMessage(ws, (m) => m.t === 'event' && m.event.event === 'message');
    ws.send(JSON.stringify({ t: 'say', room: '#lobby', text: '<b>hi</b>' }));
    expect(await line).toMatchObject({ event: { event: 'message', text: '<b>hi</b>', own: true, room: '#lobby' } });
    const older = nextMessage(ws, (m) => m.t === 'older');
    ws.send(JSON.stringify({ t: 'older', id: 7, room: '#lobby' }));
    expect(await older).toMatchObject({ t: 'older', id: 7, room: '#lobby', end: true, messages: [{ text: '<b>hi</b>' }] });
    ws.close();
  });

  it('keeps the read marker a tab sends for the session, tells its other tabs, and gives a new tab the markers and topics', async () => {
    const open = async (): Promise<{ ws: WebSocket; first: ServerMessage }> => {
      const opened = await socket(port, { Origin: `http://127.0.0.1:${port}`, Cookie: cookie });
      if (!('ws' in opened)) throw new Error(`refused: ${opened.refused}`);
      return opened;
    };
    const [a, b] = [await open(), await open()];
    const told = nextMessage(b.ws, (m) => m.t === 'read');
    a.ws.send(JSON.stringify({ t: 'read', key: '#lobby', ts: 12_345 }));
    expect(await told).toEqual({ t: 'read', key: '#lobby', ts: 12_345 });
    expect(session.lastRead('#lobby')).toBe(12_345);
    const topic = nextMessage(a.ws, (m) => m.t === 'event' && m.event.event === 'topic');
    a.ws.send(JSON.stringify({ t: 'command', room: '#lobby', line: '/topic tests today' }));
    await topic;
    const c = await open();
    expect(c.first).toMatchObject({ t: 'snapshot', read: { '#lobby': 12_345 }, topics: [{ room: '#lobby', topic: 'tests today', by: 'ann' }], state: { away: null, conversations: [] } });
    for (const tab of [a, b, c]) tab.ws.close();
  });

  it('tells a tab that sends junk or too fast, and closes one that sends too much at once', async () => {
    const opened = await socket(port, { Origin: `http://127.0.0.1:${port}`, Cookie: cookie });
    if (!('ws' in opened)) throw new Error(`refused: ${opened.refused}`);
    const { ws } = opened;
    const junk = nextMessage(ws, (m) => m.t === 'event' && m.event.event === 'error');
    ws.send('{"t":"say","text":42}');
    expect(await junk).toMatchObject({ event: { code: 'USAGE', message: expect.stringContaining('could not read') } });
    const fast = nextMessage(ws, (m) => m.t === 'event' && m.event.event === 'error' && m.event.message.includes('too fast'));
    for (let i = 0; i < 12; i++) ws.send(JSON.stringify({ t: 'command', line: '/rooms' }));
    await fast;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(64 * 1024));
    expect(await closed).toBe(1009);
  });

  it('answers a tab at most two scroll-back reads at a time', async () => {
    // A session whose store never answers: the reads stay outstanding.
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    const stuck = new Proxy(session, {
      get: (target, name) => {
        if (name === 'older') return never;
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const slow = await serveWeb(stuck, { port: 0 });
    try {
      const t = new URL(slow.url).searchParams.get('token')!;
      const opened = await socket(slow.port, { Origin: `http://127.0.0.1:${slow.port}`, Cookie: `lanchat_${slow.port}=${t}` });
      if (!('ws' in opened)) throw new Error(`refused: ${opened.refused}`);
      const told = nextMessage(opened.ws, (m) => m.t === 'event' && m.event.event === 'error');
      for (let id = 1; id <= 3; id++) opened.ws.send(JSON.stringify({ t: 'older', id, room: '#lobby' }));
      expect(await told).toMatchObject({ event: { code: 'USAGE', message: expect.stringContaining('still loading older messages') } });
      opened.ws.close();
    } finally {
      await slow.close();
    }
  });

  it('is what lanchat open finds on the data folder, once the session offers it', async () => {
    const out: string[] = [];
    const sink = { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream;
    const opened: string[] = [];
    const opener = async (url: string): Promise<boolean> => (opened.push(url), true);
    expect(await runOpen(dataDir, sink, opener)).toBe(1);
    expect(out.pop()).toContain('has no browser UI');
    session.offerWeb?.(web.url);
    expect(await runOpen(dataDir, sink, opener)).toBe(0);
    // The opener is given a page in the data folder that leads to the address: no token on a command line.
    expect(opened).toEqual([pathToFileURL(join(dataDir, 'web-open.html')).href]);
    expect(opened[0]).not.toContain(token);
    expect(readFileSync(fileURLToPath(opened[0]!), 'utf8')).toContain(`url=${web.url}"`);
    expect(out.pop()).not.toContain(token);
    expect(await runOpen(join(root, 'nobody'), sink, opener)).toBe(1);
    expect(out.pop()).toContain('no lanchat runs on');
  });
});
