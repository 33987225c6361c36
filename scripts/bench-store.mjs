/**
 * `npm run bench:store`: what the history store costs: writing, catching up over sync, starting up with a
 * big history, disk space, and signatures.
 *
 * Why it exists: every message a node sees is signed, verified, stored with its place in a display page, and later
 * replayed to peers; the store is never pruned. These figures say whether that stays cheap as history
 * grows. The raw LevelDB rate and the start-up of a near-empty store are measured next to the lanchat
 * figures, so what lanchat adds shows apart from what the machine and Node cost anyway.
 *
 * Cases (one JSON line each on stdout, in this order; progress on stderr):
 *   sign-verify        µs per message: signMessage, verifyMessages of one message, of a 500-message chain
 *   store-append       N signed, chained messages (4 authors, ~60-byte texts, #lobby) appended 500 at a time
 *   sync-100k          that store (the source, in a process of its own: scripts/bench/sync-source.mjs)
 *                      synced to a fresh replica by SyncLink over loopback TCP, next to writing the
 *                      same bytes with plain `level`, a record each, 500 per batch (the target's
 *                      baseline: LevelDB's batched rate per record), next to the fresh node alone (the
 *                      same batches verified and stored from memory), and, for scale, plain `level`
 *                      writing the store's own records of those batches (a record per run); they take
 *                      turns 3 times (medians reported, and each round's ratio)
 *   live-chat          messages stored one per append, as live chat comes (record-tails.ts joins them):
 *                      µs per append, disk bytes (as left, and compacted) and LevelDB records per
 *                      message, and reading the whole history back (what `lanchat history` reads), next
 *                      to the same messages stored 500 per append, as a sync stores them
 *   bytes-per-message  disk size of a big history folder / its messages, and the encoded message size
 *   history-1m         `lanchat history --json` on the big store, to its end: time, lines, peak memory
 *   startup-1m         spawn `lanchat --no-discovery --json` on a big store and on a one-screen store;
 *                      time to its `ready` line and to its first history line; 3 runs each
 *   search-1m          on that big store: HistoryStore.search (the scan behind /search and `lanchat history
 *                      --grep`) for a word in about a tenth of the messages, a word in none, the same word
 *                      in capitals and within #lobby, 3 runs each (median and max), and `lanchat history
 *                      --grep WORD --json` to its end, spawned (target: under 1 s)
 * Flags: --quick (20k messages instead of 100k, a 200k store instead of 1M; well under a minute);
 *        --only=sync (store-append and sync-100k only, to try a change to the sync path);
 *        --only=search (the big store and search-1m only).
 *
 * Uses the compiled modules in dist/ (`npm run bench:store` builds first). Only 127.0.0.1 is used; mDNS
 * never runs. Every loop is bounded; every wait has a timeout; each lanchat child is killed by its PID;
 * every temporary folder (under the OS temp dir) is removed on the way out, also on SIGINT/SIGTERM.
 * Timings are reported, never asserted.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Level } from 'level';
import { ephemeralIdentity, loadIdentity } from '../dist/identity/identity.js';
import { dial } from '../dist/net/dial.js';
import { LevelHistoryStore } from '../dist/store/level-store.js';
import { searchNeedle } from '../dist/store/search-match.js';
import { messageKey } from '../dist/store/keys.js';
import { runRecords } from '../dist/store/message-run.js';
import { decodeStored } from '../dist/store/stored-message.js';
import { Replica } from '../dist/sync/replica.js';
import { messageHash, signMessage, verifyMessages } from '../dist/sync/signature.js';
import { SyncLink } from '../dist/sync/sync-link.js';
import { lanchat } from '../dist/wire/protobuf.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
/** `--only=sync` runs just the cases needed for sync-100k (its source store comes from store-append). */
const onlySync = process.argv.includes('--only=sync');
/** `--only=search` builds the big store and runs search-1m alone. */
const onlySearch = process.argv.includes('--only=search');
const SEARCH_RUNS = 3;

/** The CLI's default network: the start-up store must hold messages lanchat would have accepted. */
const NETWORK = 'lanchat';
const ROOM = '#lobby';
const NICKS = ['ann', 'bob', 'cid', 'dee'];
const BATCH = 500; // a sync batch holds at most 500 messages; appends and raw writes use the same size
const SIZES = quick
  ? { messages: 20_000, startup: 200_000, signs: 1_000, chains: 10, live: 5_000 }
  : { messages: 100_000, startup: 1_000_000, signs: 5_000, chains: 40, live: 20_000 };
const START_RUNS = 3;
/** Sync and raw write take turns this many times (once with --quick). */
const SYNC_ROUNDS = quick ? 1 : 3;
/** Messages of a first screen (START_HISTORY in src/node/node.ts): the baseline store holds exactly this many. */
const SCREEN = 50;
const BUILD_BATCH = 5_000; // the start-up store is filled in bigger batches: it is set-up, not measured

const tempDirs = new Set();
const children = new Set();
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`\nbench:store: ${signal}: killing lanchat children, removing temp folders`);
    process.exit(130); // runs the exit handler
  });
}

let failed = false;
/** The store of store-append, kept open as the source of sync-100k, and the bytes it was filled with. */
const source = { store: undefined, location: undefined, encoded: undefined };

// main() runs at the end of this file, once the class and constants below exist.
async function main() {
  const startedAt = performance.now();
  if (onlySearch) {
    await runCase('search-1m', searchCase);
    log(`\ndone in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    process.exitCode = failed ? 1 : 0;
    return;
  }
  if (!onlySync) await runCase('sign-verify', signVerify);
  await runCase('store-append', storeAppend);
  await runCase('sync-100k', syncCase);
  await closeSource();
  if (!onlySync) await runCase('live-chat', liveChatCase);
  if (!onlySync) await runCase('startup-1m', startupCase);
  if (!onlySync) await runCase('search-1m', searchCase);
  log(`\ndone in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  process.exitCode = failed ? 1 : 0;
}

// --- cases ---------------------------------------------------------------------------------------

async function signVerify() {
  const count = SIZES.signs;
  const identity = ephemeralIdentity();
  const chatter = new Chatter([identity]);
  chatter.next(200); // warm-up: JIT, key import
  let t0 = performance.now();
  const encoded = chatter.next(count);
  const signUs = ((performance.now() - t0) * 1000) / count;
  t0 = performance.now();
  const decoded = encoded.map(decodeStored);
  const decodeUs = ((performance.now() - t0) * 1000) / count;
  verifyMessages(decoded.slice(0, 50), NETWORK); // warm-up; also fills the author key cache, as in steady state
  // One message alone: what a live message costs (its own signature checked).
  t0 = performance.now();
  let refused = 0;
  for (const m of decoded) refused += verifyMessages([m], NETWORK).refused.length;
  const singleUs = ((performance.now() - t0) * 1000) / count;
  // A 500-message chain: what a sync batch costs (hashes of all, the newest signature only).
  const chain = decoded.slice(0, BATCH);
  t0 = performance.now();
  for (let i = 0; i < SIZES.chains; i++) refused += verifyMessages(chain, NETWORK).refused.length;
  const chainUs = ((performance.now() - t0) * 1000) / (SIZES.chains * chain.length);
  if (refused > 0) throw new Error(`${refused} of our own messages failed verification`);
  log(`sign ${signUs.toFixed(1)} µs, verify one ${singleUs.toFixed(1)} µs, verify in a chain of ${BATCH} ${chainUs.toFixed(2)} µs per message`);
  return {
    messages: count,
    sign_us: round(signUs, 1),
    verify_single_us: round(singleUs, 1),
    verify_chain500_us_per_msg: round(chainUs, 2),
    decode_us: round(decodeUs, 2),
  };
}

async function storeAppend() {
  const n = SIZES.messages;
  log(`\nsigning ${n} messages of ${NICKS.length} authors…`);
  const chatter = new Chatter(NICKS.map(() => ephemeralIdentity()));
  const encoded = chatter.next(n);
  const decoded = encoded.map(decodeStored);
  source.encoded = encoded;
  source.location = join(tempDir('src'), 'history');
  source.store = await LevelHistoryStore.open(source.location);
  const t0 = performance.now();
  for (let i = 0; i < n; i += BATCH) await source.store.append(decoded.slice(i, i + BATCH));
  const seconds = (performance.now() - t0) / 1000;
  const stored = sum(source.store.versionVector().values());
  if (stored !== n) throw new Error(`stored ${stored} of ${n}`);
  log(`store-append: ${n} messages in ${seconds.toFixed(2)} s: ${Math.round(n / seconds)} msgs/s`);
  // This store stays open: it is the source of the sync case.
  return {
    messages: n,
    authors: NICKS.length,
    batch: BATCH,
    avg_msg_bytes: round(avgBytes(encoded), 1),
    msgs_per_s: Math.round(n / seconds),
    seconds: round(seconds, 2),
  };
}

async function syncCase() {
  if (source.store === undefined) throw new Error('no source store (store-append failed)');
  const n = SIZES.messages;
  const decoded = source.encoded.map(decodeStored);
  // The raw write uses the store's own message keys.
  const keys = decoded.map((m) => messageKey(m.origin, m.seq));
  // The fresh node's own share: the same batches, in the order a sync brings them (author by author),
  // verified and stored from memory, with no source and no network.
  const byOrigin = new Map();
  for (const m of decoded) {
    if (!byOrigin.has(m.origin)) byOrigin.set(m.origin, []);
    byOrigin.get(m.origin).push(m.bytes);
  }
  const inSyncOrder = [...byOrigin.values()].flat();
  // For scale, not the target: the same batches as the store now lays them out (a record per run),
  // written with plain level; the records are made beforehand, as the raw write's keys are.
  const decodedInSyncOrder = inSyncOrder.map(decodeStored);
  const runBatches = [];
  for (let i = 0; i < n; i += BATCH) runBatches.push(runRecords(decodedInSyncOrder.slice(i, i + BATCH)));
  // The source node runs in its own process, as it would on the LAN: its reads do not share this
  // thread with the fresh node's verifying and writing.
  await source.store.close();
  source.store = undefined;
  const server = await startSyncSource(source.location);
  // Sync, raw write and ingest alone take turns, SYNC_ROUNDS times: each sees the machine (and this
  // process's heap) in about the state the others saw, and the medians say what one run could not.
  const rounds = [];
  let sourceFigures;
  try {
    for (let round = 1; round <= SYNC_ROUNDS; round++) {
      const sync = await syncOnce(server.port, n);
      const raw = await rawWrite(keys, source.encoded);
      const rawRuns = await rawRunsWrite(runBatches);
      const ingest = await ingestOnce(inSyncOrder);
      log(`sync round ${round}: ${sync.seconds.toFixed(2)} s; raw level ${raw.seconds.toFixed(2)} s; ratio ${(raw.seconds / sync.seconds).toFixed(3)}; ` +
        `ingest alone ${ingest.seconds.toFixed(2)} s`);
      rounds.push({ sync, raw, rawRuns, ingest });
    }
  } finally {
    sourceFigures = await server.stop();
  }
  const syncSeconds = median(rounds.map((r) => r.sync.seconds));
  const rawSeconds = median(rounds.map((r) => r.raw.seconds));
  const mean = (pick) => sum(rounds.map(pick)) / rounds.length;
  const perMessage = (ms) => round((ms * 1000) / n, 2);
  log(`sync: median ${syncSeconds.toFixed(2)} s: ${Math.round(n / syncSeconds)} msgs/s; raw level median ${rawSeconds.toFixed(2)} s; ` +
    `sync/raw ${(rawSeconds / syncSeconds).toFixed(3)} (target ≥ 0.5)`);
  return {
    messages: n,
    rounds: rounds.length,
    batches: rounds[0].sync.batches,
    msgs_per_s: Math.round(n / syncSeconds),
    raw_msgs_per_s: Math.round(n / rawSeconds),
    ratio: round(rawSeconds / syncSeconds, 3),
    ratios: rounds.map((r) => round(r.raw.seconds / r.sync.seconds, 3)),
    seconds: round(syncSeconds, 2),
    raw_seconds: round(rawSeconds, 2),
    // the fresh node alone: no source process, no network (what a LAN's other machine would take off it)
    // plain level writing the store's own records (a record per run): not the target's baseline, which
    // is LevelDB's rate per record (docs/ARCHITECTURE.md, sync); it shows what the store's layout saves
    raw_runs_seconds: round(median(rounds.map((r) => r.rawRuns.seconds)), 3),
    ingest_only_seconds: round(median(rounds.map((r) => r.ingest.seconds)), 2),
    ingest_only_ratio: round(rawSeconds / median(rounds.map((r) => r.ingest.seconds)), 3),
    ingest_only_cpu_us_per_msg: perMessage(mean((r) => r.ingest.cpuMs)),
    source_batch_for_ms: Math.round(sourceFigures.batchForMs / rounds.length),
    // CPU per message, all threads of each process (LevelDB's included), mean of the rounds: on one
    // machine the two nodes share its cores, so their sum, not either alone, bounds the sync rate.
    target_cpu_us_per_msg: perMessage(mean((r) => r.sync.cpuMs)),
    source_cpu_us_per_msg: perMessage(sourceFigures.cpuMs / rounds.length),
    raw_cpu_us_per_msg: perMessage(mean((r) => r.raw.cpuMs)),
    ingest_ms: Math.round(mean((r) => r.sync.spent.ingest)),
    ingest_missing_ms: Math.round(mean((r) => r.sync.spent.missing)),
    ingest_append_ms: Math.round(mean((r) => r.sync.spent.append)),
    append_missing_ms: Math.round(mean((r) => r.sync.spent.appendMissing)), // part of ingest_append_ms
    // what ingest spends outside the store: decoding and verifying
    ingest_decode_verify_ms: Math.round(mean((r) => r.sync.spent.ingest - r.sync.spent.missing - r.sync.spent.append)),
  };
}

/** One sync of everything the source holds to a fresh replica over loopback; its time, CPU and split. */
async function syncOnce(port, n) {
  const target = await LevelHistoryStore.open(join(tempDir('dst'), 'history'));
  const to = new Replica(target, NETWORK);
  // Where the time goes, cheaply: the fresh node's ingest, split into its store's existence check and
  // append (with the batch pipelined, these overlap with the source's reads and the network).
  const spent = { ingest: 0, missing: 0, append: 0, appendMissing: 0 };
  let appending = 0;
  timed(to, 'ingest', (t) => (spent.ingest += t));
  timed(target, 'append', (t) => (spent.append += t), () => appending++, () => appending--);
  timed(target, 'missing', (t) => (appending > 0 ? (spent.appendMissing += t) : (spent.missing += t)));

  const outbound = await dial('127.0.0.1', port, { heartbeatMs: 0 });
  const asker = new SyncLink(outbound, to);
  outbound.on('frame', (frame) => asker.handle(frame));
  let batches = 0;
  asker.on('learned', () => batches++);
  asker.on('refused', (r) => log(`sync: a batch was refused: ${r[0]?.reason}`));
  let seconds;
  let cpu;
  try {
    log(`\nsync: ${n} messages to a fresh replica from another process over 127.0.0.1:${port}…`);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const settled = new Promise((resolve) => asker.once('settled', resolve));
    asker.request();
    await withTimeout(settled, 300_000, 'sync');
    seconds = (performance.now() - t0) / 1000;
    cpu = cpuMs(process.cpuUsage(cpu0));
  } finally {
    outbound.close();
  }
  const got = sum(target.versionVector().values());
  await target.close();
  if (got !== n) throw new Error(`synced ${got} of ${n}`);
  log(`sync: ${n} in ${seconds.toFixed(2)} s (${batches} batches): ${Math.round(n / seconds)} msgs/s; ` +
    `ingest ${ms(spent.ingest)} (of which missing ${ms(spent.missing)}, append ${ms(spent.append)} with its own missing ${ms(spent.appendMissing)})`);
  return { seconds, cpuMs: cpu, batches, spent };
}

/** Verifies and stores `encoded` into a fresh replica in sync batches, two in flight as SyncLink keeps them. */
async function ingestOnce(encoded) {
  const store = await LevelHistoryStore.open(join(tempDir('ingest'), 'history'));
  const replica = new Replica(store, NETWORK);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const inFlight = [];
  for (let i = 0; i < encoded.length; i += BATCH) {
    const batch = replica.decode(encoded.slice(i, i + BATCH));
    inFlight.push(replica.ingest(batch, { whole: true }));
    if (inFlight.length >= 2) await inFlight.shift();
  }
  const results = await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const stored = sum(store.versionVector().values());
  await store.close();
  if (results.some((r) => r.refused.length > 0) || stored !== encoded.length) throw new Error(`ingested ${stored} of ${encoded.length}`);
  return { seconds, cpuMs: cpu };
}

/** `batches` of records, written with plain level one batch at a time. */
async function rawRunsWrite(batches) {
  const db = new Level(join(tempDir('raw-runs'), 'db'), { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  const t0 = performance.now();
  for (const records of batches) await db.batch(records.map(([key, value]) => ({ type: 'put', key, value })));
  const seconds = (performance.now() - t0) / 1000;
  await db.close();
  return { seconds };
}

/** The floor: the same bytes, one key each, written with plain level in batches of the same size. */
async function rawWrite(keys, values) {
  const db = new Level(join(tempDir('raw'), 'db'), { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < keys.length; i += BATCH) {
    const batch = db.batch();
    for (let j = i; j < Math.min(keys.length, i + BATCH); j++) batch.put(keys[j], values[j]);
    await batch.write();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMs(process.cpuUsage(cpu0));
  await db.close();
  return { seconds, cpuMs: cpu };
}

async function liveChatCase() {
  const n = SIZES.live;
  const decoded = new Chatter(NICKS.map(() => ephemeralIdentity()), { fastSign: true }).next(n).map(decodeStored);
  log(`\nlive-chat: ${n} messages stored one per append, then read back whole…`);
  const live = await storeAndRead(decoded, 1);
  const batched = await storeAndRead(decoded, BATCH);
  log(`live-chat: ${live.appendUs.toFixed(0)} µs per append; ${Math.round(live.diskBytes / n)} bytes and ${(live.records / n).toFixed(3)} records per message; ` +
    `history read in ${live.readSeconds.toFixed(2)} s (stored ${BATCH} per append: ${batched.readSeconds.toFixed(2)} s)`);
  return {
    messages: n,
    append_us: round(live.appendUs, 1),
    disk_bytes_per_msg: round(live.diskBytes / n, 1),
    compacted_disk_bytes_per_msg: round(live.settledBytes / n, 1),
    records_per_msg: round(live.records / n, 3),
    history_seconds: round(live.readSeconds, 3),
    batched_history_seconds: round(batched.readSeconds, 3),
    batched_disk_bytes_per_msg: round(batched.diskBytes / n, 1),
    batched_compacted_disk_bytes_per_msg: round(batched.settledBytes / n, 1),
    batched_records_per_msg: round(batched.records / n, 3),
  };
}

/** Stores `messages` `perAppend` at a time in a fresh store, closes it, then reads its whole history back. */
async function storeAndRead(messages, perAppend) {
  const location = join(tempDir('live'), 'history');
  let store = await LevelHistoryStore.open(location);
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += perAppend) await store.append(messages.slice(i, i + perAppend));
  const appendUs = ((performance.now() - t0) * 1000) / Math.ceil(messages.length / perAppend);
  await store.close();
  const diskBytes = folderBytes(location);
  // What the folder settles at once LevelDB has compacted away the records the joins replaced (it does
  // so on its own as the history grows; until then they sit in its log and newest tables).
  const raw = new Level(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
  const records = (await raw.keys().all()).filter((k) => k.startsWith('s!') || k.startsWith('p!')).length;
  await raw.compactRange('', '~');
  await raw.close();
  const settledBytes = folderBytes(location);
  store = await LevelHistoryStore.open(location);
  const t1 = performance.now();
  let read = 0;
  for await (const chunk of store.history()) read += chunk.length;
  const readSeconds = (performance.now() - t1) / 1000;
  await store.close();
  if (read !== messages.length) throw new Error(`read ${read} of ${messages.length}`);
  return { appendUs, diskBytes, settledBytes, records, readSeconds };
}

async function startupCase() {
  const n = SIZES.startup;
  big.dir = tempDir('big');
  const bigDir = big.dir;
  const small = tempDir('small');
  // lanchat makes its own identity.pem and history/; then it is stopped and the history filled.
  for (const dir of [bigDir, small]) await stopLanchat((await startLanchat(dir, 'ready')).child);
  const authors = [
    ...NICKS.slice(0, 3).map(() => ephemeralIdentity()),
    // One author is the data folder's own identity, as a real history has; it also makes start-up look
    // up its own last message (lastSeq, get).
    await identityOf(bigDir),
  ];
  log(`\nbuilding a store of ${n} messages in ${bigDir}…`);
  const built = await fill(join(bigDir, 'history'), new Chatter(authors, { fastSign: true }), n, true);
  const bytesLine = {
    case: 'bytes-per-message',
    messages: n,
    disk_bytes: built.diskBytes,
    disk_bytes_per_msg: round(built.diskBytes / n, 1),
    avg_msg_bytes: round(built.avgBytes, 1),
    overhead_ratio: round(built.diskBytes / n / built.avgBytes, 3),
  };
  log(`bytes-per-message: ${bytesLine.disk_bytes_per_msg} on disk per message, ${bytesLine.avg_msg_bytes} encoded`);
  console.log(JSON.stringify(bytesLine));
  await fill(join(small, 'history'), new Chatter([ephemeralIdentity()], { fastSign: true }), SCREEN, false);

  const runs = { big: [], small: [] };
  for (let i = 0; i < START_RUNS; i++) {
    for (const [name, dir] of [['small', small], ['big', bigDir]]) {
      const { child, readyMs, historyMs } = await startLanchat(dir, 'history');
      await stopLanchat(child);
      runs[name].push({ readyMs, historyMs });
      log(`  start ${i + 1}/${START_RUNS} ${name.padEnd(5)}: ready ${readyMs.toFixed(0)} ms, first history line ${historyMs.toFixed(0)} ms`);
    }
  }
  const history = await historyCommand(bigDir);
  log(`lanchat history --json on ${n} messages: ${history.lines} lines in ${history.seconds.toFixed(1)} s, peak RSS ${history.maxRssMb} MB`);
  console.log(JSON.stringify({ case: 'history-1m', messages: n, lines: history.lines, seconds: round(history.seconds, 2), max_rss_mb: history.maxRssMb }));
  const stats = (list, key) => ({ median: Math.round(median(list.map((r) => r[key]))), max: Math.round(Math.max(...list.map((r) => r[key]))) });
  const [b, s] = [stats(runs.big, 'historyMs'), stats(runs.small, 'historyMs')];
  const [br, sr] = [stats(runs.big, 'readyMs'), stats(runs.small, 'readyMs')];
  return {
    messages: n,
    baseline_messages: SCREEN,
    runs: START_RUNS,
    first_screen_median_ms: b.median,
    first_screen_max_ms: b.max,
    baseline_first_screen_median_ms: s.median,
    baseline_first_screen_max_ms: s.max,
    added_median_ms: b.median - s.median,
    ready_median_ms: br.median,
    baseline_ready_median_ms: sr.median,
    target_ms: 300,
  };
}

/** The big store of startup-1m, kept for search-1m (built here when search-1m runs alone). */
const big = { dir: undefined };

async function searchCase() {
  const n = SIZES.startup;
  if (big.dir === undefined) {
    big.dir = tempDir('big');
    await stopLanchat((await startLanchat(big.dir, 'ready')).child);
    log(`\nbuilding a store of ${n} messages in ${big.dir}…`);
    await fill(join(big.dir, 'history'), new Chatter([...NICKS.slice(0, 3).map(() => ephemeralIdentity()), await identityOf(big.dir)], { fastSign: true }), n, true);
  }
  const store = await LevelHistoryStore.open(join(big.dir, 'history'));
  const queries = [
    { name: 'word', text: 'printer' },
    { name: 'none', text: 'zebra' },
    { name: 'capitals', text: 'PRINTER' },
    { name: 'room', text: 'printer', room: ROOM },
  ];
  const result = { messages: n, runs: SEARCH_RUNS, limit: SEARCH_LIMIT, target_ms: 1_000 };
  try {
    for (const query of queries) {
      const times = [];
      let found = 0;
      for (let i = 0; i < SEARCH_RUNS; i++) {
        const t0 = performance.now();
        const hits = await store.search({ needle: searchNeedle(query.text), limit: SEARCH_LIMIT, privateText: () => undefined, ...(query.room === undefined ? {} : { room: query.room }) });
        times.push(performance.now() - t0);
        found = hits.length;
      }
      log(`  search ${query.name.padEnd(8)} "${query.text}"${query.room ? ` in ${query.room}` : ''}: ${found} results, median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
      result[`${query.name}_median_ms`] = Math.round(median(times));
      result[`${query.name}_max_ms`] = Math.round(Math.max(...times));
      result[`${query.name}_results`] = found;
    }
  } finally {
    await store.close();
  }
  const grep = await grepCommand(big.dir, 'printer');
  log(`  lanchat history --grep printer --json: ${grep.lines} lines in ${grep.seconds.toFixed(2)} s`);
  result.history_grep_seconds = round(grep.seconds, 2);
  result.history_grep_lines = grep.lines;
  return result;
}

/** The results /search and `lanchat history --grep` show (DEFAULT_LIMITS.searchResults). */
const SEARCH_LIMIT = 100;

/** Runs `lanchat history --grep TEXT --json` on `dir` to its end (a spawned process: start-up included). */
async function grepCommand(dir, text) {
  const { seconds, lines } = await runLanchat([join(root, 'bin', 'lanchat.js'), 'history', '--grep', text, '--json', '--data', dir], 120_000, 'lanchat history --grep');
  return { seconds, lines };
}

/** Runs node with `args` to its end: wall seconds, stdout lines counted (not kept), the tail of stderr. */
async function runLanchat(args, timeoutMs, what) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let lines = 0;
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    for (const byte of chunk) if (byte === 0x0a) lines++;
  });
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2_000)));
  const code = await withTimeout(new Promise((resolve) => child.once('exit', resolve)), timeoutMs, what);
  children.delete(child);
  if (code !== 0) throw new Error(`${what} exited ${code}: ${stderr.trim()}`);
  return { seconds: (performance.now() - t0) / 1000, lines, stderr };
}

// --- messages ------------------------------------------------------------------------------------

/**
 * Texts are words drawn at random (a fixed seed) from a small vocabulary, up to 60 characters: a few
 * fixed lines would compress far better on disk than chat does, and flatter bytes-per-message.
 */
const WORDS = (
  'the a to is it and of in on for you i we that this be at with can not are have do so if but was ' +
  'lunch printer meeting room build test fix deploy server coffee key monitor laptop wifi release ' +
  'today tomorrow now later soon again please thanks ok yes no maybe who what where when why how ' +
  'broken works slow fast merged pushed review ticket bug branch update restart down up here there'
).split(' ');
let seed = 0x2545f491;
function randomWord() {
  // xorshift32: deterministic and cheap; the quality of the randomness does not matter here.
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return WORDS[(seed >>> 0) % WORDS.length];
}
function chatText() {
  let text = randomWord();
  for (let word = randomWord(); text.length + 1 + word.length <= 60; word = randomWord()) text += ` ${word}`;
  return text;
}

/**
 * Chat as members write it: authors take turns, one message a second in all, each author's messages
 * numbered from 1 and hash-chained. With `fastSign`, the signature is the right length and as random as
 * a real one, but not a real one (SHA-512 of the message): 1M Ed25519 signatures would cost this machine
 * a minute of CPU, and nothing measured here reads them (a node verifies what it receives, not what it
 * stored). The encoding is otherwise exactly signMessage's.
 */
class Chatter {
  #authors;
  #fast;
  #i = 0;
  constructor(identities, { fastSign = false } = {}) {
    this.#authors = identities.map((identity, k) => ({ identity, nick: NICKS[k % NICKS.length], seq: 0, prev: undefined }));
    this.#fast = fastSign;
  }

  next(count) {
    const out = [];
    for (let k = 0; k < count; k++, this.#i++) {
      const author = this.#authors[this.#i % this.#authors.length];
      author.seq++;
      const message = {
        origin: author.identity.nodeId,
        seq: author.seq,
        time: 1_700_000_000_000 + this.#i * 1_000,
        counter: 0,
        nick: author.nick,
        room: ROOM,
        text: chatText(),
        prev: author.prev,
      };
      const bytes = this.#fast ? fakeSigned(message, author.identity) : signMessage(message, author.identity, NETWORK);
      author.prev = messageHash(bytes);
      out.push(bytes);
    }
    return out;
  }
}

/** signMessage's encoding (message, then field 15 of 64 bytes) with SHA-512 in place of the signature. */
function fakeSigned(message, identity) {
  const unsigned = lanchat.ChatMessage.encode({ ...message, authorKey: identity.publicKeyRaw, signature: undefined }).finish();
  return Buffer.concat([unsigned, Buffer.from([0x7a, 0x40]), createHash('sha512').update(unsigned).digest()]);
}

/** Appends `n` messages of `chatter` to a store at `location` (not timed); its disk size once closed. */
async function fill(location, chatter, n, progress) {
  const store = await LevelHistoryStore.open(location);
  let bytes = 0;
  const t0 = performance.now();
  let nextReport = 100_000;
  for (let done = 0; done < n; ) {
    const chunk = chatter.next(Math.min(BUILD_BATCH, n - done));
    bytes += sum(chunk.map((b) => b.length));
    await store.append(chunk.map(decodeStored));
    done += chunk.length;
    if (progress && (done >= nextReport || done === n)) {
      log(`  ${done} / ${n} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      nextReport += 100_000;
    }
  }
  const stored = sum(store.versionVector().values());
  await store.close();
  if (stored !== n) throw new Error(`built ${stored} of ${n}`);
  return { diskBytes: folderBytes(location), avgBytes: bytes / n };
}

// --- lanchat processes ---------------------------------------------------------------------------

/**
 * Spawns `lanchat --no-discovery --json` on `dir` and waits for its `ready` line and, with
 * until = 'history', for its first history line. Times are from just before the spawn.
 */
async function startLanchat(dir, until) {
  const args = [join(root, 'bin', 'lanchat.js'), '--no-discovery', '--json', '--data', dir, '--name', 'bench', '--port', '0'];
  const t0 = performance.now();
  // stdin stays an open pipe: in --json mode lanchat quits when its stdin ends.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2_000)));
  let readyMs;
  let historyMs;
  const done = new Promise((resolve, reject) => {
    let pending = '';
    child.stdout.on('data', (data) => {
      const now = performance.now() - t0;
      pending += data;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          continue; // --json prints only JSON lines; anything else is not ours to judge here
        }
        if (event.event === 'error') reject(new Error(`lanchat: ${event.code} ${event.message}`));
        if (event.event === 'ready') readyMs ??= now;
        if (event.event === 'message' && event.history === true) historyMs ??= now;
        if (readyMs !== undefined && (until === 'ready' || historyMs !== undefined)) resolve();
      }
    });
    child.once('exit', (code, signal) => reject(new Error(`lanchat exited (${signal ?? code}) early: ${stderr.trim()}`)));
  });
  try {
    await withTimeout(done, 30_000, `lanchat on ${dir}`);
  } catch (err) {
    await stopLanchat(child);
    throw err;
  }
  return { child, readyMs, historyMs };
}

/** SIGTERM by PID (lanchat then closes its store and frees the data folder); SIGKILL after 5 s. */
async function stopLanchat(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `lanchat history --json` on `dir` to its end: its time, its line count and its peak memory. */
async function historyCommand(dir) {
  const args = ['--require', join(root, 'scripts', 'bench', 'report-rss.cjs'), join(root, 'bin', 'lanchat.js'), 'history', '--json', '--data', dir];
  const { seconds, lines, stderr } = await runLanchat(args, 300_000, 'lanchat history');
  const maxRssKb = JSON.parse(stderr.trim().split('\n').at(-1)).maxRssKb;
  return { seconds, lines, maxRssMb: Math.round(maxRssKb / 1024) };
}

/** scripts/bench/sync-source.mjs on the store at `location`; `stop()` ends it and gives its figures. */
async function startSyncSource(location) {
  const child = spawn(process.execPath, [join(root, 'scripts', 'bench', 'sync-source.mjs'), location, NETWORK], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines = [];
  let waiting;
  let pending = '';
  child.stdout.on('data', (data) => {
    pending += data;
    const parts = pending.split('\n');
    pending = parts.pop();
    for (const line of parts) lines.push(JSON.parse(line));
    waiting?.();
  });
  const nextLine = () =>
    withTimeout(
      new Promise((resolve, reject) => {
        const check = () => (lines.length > 0 ? resolve(lines.shift()) : undefined);
        waiting = check;
        child.once('exit', (code) => reject(new Error(`sync source exited (${code})`)));
        check();
      }),
      30_000,
      'sync source',
    );
  const { port } = await nextLine();
  return {
    port,
    stop: async () => {
      child.stdin.end();
      return nextLine();
    },
  };
}

async function identityOf(dir) {
  const identity = await loadIdentity(dir);
  if (identity === undefined) throw new Error(`lanchat left no identity in ${dir}`);
  return identity;
}

// --- helpers -------------------------------------------------------------------------------------

async function runCase(name, body) {
  try {
    console.log(JSON.stringify({ case: name, ...(await body()) }));
  } catch (err) {
    failed = true;
    log(`${name}: FAILED: ${err.stack ?? err.message}`);
    console.log(JSON.stringify({ case: name, error: err.message }));
  }
}

async function closeSource() {
  await source.store?.close();
  source.store = undefined;
  source.encoded = undefined;
}

/** Replaces obj[name] (an async method) by one that passes its wall time to `add`. */
function timed(obj, name, add, enter = () => {}, leave = () => {}) {
  const original = obj[name].bind(obj);
  obj[name] = async (...args) => {
    const t0 = performance.now();
    enter();
    try {
      return await original(...args);
    } finally {
      leave();
      add(performance.now() - t0);
    }
  };
}

function tempDir(label) {
  const dir = mkdtempSync(join(tmpdir(), `lanchat-bench-store-${label}-`));
  tempDirs.add(dir);
  return dir;
}

function cleanup() {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function folderBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function log(text) {
  process.stderr.write(`${text}\n`);
}

function sum(values) {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function avgBytes(list) {
  return sum(list.map((b) => b.length)) / list.length;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function cpuMs({ user, system }) {
  return (user + system) / 1000;
}

function ms(value) {
  return `${Math.round(value)} ms`;
}

function round(value, digits) {
  return Number(value.toFixed(digits));
}

await main();
