#!/usr/bin/env node
// Issue 15, finding 11, as a measurement: a lanchat node on a data folder holding M messages, and N
// `lanchat history` queries on its control socket whose askers take the first bytes of the answer and
// then read no more (as `lanchat history | (a reader that stops)` does). Prints the node's RSS before and
// with them, the error codes the askers were sent, then types /quit and says how long the node took to
// exit (the askers still there, not reading).
//
//   npm run build && node scripts/trial-stalled-history.mjs [queries=200] [messages=50000] [spacing-ms=1]
//   (`--repo DIR` measures another checkout's build; `--data DIR` reuses a folder made by an earlier run)
//
// A spacing of 1 ms puts the whole history within one display page's span (10 min), the store's worst
// case for what reading it holds; 2000 ms is a busy room.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const repo = resolve(option('--repo') ?? fileURLToPath(new URL('..', import.meta.url)));
const data = option('--data') ?? mkdtempSync(join(tmpdir(), 'lanchat-trial-'));
const [queries = 200, messages = 50_000, spacing = 1] = args.map(Number);
const bin = join(repo, 'bin/lanchat.js');
const { encodeFrame } = await import(join(repo, 'dist/wire/codec.js'));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (!existsSync(join(data, 'history'))) {
  spawnSync(process.execPath, [bin, '--json', '--no-discovery', '--host', '--name', 'n', '--data', data], { input: '', timeout: 20_000 });
  const { LevelHistoryStore } = await import(join(repo, 'dist/store/level-store.js'));
  const { decodeStored } = await import(join(repo, 'dist/store/stored-message.js'));
  const { lanchat } = await import(join(repo, 'dist/wire/protobuf.js'));
  const store = await LevelHistoryStore.open(join(data, 'history'));
  const origin = Buffer.from('c4'.repeat(32), 'hex');
  const text = 'a line of an ordinary length, as people type them in a chat room, more or less. '.repeat(2);
  const message = (seq) =>
    decodeStored(lanchat.ChatMessage.encode({ origin, seq, time: 1_700_000_000_000 + seq * spacing, counter: 0, nick: 'n', room: '#lobby', text: `${text}${seq}` }).finish());
  for (let seq = 1; seq <= messages; seq += 500) {
    await store.append(Array.from({ length: Math.min(500, messages - seq + 1) }, (_, i) => message(seq + i)));
  }
  await store.close();
}
console.log(`data folder ${data}`);

const node = spawn(process.execPath, [bin, '--json', '--no-discovery', '--host', '--name', 'n', '--data', data], { stdio: ['pipe', 'pipe', 'inherit'] });
await new Promise((resolve) =>
  createInterface({ input: node.stdout }).on('line', (line) => {
    if (JSON.parse(line).event === 'ready') resolve();
  }),
);
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${node.pid}/status`, 'utf8'))[1]) / 1024);
await pause(1_500);
console.log(`node before: ${rssMb()} MB`);

const askers = [];
const codes = {};
for (let i = 0; i < queries; i++) {
  const socket = connect(join(data, 'control.sock'));
  socket.on('error', () => undefined);
  socket.on('connect', () => socket.write(encodeFrame({ historyQuery: { room: '', limit: 0 } })));
  socket.once('data', (chunk) => {
    // An error frame is small and comes whole: its code is the first capitalised word in it.
    const code = /[A-Z][A-Z_]{5,}/.exec(chunk.toString('latin1', 0, 64))?.[0];
    if (code !== undefined) codes[code] = (codes[code] ?? 0) + 1;
    socket.pause();
  });
  askers.push(socket);
}
let peak = 0;
for (let s = 0; s < 10; s++) {
  await pause(1_000);
  peak = Math.max(peak, rssMb());
}
console.log(`node with ${queries} stalled queries: ${rssMb()} MB (peak ${peak} MB); sent to the askers: ${JSON.stringify(codes)}`);

const quitAt = Date.now();
node.stdin.end('/quit\n');
const exited = new Promise((resolve) => node.once('exit', resolve));
if (await Promise.race([exited.then(() => true), pause(20_000).then(() => false)])) {
  console.log(`node exited ${Date.now() - quitAt} ms after /quit`);
} else {
  console.log('node still running 20 s after /quit; the askers go away now');
  for (const socket of askers) socket.destroy();
  await exited;
  console.log(`node exited ${Date.now() - quitAt} ms after /quit`);
}
for (const socket of askers) socket.destroy();
