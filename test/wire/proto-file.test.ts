import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/relay/relay.js';
import { readLengthPrefix } from '../../src/wire/frame-decoder.js';
import { serve, WireClient } from '../helpers/wire-client.js';

const PROTO = fileURLToPath(new URL('../../proto/lanchat.proto', import.meta.url));
const hasProtoc = spawnSync('protoc', ['--version']).status === 0;
if (!hasProtoc) {
  // CI installs protobuf-compiler (.ci/run); a developer machine without it is told, loudly.
  if (process.env.CI) throw new Error('protoc is missing: CI must install protobuf-compiler');
  console.warn('\n*** SKIPPING the protoc check: install protobuf-compiler (apt-get install protobuf-compiler) ***\n');
}

// Frames taken off a real socket decode with tools that know only proto/lanchat.proto.
describe('the .proto file is the wire', () => {
  let relay: Relay;
  let port: number;
  let close: () => void;
  let welcome: Buffer;

  beforeAll(async () => {
    relay = new Relay({ nodeId: Buffer.alloc(32, 7), nick: 'relay', network: 'test' });
    const served = await serve((conn) => relay.accept(conn));
    port = served.port;
    close = () => served.server.close();
    const client = await WireClient.join(port, 'wiretap', ['#lobby', '#wire']);
    welcome = (await client.next('welcome')).raw;
    client.conn.close();
  });
  afterAll(() => {
    relay.stop();
    close();
  });

  const payloadOf = (raw: Buffer): Buffer => raw.subarray(readLengthPrefix(raw, 0, raw.length)!.bytes);

  it('decodes with protobufjs reflection loaded from the .proto', async () => {
    const root = await protobuf.load(PROTO);
    const Frame = root.lookupType('lanchat.Frame');
    const decoded = Frame.toObject(Frame.decode(payloadOf(welcome)), { defaults: false }) as {
      welcome: { nick: string; rooms: string[]; relayId: Uint8Array };
    };
    expect(decoded.welcome.nick).toBe('wiretap');
    expect(decoded.welcome.rooms).toEqual(['#lobby', '#wire']);
    expect(Buffer.from(decoded.welcome.relayId).equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it.runIf(hasProtoc)('decodes with protoc --decode=lanchat.Frame', () => {
    const text = execFileSync('protoc', ['--decode=lanchat.Frame', `--proto_path=${PROTO.replace(/\/[^/]+$/, '')}`, PROTO], {
      input: payloadOf(welcome),
    }).toString();
    expect(text).toMatch(/^welcome \{/);
    expect(text).toContain('nick: "wiretap"');
    expect(text).toContain('rooms: "#wire"');
  });

});
