/**
 * `npm run bench`: how fast the relay fans chat out, and what that costs next to Node itself.
 *
 * For each case it starts the lanchat relay (bench/relay-server.mjs) and then, with the same load, a
 * minimal raw Node fan-out relay (bench/raw-relay-server.mjs), each in a child process of its own, and
 * drives each from a fresh load generator child (bench/loadgen.mjs). Cases:
 *   fanout   M members, P of them publishing 100-byte texts to #lobby as fast as a bounded window allows
 *   latency  50 members, 200 messages/s in total from 10 publishers
 *   secret   the lanchat relay with a room secret (TLS 1.3, PSK; every hello proven) against the same relay
 *            without one, fan-out and latency loads, side by side: what the secret costs; the fan-out
 *            cases also run the raw relay with and without TLS (same PSK), which says what TLS costs
 *            Node itself on this machine (the load generator decrypts every member's stream too)
 *
 * Progress goes to stderr; stdout gets one JSON line per case. Timings are reported, never asserted.
 * Flags: --quick (fewer, shorter cases; under a minute), --cpu-prof (profile the relays and load
 * generators of every case with `node --cpu-prof`, into a fresh folder under the OS temp dir),
 * --only=<bench> (that bench's cases only, e.g. --only=secret-fanout).
 *
 * Only 127.0.0.1 is used. Every child is ours, tracked by its process, and killed on the way out.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
/** `--only=secret-fanout` (or any bench name) runs just that bench's cases: for trying one change quickly. */
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const profileDir = process.argv.includes('--cpu-prof') ? mkdtempSync(join(tmpdir(), 'lanchat-bench-')) : undefined;
if (profileDir !== undefined) console.error(`relay and load generator CPU profiles go to ${profileDir}`);

const TEXT_BYTES = 100;
const RUN = quick
  ? { warmupMs: 500, measureMs: 2_000, budget: 4_000_000 }
  : { warmupMs: 1_000, measureMs: 4_000, budget: 8_000_000 };
// Messages in flight (sent, not yet delivered to everyone), shared round-robin by the publishers: enough
// to keep the relay busy and let it batch, few enough that queues and latency stay bounded.
const WINDOW = 256;
const FANOUT_CASES = quick
  ? [[10, 10], [50, 10]]
  : [[10, 1], [10, 10], [50, 1], [50, 10], [200, 1], [200, 10]];
const LATENCY = { members: 50, publishers: 10, rate: 200, warmupMs: 500, measureMs: quick ? 2_000 : 3_000 };
const SERVERS = {
  lanchat: 'bench/relay-server.mjs',
  'lanchat-secret': 'bench/relay-server.mjs',
  raw: 'bench/raw-relay-server.mjs',
  'raw-secret': 'bench/raw-relay-server.mjs',
};
/** The passphrase of the secret cases (a node derives the PSK from it with scrypt, as lanchat does). */
const BENCH_SECRET = 'a passphrase for the benchmark';
const SECRET_FANOUT_CASES = quick ? [[50, 10]] : [[10, 10], [50, 10], [200, 10]];

const children = new Set();
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

let failed = false;
for (const [members, publishers] of FANOUT_CASES) {
  const load = fanoutLoad(members, publishers);
  await runCase({ bench: 'fanout', members, publishers, msg_bytes: TEXT_BYTES }, load, (lan, raw) => ({
    msgs_per_s: Math.round(lan.msgsPerS),
    raw_msgs_per_s: Math.round(raw.msgsPerS),
    ratio: round(lan.msgsPerS / raw.msgsPerS, 3),
    p50_ms: lan.p50Ms,
    p99_ms: lan.p99Ms,
    raw_p50_ms: raw.p50Ms,
    raw_p99_ms: raw.p99Ms,
    relay_cpu_pct: round(lan.relayCpuPct, 1),
    raw_cpu_pct: round(raw.relayCpuPct, 1),
    relay_rss_mb: round(lan.relayRssMb, 1),
    // Relay CPU per delivery: unlike msgs/s, it still compares the relays when the load generator is the limit.
    relay_us_per_msg: round(usPerMsg(lan), 3),
    raw_us_per_msg: round(usPerMsg(raw), 3),
    cpu_ratio: round(usPerMsg(raw) / usPerMsg(lan), 3),
    delivered: lan.delivered,
    seconds: round(lan.seconds, 2),
    loadgen_cpu_pct: round(lan.loadgenCpuPct, 1),
    raw_loadgen_cpu_pct: round(raw.loadgenCpuPct, 1),
  }));
}
{
  const { members, publishers, rate } = LATENCY;
  const load = latencyLoad();
  await runCase({ bench: 'latency', members, publishers, rate, msg_bytes: TEXT_BYTES }, load, (lan, raw) => ({
    ...latencyFigures(lan, raw, 'raw'),
    seconds: round(lan.seconds, 2),
  }));
}
for (const [members, publishers] of SECRET_FANOUT_CASES) {
  const load = fanoutLoad(members, publishers);
  await runCase({ bench: 'secret-fanout', members, publishers, msg_bytes: TEXT_BYTES }, load, (secret, open, rawSecret, raw) => ({
    msgs_per_s: Math.round(secret.msgsPerS),
    open_msgs_per_s: Math.round(open.msgsPerS),
    ratio: round(secret.msgsPerS / open.msgsPerS, 3),
    // The same load through the minimal Node relay with and without TLS: what TLS costs Node itself.
    raw_ratio: round(rawSecret.msgsPerS / raw.msgsPerS, 3),
    raw_secret_msgs_per_s: Math.round(rawSecret.msgsPerS),
    raw_msgs_per_s: Math.round(raw.msgsPerS),
    p50_ms: secret.p50Ms,
    p99_ms: secret.p99Ms,
    open_p50_ms: open.p50Ms,
    open_p99_ms: open.p99Ms,
    relay_us_per_msg: round(usPerMsg(secret), 3),
    open_relay_us_per_msg: round(usPerMsg(open), 3),
    raw_secret_relay_us_per_msg: round(usPerMsg(rawSecret), 3),
    raw_relay_us_per_msg: round(usPerMsg(raw), 3),
    loadgen_cpu_pct: round(secret.loadgenCpuPct, 1),
    open_loadgen_cpu_pct: round(open.loadgenCpuPct, 1),
  }), ['lanchat-secret', 'lanchat', 'raw-secret', 'raw']);
}
{
  const { members, publishers, rate } = LATENCY;
  const load = latencyLoad();
  await runCase({ bench: 'secret-latency', members, publishers, rate, msg_bytes: TEXT_BYTES }, load, (secret, open) => latencyFigures(secret, open, 'open'), ['lanchat-secret', 'lanchat']);
}
process.exitCode = failed ? 1 : 0;

/** Latency percentiles of a run next to those of the run it is compared with (fields `<other>_…`). */
function latencyFigures(run, other, otherName) {
  return {
    p50_ms: run.p50Ms,
    p99_ms: run.p99Ms,
    max_ms: run.maxMs,
    [`${otherName}_p50_ms`]: other.p50Ms,
    [`${otherName}_p99_ms`]: other.p99Ms,
    [`${otherName}_max_ms`]: other.maxMs,
    delivered: run.delivered,
  };
}

/** The load of a throughput case: M members, P of them publishing within a bounded window. */
function fanoutLoad(members, publishers) {
  const load = { kind: 'fanout', members, publishers, textBytes: TEXT_BYTES, window: WINDOW, ...RUN };
  return { ...load, sampleCapacity: load.budget + 200_000 };
}

/** The load of the latency case: a low, steady rate. */
function latencyLoad() {
  const { members, rate, measureMs } = LATENCY;
  return { kind: 'latency', textBytes: TEXT_BYTES, ...LATENCY, sampleCapacity: Math.ceil((rate * measureMs) / 1000 + 100) * (members - 1) };
}

/** Runs one case through each relay (lanchat and raw Node, unless told) and prints its JSON line. */
async function runCase(head, load, figures, servers = ['lanchat', 'raw']) {
  if (only !== undefined && head.bench !== only) return;
  const title = Object.entries(head).map(([k, v]) => `${k}=${v}`).join(' ');
  try {
    const results = [];
    for (const server of servers) results.push(await runOnce(server, load));
    console.log(JSON.stringify({ ...head, ...figures(...results) }));
  } catch (err) {
    failed = true;
    console.error(`${title}: FAILED: ${err.message}`);
    console.log(JSON.stringify({ ...head, error: err.message }));
  }
}

/** One relay process, one load generator process, one result; both processes gone afterwards. */
async function runOnce(server, load) {
  const name = `${server}-${load.kind}-m${load.members}-p${load.publishers}.cpuprofile`;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}`] : [];
  const secret = server.endsWith('-secret') ? BENCH_SECRET : undefined;
  const relay = spawn(SERVERS[server], secret === undefined ? [] : [secret], profile);
  let loadgen;
  try {
    const { port } = await withTimeout(nextMessage(relay, 'ready'), 5_000, `${server} relay start`);
    loadgen = spawn('bench/loadgen.mjs', [JSON.stringify({ ...load, relay: server, port, ...(secret === undefined ? {} : { secret }) })], profile.map((a) => a.replace('.cpuprofile', '-loadgen.cpuprofile')));
    // The load generator asks for the relay's CPU and RSS; pass questions and answers through.
    loadgen.on('message', (msg) => msg.type === 'relay-stats' && relay.connected && relay.send({ type: 'stats', id: msg.id }));
    relay.on('message', (msg) => msg.type === 'stats' && loadgen.connected && loadgen.send(msg));
    const result = await withTimeout(nextMessage(loadgen, 'result'), 30_000, `${server} load run`);
    const seen = `${server.padEnd(14)} ${label(load)}: ${Math.round(result.msgsPerS)} msgs/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, relay cpu ${Math.round(result.relayCpuPct)}%, loadgen cpu ${Math.round(result.loadgenCpuPct)}%`;
    console.error(result.undelivered === 0 ? seen : `${seen} (${result.undelivered} deliveries missing)`);
    return result;
  } finally {
    await stop(loadgen);
    await stop(relay);
  }
}

function label(load) {
  return load.kind === 'fanout'
    ? `fanout M=${load.members} P=${load.publishers}`
    : `latency M=${load.members} ${load.rate}/s`;
}

function spawn(script, args, execArgv = []) {
  const child = fork(join(here, script), args, { execArgv, stdio: ['ignore', 2, 2, 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** The child's next message of `type`; rejects on an error message or if the child goes away first. */
function nextMessage(child, type) {
  return new Promise((resolve, reject) => {
    child.on('message', (msg) => {
      if (msg.type === type) resolve(msg);
      if (msg.type === 'error') reject(new Error(msg.message));
    });
    child.once('close', (code, signal) => reject(new Error(`child exited (${signal ?? code}) before '${type}'`)));
  });
}

/** Asks a child to exit (so --cpu-prof can write), then kills it by its pid if it has not within 3 s. */
async function stop(child) {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.connected) child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

function killChildren() {
  for (const child of children) child.kill('SIGKILL');
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function usPerMsg(result) {
  return (result.relayCpuPct * 1e4) / result.msgsPerS;
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}
