import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatSession } from '../../src/session/chat-session.js';
import { startSession } from '../../src/session/node-session.js';
import { loadPort, parsePortText } from '../../src/web/port-file.js';
import { serveWeb } from '../../src/web/server.js';

describe('the remembered --web port, as the file holds it', () => {
  it.each([
    ['8080\n', 8080],
    ['  1 ', 1],
    ['65535', 65535],
    ['0', undefined],
    ['65536', undefined],
    ['123456', undefined],
    ['-1', undefined],
    ['80.5', undefined],
    ['8080 9090', undefined],
    ['0x50', undefined],
    ['', undefined],
    ['port', undefined],
  ])('%j reads as %s', (text, port) => {
    expect(parsePortText(text)).toBe(port);
  });
});

describe('lanchat --web with no port, restarted on the same data folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-web-port-'));
  const portFile = join(root, 'web-port');
  let session: ChatSession;

  beforeAll(async () => {
    session = await startSession({ nick: 'ann', network: 'lanchat', dataDir: join(root, 'ann'), host: false, port: 0, discovery: false });
  });
  afterAll(async () => {
    await session.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the port in the data folder, the user’s alone, and a missing or damaged file gives a free port', async () => {
    expect(await loadPort(portFile)).toBeUndefined();
    writeFileSync(portFile, 'not a port\n');
    const web = await serveWeb(session, { port: 0, portFile });
    try {
      expect(await loadPort(portFile)).toBe(web.port);
      expect(statSync(portFile).mode & 0o777).toBe(0o600);
    } finally {
      await web.close();
    }
  });

  it('comes back on the port it served last', async () => {
    const first = await serveWeb(session, { port: 0, portFile });
    await first.close();
    const second = await serveWeb(session, { port: 0, portFile });
    try {
      expect(second.port).toBe(first.port);
      expect(second.url).toBe(`http://127.0.0.1:${first.port}/?token=${new URL(second.url).searchParams.get('token')}`);
    } finally {
      await second.close();
    }
  });

  it('takes another free port when that one is taken by then, and remembers the new one', async () => {
    const first = await serveWeb(session, { port: 0, portFile });
    await first.close();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(first.port, '127.0.0.1', resolve));
    try {
      const second = await serveWeb(session, { port: 0, portFile });
      try {
        expect(second.port).not.toBe(first.port);
        expect(readFileSync(portFile, 'utf8')).toBe(`${second.port}\n`);
      } finally {
        await second.close();
      }
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('remembers a port given with --web PORT too, and still refuses that port when it is taken', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    try {
      await expect(serveWeb(session, { port: taken, portFile })).rejects.toMatchObject({ code: 'USAGE', port: { option: '--web', port: taken, trouble: 'in-use' } });
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    const given = await serveWeb(session, { port: taken, portFile });
    await given.close();
    expect(await loadPort(portFile)).toBe(taken);
  });
});
