#!/usr/bin/env node
// Issue 15, finding 9 (what one member can make others store), as a measurement: a lanchat relay on
// 127.0.0.1 (mDNS off) and one member written with the project's own codec that, for N seconds, sends
// sync batches of ~200 KiB (13 lines of 15 KiB, each batch from a fresh node id, so every line is new):
//   push:   batches nobody asked for, as fast as the socket takes them (the attack as reported);
//   answer: each as the answer to the relay's request, saying "more" so the relay asks again;
// reconnecting (as another node id, from 127.0.0.1) 200 ms after it is closed. Prints the relay's
// RSS and the size of its data folder every 5 s, their peaks, and the error codes the member was sent.
//
//   npm run build && node scripts/trial-sync-push.mjs [seconds=20] [push|answer]
//   (`--repo DIR` measures another checkout's build instead; the attacker's codec is always this one's)
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const repoAt = args.indexOf('--repo');
const here = fileURLToPath(new URL('..', import.meta.url));
const repo = resolve(repoAt >= 0 ? args.splice(repoAt, 2)[1] : here);
const seconds = Number(args[0] ?? 20);
const mode = args[1] ?? 'push';
const { dial } = await import(join(here, 'dist/net/dial.js'));
const { ephemeralIdentity } = await import(join(here, 'dist/identity/identity.js'));
const { nodeKeysOf } = await import(join(here, 'dist/identity/node-keys.js'));
const { challengeMaterial, challengeNonce, isNonce, proveIdentity } = await import(join(here, 'dist/identity/proof.js'));
const { messageHash, signMessage } = await import(join(here, 'dist/sync/signature.js'));

const NETWORK = 'lanchat';
const data = mkdtempSync(join(tmpdir(), 'lanchat-trial-'));
const relay = spawn(process.execPath, [join(repo, 'bin/lanchat.js'), '--json', '--no-discovery', '--host', '--name', 'relay', '--data', data], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const port = await new Promise((resolve) =>
  createInterface({ input: relay.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    if (event.event === 'ready') resolve(event.port);
    if (event.event === 'notice' || event.event === 'error') console.log(`relay says: ${event.code}: ${event.text ?? event.message}`);
  }),
);
const rssMb = () => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${relay.pid}/status`, 'utf8'))[1]) / 1024);
const diskMb = () => Math.round(Number(execFileSync('du', ['-sk', data], { encoding: 'utf8' }).split('\t')[0]) / 1024);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
await pause(1_000);
console.log(`relay before: ${rssMb()} MB RSS, ${diskMb()} MB on disk`);

/** A batch of 13 lines of 15 KiB (random: LevelDB compresses what repeats) from a fresh node id. */
function batch() {
  const author = ephemeralIdentity();
  const out = [];
  let prev;
  for (let seq = 1; seq <= 13; seq++) {
    const bytes = signMessage({ origin: author.nodeId, seq, time: Date.now(), counter: 0, nick: 'x', room: '#lobby', text: randomBytes(11 * 1024).toString('base64'), prev }, author, NETWORK);
    out.push(bytes);
    prev = messageHash(bytes);
  }
  return out;
}

const codes = {};
let sentBytes = 0;
let connects = 0;
let ending = false;
let conn;

async function attack() {
  connects++;
  const identity = ephemeralIdentity();
  try {
    conn = await dial('127.0.0.1', port);
  } catch {
    if (!ending) setTimeout(attack, 200);
    return;
  }
  const nonce = challengeNonce();
  let resume = 1;
  let welcomed = false;
  conn.on('frame', (frame) => {
    if (frame.kind === 'challenge' && isNonce(frame.challenge.nonce)) {
      const material = challengeMaterial('link', NETWORK, frame.challenge.relayId, frame.challenge.nonce, nonce);
      conn.adoptProofMaterial(material);
      conn.sendFrame({ challenge: { proof: proveIdentity(identity, material) } });
    } else if (frame.kind === 'error') {
      codes[frame.error.code] = (codes[frame.error.code] ?? 0) + 1;
    } else if (frame.kind === 'welcome') {
      welcomed = true;
      if (mode === 'push') pump();
    } else if (frame.kind === 'syncRequest' && mode === 'answer' && !ending) {
      const messages = batch();
      sentBytes += messages.reduce((sum, m) => sum + m.length, 0);
      conn.sendFrame({ syncBatch: { messages, more: true, ranged: true, resume: { origin: Buffer.alloc(32, 0xff), seq: ++resume } } });
    }
  });
  const pump = () => {
    // As fast as the relay reads: a batch whenever less than 1 MiB waits to be taken.
    if (ending || !conn.isOpen) return;
    if (conn.bufferedBytes > 1_048_576) return void setTimeout(pump, 5);
    const messages = batch();
    sentBytes += messages.reduce((sum, m) => sum + m.length, 0);
    conn.sendFrame({ syncBatch: { messages, more: false } });
    conn.flush();
    setImmediate(pump);
  };
  conn.once('close', () => {
    if (!ending) setTimeout(attack, welcomed ? 200 : 500);
  });
  conn.sendFrame({ hello: { protocolVersion: 1, nodeId: identity.nodeId, nick: `m${connects}`, rooms: ['#lobby'], network: NETWORK, listenPort: 0, challenge: nonce, keys: nodeKeysOf(identity) } });
}

void attack();
let peakRss = 0;
let peakDisk = 0;
const started = Date.now();
for (let tick = 1; tick <= seconds; tick++) {
  await pause(1_000);
  peakRss = Math.max(peakRss, rssMb());
  if (tick % 5 === 0 || tick === seconds) {
    const disk = diskMb();
    peakDisk = Math.max(peakDisk, disk);
    console.log(`${tick} s: relay ${rssMb()} MB RSS, ${disk} MB on disk, ${Math.round(sentBytes / 1048576)} MB sent, ${connects} connection(s), codes ${JSON.stringify(codes)}`);
  }
}
ending = true;
conn?.close();
await pause(3_000);
console.log(`${mode}: peak ${peakRss} MB RSS, ${peakDisk} MB on disk in ${Math.round((Date.now() - started) / 1000) - 3} s; ${Math.round(sentBytes / 1048576)} MB sent; 3 s after: ${rssMb()} MB RSS, ${diskMb()} MB on disk`);
relay.kill('SIGKILL');
await new Promise((resolve) => relay.once('exit', resolve));
rmSync(data, { recursive: true, force: true });
