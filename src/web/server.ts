import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChatSession } from '../session/chat-session.js';
import { LanchatError, portError } from '../wire/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../wire/limits.js';
import { forwardPage } from './forward-page.js';
import { cookieName, cookieValue, hostAllowed, newToken, originAllowed, pathOf, queryToken, securityHeaders, setCookie, tokenMatches } from './guard.js';
import { type NotifySettings, SOCKET_PATH } from './protocol.js';
import { Tab, type TabLimits } from './tab.js';
import { loadPort, savePort } from './port-file.js';
import { loadOrCreateToken } from './token-file.js';

export interface WebOptions {
  /** 0: any free port (the remembered one first, when `portFile` is given). */
  port: number;
  /** Where the port last served is kept (port-file.ts): a restart with port 0 tries it first. */
  portFile?: string;
  limits?: Partial<Pick<Limits, keyof TabLimits | 'webTabs'>>;
  /** Where the token is kept across restarts (token-file.ts); by default a new one each start. */
  tokenFile?: string;
  /** The built page (scripts/build.mjs); by default dist/web/static of this checkout. */
  assets?: URL;
  /** Notifications as the node's terminal runs them (--no-notify, --highlight); by default on, for the nick alone. */
  notify?: NotifySettings;
}

export interface WebServer {
  /** The address to open, with its token: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The token's file in the data folder. */
export const WEB_TOKEN_FILE = 'web-token';
/** The file in the data folder holding the port served last. */
export const WEB_PORT_FILE = 'web-port';

interface Asset {
  type: string;
  body: Buffer;
}

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** The built page: from dist/ whether this module runs from src/ (tests) or dist/. */
const DEFAULT_ASSETS = new URL('../../dist/web/static/', import.meta.url);

function forwardAsset(path: string): Asset {
  return { type: 'text/html; charset=utf-8', body: Buffer.from(forwardPage(path)) };
}

function loadAssets(dir: URL): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [path, { file, type }] of Object.entries(ASSETS)) {
    try {
      assets.set(path, { type, body: readFileSync(new URL(file, dir)) });
    } catch {
      throw new LanchatError('USAGE', 'the browser UI is not built in this installation (npm run build makes it)');
    }
  }
  return assets;
}

/**
 * `lanchat --web`: the browser UI, served on 127.0.0.1 by the node itself. Every request is checked
 * (guard.ts): the Host must be this server's loopback name and port, the token must come in the URL (then
 * it is set as an HttpOnly, SameSite=Strict cookie and the URL is stripped of it) or as that cookie, or the
 * answer is 401; a WebSocket must also come from this server's own origin. Each tab is a Tab on the session.
 */
export async function serveWeb(session: ChatSession, options: WebOptions): Promise<WebServer> {
  const limits = { ...pickWebLimits(DEFAULT_LIMITS), ...options.limits };
  const assets = loadAssets(options.assets ?? DEFAULT_ASSETS);
  const token = options.tokenFile === undefined ? newToken() : await loadOrCreateToken(options.tokenFile);
  const tabs = new Set<Tab>();
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.webMessageBytes, perMessageDeflate: false });
  const server = createServer();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  let port = 0;

  const authorized = (req: IncomingMessage): boolean => tokenMatches(cookieValue(req.headers.cookie, cookieName(port)), token);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const headers = securityHeaders(port);
    const answer = (status: number, extra: Record<string, string> = {}, body?: Asset): void => {
      res.writeHead(status, { ...headers, ...extra, ...(body === undefined ? { 'Content-Type': 'text/plain; charset=utf-8' } : { 'Content-Type': body.type }) });
      res.end(body?.body ?? `${status}\n`);
    };
    if (!hostAllowed(req.headers.host, port)) return answer(421);
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { Allow: 'GET, HEAD' });
    const path = pathOf(req.url);
    const given = queryToken(req.url);
    if (given !== undefined) {
      // The token moves from the URL (history, a screenshot) into a cookie this origin alone sends. Not a
      // redirect: one that started on another site or a file (lanchat open) would not carry the Strict
      // cookie; a page of this origin leading on to the path does.
      if (!tokenMatches(given, token)) return answer(401);
      return answer(200, { 'Set-Cookie': setCookie(port, token) }, forwardAsset(assets.has(path) ? path : '/'));
    }
    if (!authorized(req)) return answer(401);
    const asset = assets.get(path);
    if (asset === undefined) return answer(404);
    answer(200, {}, asset);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req.headers.host, port)) return refuse('421 Misdirected Request');
    if (!originAllowed(req.headers.origin, req.headers.host, port)) return refuse('403 Forbidden');
    if (!authorized(req)) return refuse('401 Unauthorized');
    if (pathOf(req.url) !== SOCKET_PATH) return refuse('404 Not Found');
    if (tabs.size >= limits.webTabs) return refuse('503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const others = (): Tab[] => [...tabs].filter((other) => other !== tab);
      const tab = new Tab(
        session,
        ws,
        limits,
        options.notify ?? { enabled: true, highlights: [] },
        (key, ts) => others().forEach((other) => other.read(key, ts)),
        () => others().forEach((other) => other.refresh()),
      );
      tabs.add(tab);
      ws.once('close', () => tabs.delete(tab));
    });
  });
  server.on('clientError', (_err, socket: Socket) => socket.destroy());

  const remembered = options.port === 0 && options.portFile !== undefined ? await loadPort(options.portFile) : undefined;
  // The port served last, so the tabs left open find the node again; taken by now: any free one.
  if (remembered === undefined || (await listen(server, remembered)) !== undefined) {
    const failed = await listen(server, options.port);
    if (failed !== undefined) {
      throw options.port === 0 ? new LanchatError('USAGE', `--web: cannot listen on 127.0.0.1 (${failed.message})`) : portError('--web', options.port, failed);
    }
  }
  port = (server.address() as { port: number }).port;
  if (options.portFile !== undefined && port !== remembered) {
    // Only a convenience for the next start: a folder that cannot take it does not stop this one.
    await savePort(options.portFile, port).catch(() => undefined);
  }
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: () => closeAll(server, wss, tabs, sockets),
  };
}

/** Listens on 127.0.0.1:port; the error when it cannot (the server stays closed, ready for another try). */
function listen(server: Server, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const onError = (err: NodeJS.ErrnoException): void => resolve(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve(undefined);
    });
  });
}

function pickWebLimits(l: Readonly<Limits>): TabLimits & Pick<Limits, 'webTabs'> {
  const { webMessageBytes, webRatePerSec, webRateBurst, webOlderPending, webPageMessages, webSendBytes, webTabs } = l;
  return { webMessageBytes, webRatePerSec, webRateBurst, webOlderPending, webPageMessages, webSendBytes, webTabs };
}

async function closeAll(server: Server, wss: WebSocketServer, tabs: Set<Tab>, sockets: Set<Socket>): Promise<void> {
  for (const tab of tabs) tab.close();
  for (const client of wss.clients) client.terminate();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}
