/**
 * `npm run bench:lan`: how fast zero-config lanchat finds its relay, and how fast it fails over, on a real
 * (virtual) LAN with mDNS on.
 *
 * Why it exists: the election and failover logic (src/election/failover.ts, carried out by
 * src/node/failover-driver.ts) runs on timers (discovery window, heartbeats, dial timeouts, NOT_RELAY
 * patience) whose sum is what a user waits. The LAN tests check that
 * it works; this measures how long it takes, with real `lanchat --json` processes on a LAN of network
 * namespaces built with `bash scripts/lan.sh up lbn 5` (helpers in scripts/bench/lan-node.mjs). Nothing
 * multicasts in the host's namespace.
 *
 * Cases (every run starts fresh processes with fresh data folders; the namespaces are reused):
 *   join        a relay is up and settled on host 1; spawn a node on host 2; time to its `role` member
 *               event, from the spawn and from its `ready` event
 *   cold_start  N = 3 and 5 nodes spawned at once, no relay; time until the latest role event of every
 *               node names the same relay (and stays so)
 *   failover    3 nodes agreed on a relay; SIGTERM it, SIGKILL it, or cut its link silently
 *               (`lan.sh cut`), at a random point of the heartbeat cycle; time from the fault (for a cut:
 *               the moment the cut command returns) until every survivor's latest role event names the
 *               same new relay. Right after the fault every survivor types 5 numbered lines, 50 ms apart;
 *               `lost` counts lines that never reached another survivor (5 s allowed after convergence).
 * Times are read times of the JSON event lines in this process (performance.now()). A convergence is
 * the last moment the condition became true and held until the end of the run (a later flip counts).
 *
 * Output: progress on stderr; then one JSON line per case on stdout. Figures are printed, never asserted.
 * Flags: --quick (3 runs of each, about a minute), --runs N, --only NAME (join, cold_start,
 * failover:sigterm, ...; repeatable), --verbose (every run's event timeline on stderr).
 *
 * Must run as root (network namespaces). Every loop is bounded in count and time; every child is killed
 * by its PID and the namespaces are removed on exit, on SIGINT/SIGTERM/SIGHUP and on any failure.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Lan, LANCHAT_MAIN, now, sleep, waitUntil } from './bench/lan-node.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const verbose = argv.includes('--verbose');
const runsFlag = argv.indexOf('--runs');
const forcedRuns = runsFlag >= 0 ? Number.parseInt(argv[runsFlag + 1] ?? '', 10) : undefined;
const only = argv.flatMap((a, i) => (argv[i - 1] === '--only' ? [a] : []));

const PREFIX = 'lbn';
const HOSTS = 5;
const runsOf = (full) => Math.max(1, Math.min(50, forcedRuns ?? (quick ? 3 : full)));

/** Time budgets: each case stops starting runs once its budget is spent; each wait has its own timeout. */
const LIMIT = {
  relayUpMs: 6_000, // a lone node: discovery window (1 s) + start-up
  settleMs: 500, // after agreement, before the measured step: rosters and mDNS adverts settle
  joinMs: 6_000,
  agreeMs: 10_000,
  holdMs: quick ? 700 : 1_000, // after convergence, to catch a later flip
  convergeMs: 15_000,
  deliverMs: 5_000,
};
/**
 * The fault comes this much later at random: every run's connections open together, so without it the
 * fault would always hit the same point of the 1 s heartbeat cycle (which decides when a cut is noticed).
 */
const FAULT_JITTER_MS = 1_000;
const LINES_PER_SURVIVOR = 5;
const LINE_GAP_MS = 50;

const CASES = [
  { name: 'join', runs: runsOf(10), budgetMs: quick ? 15_000 : 40_000, run: joinRun, report: joinReport },
  ...[3, 5].map((nodes) => ({
    name: 'cold_start',
    nodes,
    runs: runsOf(10),
    budgetMs: quick ? 15_000 : 60_000,
    run: (c, i) => coldStartRun(c, i),
    report: coldStartReport,
  })),
  ...[
    ['sigterm', 1_000, 70_000],
    ['sigkill', 2_000, 70_000],
    ['link_cut', 4_000, 120_000],
  ].map(([kind, targetMs, budgetMs]) => ({
    name: `failover:${kind}`,
    kind,
    targetMs,
    runs: runsOf(10),
    budgetMs: quick ? Math.round(budgetMs / 3_300) * 1_000 : budgetMs,
    run: (c, i) => failoverRun(c, i),
    report: failoverReport,
  })),
].filter((c) => only.length === 0 || only.some((o) => c.name === o || c.name.startsWith(`${o}:`) || c.name.split(':')[1] === o));

// --- preconditions and cleanup -------------------------------------------------------------------

if (process.getuid?.() !== 0) die('must run as root: network namespaces need CAP_SYS_ADMIN');
if (spawnSync('ip', ['netns', 'list']).status !== 0) die('the ip command (iproute2) is missing');
if (!existsSync(LANCHAT_MAIN)) die('lanchat is not built: run `npm run build` first');
if (CASES.length === 0) die(`--only ${only.join(' ')} matches no case`);

const lan = new Lan(PREFIX, HOSTS);
process.on('exit', () => lan.cleanupSync());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    process.stderr.write(`\nbench:lan: ${signal}: killing lanchat processes, removing the namespaces\n`);
    lan.cleanupSync();
    process.exit(130);
  });
}
process.on('uncaughtException', (err) => {
  process.stderr.write(`bench:lan: ${err.stack ?? err}\n`);
  lan.cleanupSync();
  process.exit(1);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`bench:lan: ${err?.stack ?? err}\n`);
  lan.cleanupSync();
  process.exit(1);
});

function die(message) {
  process.stderr.write(`bench:lan: ${message}\n`);
  process.exit(1);
}

// --- main ----------------------------------------------------------------------------------------

const startedAt = now();
log(`building the LAN: bash scripts/lan.sh up ${PREFIX} ${HOSTS}`);
lan.up();
const lines = [];
for (const c of CASES) {
  const label = c.nodes ? `${c.name} N=${c.nodes}` : c.name;
  log(`\n${label}: ${c.runs} runs (budget ${c.budgetMs / 1000} s)`);
  const deadline = now() + c.budgetMs;
  const results = [];
  for (let i = 0; i < c.runs && now() < deadline; i++) {
    let result;
    try {
      result = await c.run(c, i);
    } catch (err) {
      result = { failed: true, why: err.message };
    } finally {
      await lan.killAll();
      for (const host of [...lan.cutHosts]) await lan.heal(host);
    }
    results.push(result);
    log(`  ${label} run ${i + 1}/${c.runs}: ${describe(result)}`);
  }
  const line = c.report(c, results);
  lines.push(line);
  log(`  => ${JSON.stringify(line)}`);
}
await lan.down();
log(`\ndone in ${((now() - startedAt) / 1000).toFixed(1)} s; namespaces removed`);
for (const line of lines) process.stdout.write(`${JSON.stringify(line)}\n`);

// --- join ----------------------------------------------------------------------------------------

/** A relay on host 1, settled; then a fresh node on host 2, timed to its first role event. */
async function joinRun(_c, i) {
  const relay = lan.start(1, `jr${i}`);
  const up = await waitUntil([relay], () => relay.first('role')?.role === 'relay', LIMIT.relayUpMs);
  if (!up.ok) return { failed: true, why: `the relay did not come up: ${tail(relay)}` };
  await sleep(LIMIT.settleMs);
  const joiner = lan.start(2, `jn${i}`);
  const got = await waitUntil([joiner], () => joiner.first('role') !== undefined, LIMIT.joinMs);
  timeline(`join run ${i + 1}`, [relay, joiner], joiner.spawnedAt);
  if (!got.ok) return { failed: true, why: `no role event: ${tail(joiner)}` };
  const role = joiner.first('role');
  const ready = joiner.first('ready');
  if (role.role !== 'member' || role.relay.id !== relay.nodeId) {
    return { failed: true, why: `joined as ${role.role} of ${role.relay.id?.slice(0, 8)}, not as member of the relay` };
  }
  return { ms: role.t - joiner.spawnedAt, fromReadyMs: role.t - ready.t, startupMs: ready.t - joiner.spawnedAt };
}

function joinReport(_c, results) {
  const ok = results.filter((r) => !r.failed);
  return {
    bench: 'join',
    runs: ok.length,
    p50_ms: ms(median(ok.map((r) => r.ms))),
    max_ms: ms(max(ok.map((r) => r.ms))),
    from_ready_p50_ms: ms(median(ok.map((r) => r.fromReadyMs))),
    from_ready_max_ms: ms(max(ok.map((r) => r.fromReadyMs))),
    startup_p50_ms: ms(median(ok.map((r) => r.startupMs))),
    failed: results.length - ok.length,
    target_ms: 300,
  };
}

// --- cold start ----------------------------------------------------------------------------------

/** Every node has a role event, and the latest ones all name the same relay. */
function sameRelay(roles) {
  return roles.every((r) => r !== undefined) && new Set(roles.map((r) => r.relay.id)).size === 1;
}

async function coldStartRun(c, i) {
  const nodes = [];
  for (let h = 1; h <= c.nodes; h++) nodes.push(lan.start(h, `c${c.nodes}r${i}h${h}`));
  const t0 = nodes[0].spawnedAt;
  const agreed = await waitUntil(nodes, () => sameRelay(nodes.map((n) => n.latestRole())), LIMIT.agreeMs);
  if (agreed.ok) await sleep(LIMIT.holdMs);
  const end = now();
  timeline(`cold_start N=${c.nodes} run ${i + 1}`, nodes, t0);
  const settled = settledAt(nodes, t0, end, sameRelay);
  if (settled.t === undefined) return { failed: true, why: `no agreement: ${relaysNow(nodes)}` };
  const relays = nodes.filter((n) => n.latestRole().role === 'relay').length;
  const lastReady = max(nodes.map((n) => n.first('ready')?.t ?? NaN));
  return { ms: settled.t - t0, fromReadyMs: settled.t - lastReady, flaps: settled.flaps, relays };
}

function coldStartReport(c, results) {
  const ok = results.filter((r) => !r.failed);
  return {
    bench: 'cold_start',
    nodes: c.nodes,
    runs: ok.length,
    p50_ms: ms(median(ok.map((r) => r.ms))),
    max_ms: ms(max(ok.map((r) => r.ms))),
    from_last_ready_p50_ms: ms(median(ok.map((r) => r.fromReadyMs))),
    flaps: ok.reduce((s, r) => s + r.flaps, 0),
    failed: results.length - ok.length,
    target_ms: 1500,
  };
}

// --- failover ------------------------------------------------------------------------------------

async function failoverRun(c, i) {
  const tag = { sigterm: 't', sigkill: 'k', link_cut: 'c' }[c.kind];
  // Three nodes agreed on a relay (a cold start; two more tries if it does not agree in time).
  let nodes;
  for (let attempt = 0; attempt < 3 && nodes === undefined; attempt++) {
    const trio = [1, 2, 3].map((h) => lan.start(h, `f${tag}${i}a${attempt}h${h}`));
    const agreed = await waitUntil(trio, () => sameRelay(trio.map((n) => n.latestRole())), LIMIT.agreeMs);
    if (agreed.ok) nodes = trio;
    else {
      log(`    (setup did not agree: ${relaysNow(trio)}; again)`);
      await lan.killAll();
    }
  }
  if (nodes === undefined) return { failed: true, why: 'three nodes did not agree on a relay' };
  await sleep(LIMIT.settleMs + LIMIT.holdMs + Math.random() * FAULT_JITTER_MS);
  if (!sameRelay(nodes.map((n) => n.latestRole()))) return { failed: true, why: `agreement did not hold: ${relaysNow(nodes)}` };
  const oldId = nodes[0].latestRole().relay.id;
  const relayIndex = nodes.findIndex((n) => n.nodeId === oldId);
  if (relayIndex < 0) return { failed: true, why: 'the relay is none of the three' };
  const relay = nodes[relayIndex];
  const survivors = nodes.filter((n) => n !== relay);

  // The fault.
  let t0;
  if (c.kind === 'link_cut') {
    t0 = await lan.cut(relay.host); // the time the cut command finished: the link is cut by then
  } else {
    t0 = now();
    void relay.kill(c.kind === 'sigterm' ? 'SIGTERM' : 'SIGKILL');
  }

  // Every survivor types numbered lines at once, while the network elects.
  const texts = survivors.map((s) => Array.from({ length: LINES_PER_SURVIVOR }, (_, k) => `${s.name} line ${k + 1}`));
  const typing = (async () => {
    for (let k = 0; k < LINES_PER_SURVIVOR; k++) {
      if (k > 0) await sleep(LINE_GAP_MS);
      survivors.forEach((s, j) => s.send(texts[j][k]));
    }
  })();

  const newRelay = (roles) => sameRelay(roles) && roles[0].relay.id !== oldId;
  const converged = await waitUntil(survivors, () => newRelay(survivors.map((s) => s.latestRole())), LIMIT.convergeMs);
  await typing;
  const received = () =>
    survivors.reduce(
      (sum, s, j) =>
        sum +
        texts
          .filter((_, o) => o !== j)
          .flat()
          .filter((text) => s.first('message', (e) => !e.own && e.text === text) !== undefined).length,
      0,
    );
  const expected = survivors.length * (survivors.length - 1) * LINES_PER_SURVIVOR;
  const delivered = await waitUntil(survivors, () => received() === expected, LIMIT.deliverMs);
  await sleep(LIMIT.holdMs);
  const end = now();
  timeline(`failover ${c.kind} run ${i + 1} (relay ${relay.name} on host ${relay.host})`, nodes, t0);

  const settled = settledAt(survivors, t0, end, newRelay);
  const detect = survivors.map((s) => s.first('notice', (e) => e.code === 'RELAY_LOST', t0)?.t);
  const got = received();
  const result = {
    ms: settled.t === undefined ? undefined : settled.t - t0,
    detectMs: detect.every((t) => t !== undefined) ? max(detect) - t0 : undefined,
    deliveredMs: delivered.ok ? delivered.t - t0 : undefined,
    flaps: settled.flaps,
    expected,
    lost: expected - got,
  };
  if (!converged.ok || settled.t === undefined) return { ...result, failed: true, why: `no new relay: ${relaysNow(survivors)}` };
  return result;
}

function failoverReport(c, results) {
  const ok = results.filter((r) => !r.failed);
  const detects = ok.map((r) => r.detectMs).filter((x) => x !== undefined);
  return {
    bench: 'failover',
    kind: c.kind,
    runs: ok.length,
    p50_ms: ms(median(ok.map((r) => r.ms))),
    max_ms: ms(max(ok.map((r) => r.ms))),
    detect_p50_ms: ms(median(detects)),
    detect_max_ms: ms(max(detects)),
    lost: results.reduce((s, r) => s + (r.lost ?? 0), 0),
    expected: results.reduce((s, r) => s + (r.expected ?? 0), 0),
    flaps: ok.reduce((s, r) => s + r.flaps, 0),
    failed: results.length - ok.length,
    target_ms: c.targetMs,
  };
}

// --- helpers -------------------------------------------------------------------------------------

/**
 * When `agree(latest role of each node)` last became true after `from`, if it still holds at `end`;
 * `flaps` counts how often it held and then stopped holding.
 */
function settledAt(nodes, from, end, agree) {
  const latest = nodes.map((n) => n.latestRole(from));
  const later = nodes
    .flatMap((n, i) => n.all('role').filter((e) => e.t > from && e.t <= end).map((e) => ({ i, e })))
    .sort((a, b) => a.e.t - b.e.t);
  let holds = agree(latest);
  let since = holds ? from : undefined;
  let flaps = 0;
  for (const { i, e } of later) {
    latest[i] = e;
    const h = agree(latest);
    if (h && !holds) since = e.t;
    if (!h && holds) flaps++;
    holds = h;
  }
  return { t: holds ? since : undefined, flaps };
}

/** With --verbose: every event of the run, in order, in ms from `t0` (messages summarised). */
function timeline(title, nodes, t0) {
  if (!verbose) return;
  const ids = new Map(nodes.map((n) => [n.nodeId, n.name]));
  const who = (id) => ids.get(id) ?? id?.slice(0, 8);
  const rows = nodes
    .flatMap((n) => n.events.map((e) => ({ n, e })))
    .filter(({ e }) => e.event !== 'message' || !e.own)
    .sort((a, b) => a.e.t - b.e.t);
  log(`    --- ${title}; ms from ${nodes.some((n) => n.spawnedAt === t0) ? 'spawn' : 'the fault'}`);
  for (const { n, e } of rows) {
    let what;
    switch (e.event) {
      case 'role':
        what = `role ${e.role} -> ${who(e.relay.id)} (epoch ${e.relay.epoch})`;
        break;
      case 'notice':
        what = `notice ${e.code}: ${e.text}`;
        break;
      case 'connection':
        what = `connection ${e.state}${e.reason ? ` (${e.reason}; retry in ${e.retryInMs} ms)` : ''}`;
        break;
      case 'message':
        what = `message from ${e.from}: ${e.text}`;
        break;
      case 'presence':
        what = `presence ${e.nick} ${e.state}${e.room ? ` ${e.room}` : ''}${e.reason ? ` (${e.reason})` : ''}`;
        break;
      case 'error':
        what = `error ${e.code}: ${e.message}`;
        break;
      default:
        what = e.event;
    }
    log(`    ${(e.t - t0).toFixed(0).padStart(6)}  ${n.name.padEnd(10)} ${what}`);
  }
}

function describe(r) {
  if (r.failed && r.why) return `FAILED: ${r.why}`;
  const parts = [`${ms(r.ms)} ms`];
  if (r.fromReadyMs !== undefined) parts.push(`from ready ${ms(r.fromReadyMs)} ms`);
  if (r.detectMs !== undefined) parts.push(`detected ${ms(r.detectMs)} ms`);
  if (r.deliveredMs !== undefined) parts.push(`all lines in ${ms(r.deliveredMs)} ms`);
  if (r.lost !== undefined) parts.push(`lost ${r.lost}/${r.expected}`);
  if (r.flaps) parts.push(`${r.flaps} flap(s)`);
  if (r.relays !== undefined && r.relays !== 1) parts.push(`${r.relays} nodes in the relay role!`);
  return parts.join(', ');
}

function relaysNow(nodes) {
  return nodes.map((n) => `${n.name}→${n.latestRole()?.relay.id.slice(0, 8) ?? 'none'}`).join(' ');
}

function tail(node) {
  return `${JSON.stringify(node.events.slice(-3).map(({ t, ...e }) => e))} ${node.stderr.slice(-3).join(' | ')}`;
}

function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function max(xs) {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length === 0 ? undefined : Math.max(...s);
}

function ms(x) {
  return x === undefined || !Number.isFinite(x) ? null : Math.round(x);
}

function log(text) {
  process.stderr.write(`${text}\n`);
}
