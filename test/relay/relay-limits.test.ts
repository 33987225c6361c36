import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/relay/relay.js';
import { serve, WireClient } from '../helpers/wire-client.js';

// The relay's `limits` option reaches admission and the handlers: the same checks as the defaults, at
// the figures given (ws and aedes take their limits the same way).
describe('Relay with limits of its own', () => {
  let relay: Relay;
  let server: Server;
  let port: number;
  const clients: WireClient[] = [];

  beforeAll(async () => {
    relay = new Relay({ nodeId: randomBytes(32), nick: 'relay', network: 'test', limits: { roomsPerMember: 2, textBytes: 8 } });
    ({ server, port } = await serve((conn) => relay.accept(conn)));
  });
  afterAll(async () => {
    relay.stop();
    for (const c of clients) c.conn.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps a member to its roomsPerMember, at hello and on joining', async () => {
    const ann = await WireClient.join(port, 'ann', ['#a', '#b', '#c']);
    clients.push(ann);
    expect((await ann.next('welcome')).frame.welcome.rooms).toEqual(['#a', '#b']);
    ann.conn.sendFrame({ join: { room: '#d' } });
    expect((await ann.next('error')).frame.error.code).toBe('TOO_MANY_ROOMS');
  });

  it('refuses a line over its textBytes and forwards one at it', async () => {
    const [a, b] = await Promise.all([WireClient.join(port, 'ta'), WireClient.join(port, 'tb')]);
    clients.push(a, b);
    await Promise.all([a.next('welcome'), b.next('welcome')]);
    a.conn.sendFrame({ message: { origin: a.nodeId, seq: 1, time: Date.now(), nick: 'ta', room: '#lobby', text: 'nine byte' } });
    expect((await a.next('error')).frame.error.code).toBe('TEXT_INVALID');
    a.conn.sendFrame({ message: { origin: a.nodeId, seq: 2, time: Date.now(), nick: 'ta', room: '#lobby', text: 'eight by' } });
    expect((await b.next('message')).frame.message.text).toBe('eight by');
  });
});
