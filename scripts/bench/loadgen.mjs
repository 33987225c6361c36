/**
 * The load generator of the fan-out benchmark, in its own process so the relay under test keeps a core
 * to itself. It opens M member connections to 127.0.0.1 (for the lanchat relay: Hello, wait for Welcome,
 * heartbeat every second as the protocol asks), lets the first P members publish ChatMessage frames to
 * #lobby, and counts and times every delivery. The raw relay gets the very same chat frame bytes, minus
 * the hello and heartbeats it has no use for, so the load costs the same on both.
 *
 * Kept cheap so it measures the relay, not itself: receivers never protobuf-decode a chat frame. They
 * read into one shared buffer, split frames on the varint length, recognise a chat frame by its first
 * payload byte (Frame field 10), and read the send time from the last 12 bytes of the frame: the text,
 * which protobuf writes last, ends with the publisher's clock in microseconds as fixed-width decimal.
 *
 * Config arrives as JSON in argv[2] (see bench-fanout.mjs). Relay CPU/RSS come from the relay process
 * through the parent ({type:'relay-stats'} out, {type:'stats'} back). Sends {type:'result'} or
 * {type:'error'} and exits. Everything is bounded: connects and stats by timeouts, the run by a message
 * budget and a time cap, the whole process by a guard timer.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { ephemeralIdentity } from '../../dist/identity/identity.js';
import { nodeKeysOf } from '../../dist/identity/node-keys.js';
import { proveIdentity } from '../../dist/identity/proof.js';
import { clientTlsOptions, deriveSecret } from '../../dist/net/secret.js';
import { decodeFrame, encodeFrame } from '../../dist/wire/codec.js';
import { readLengthPrefix } from '../../dist/wire/frame-decoder.js';
import { DEFAULT_LIMITS, PROTOCOL_VERSION } from '../../dist/wire/limits.js';

const cfg = JSON.parse(process.argv[2]);
/** The room secret of the relay under test (relay 'lanchat-secret'), derived as a node derives it. */
const secret = cfg.secret === undefined ? undefined : await deriveSecret(cfg.secret, 'bench');
const M = cfg.members;
const P = cfg.publishers;
const FANOUT = M - 1; // the relay does not echo a message to its sender

const TAG_CHAT = 0x52; // Frame field 10 (message), length-delimited
const TAG_WELCOME = 0x12; // field 2
const TAG_ERROR = 0x2a; // field 5
const STAMP_DIGITS = 12;
const TEXT_PREFIX = 'x'.repeat(cfg.textBytes - STAMP_DIGITS);
const CONNECT_BATCH = 50; // 200 members need 200 descriptors here and in the relay: far below any usual limit
const readBuffer = Buffer.alloc(256 * 1024);

const nowUs = () => Math.round(performance.now() * 1000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

process.on('disconnect', () => process.exit(1));
setTimeout(() => fail('load generator ran out of time'), 30_000);

let sent = 0; // chat messages written, all phases
let delivered = 0; // chat frames received, summed over members, all phases
let recording = false; // inside the measured window: keep latency samples
let deliveredAtStart = 0;
let endWindow = null; // ends the measured window early once the budget is delivered
let finished = false;
const samples = new Uint32Array(cfg.sampleCapacity);
let sampleCount = 0;

const members = Array.from({ length: M }, (_, i) => {
  const identity = secret === undefined ? undefined : ephemeralIdentity();
  return { identity, nodeId: identity?.nodeId ?? randomBytes(32), ...memberState(i) };
});
function memberState(i) {
  return {
  nick: `m${i}`,
  seq: 0,
  socket: null,
  rest: null, // start of a frame not yet whole
  onWelcome: null,
  };
}
const publishers = members.slice(0, P);
let nextPublisher = 0;
let afterDeliveries = () => {}; // set by runFanout: send more once deliveries free room

let statsRequests = 0;
const statsWaiting = new Map();
process.on('message', (msg) => {
  if (msg.type === 'stats') statsWaiting.get(msg.id)?.(msg);
  if (msg.type === 'stop') process.exit(1);
});

main().catch((err) => fail(err.message));

async function main() {
  selfCheck();
  for (let i = 0; i < M; i += CONNECT_BATCH) {
    const batch = members.slice(i, i + CONNECT_BATCH);
    await withTimeout(Promise.all(batch.map(connectMember)), 5_000, 'connecting members');
  }
  // TCP connect completes before the relay's accept callback runs: wait until it counts everyone.
  for (let tries = 0; (await relayStats()).connections < M; tries++) {
    if (tries > 100) throw new Error(`the relay admitted fewer than ${M} members`);
    await sleep(20);
  }
  const heartbeats = cfg.relay.startsWith('lanchat') ? setInterval(sendHeartbeats, 100) : undefined;
  const result = cfg.kind === 'fanout' ? await runFanout() : await runLatency();
  finished = true;
  clearInterval(heartbeats);
  for (const m of members) m.socket.destroy();
  const undelivered = sent * FANOUT - delivered;
  process.send({ type: 'result', ...result, ...percentiles(), undelivered }, () => process.exit(0));
}

/** Throughput: keep a bounded window of messages in flight, as fast as the relay drains it. */
async function runFanout() {
  const maxInFlight = cfg.window; // messages whose deliveries are not all in, over all publishers
  let sending = true;
  let queued = false;
  const pump = () => {
    queued = false;
    if (!sending) return;
    let room = Math.floor(maxInFlight - (sent - delivered / FANOUT));
    if (room <= 0) return;
    const batches = publishers.map(() => []);
    for (; room > 0; room--, sent++) {
      batches[nextPublisher].push(chatFrame(publishers[nextPublisher]));
      nextPublisher = (nextPublisher + 1) % P;
    }
    batches.forEach((frames, i) => {
      if (frames.length > 0) publishers[i].socket.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
    });
  };
  // Deliveries free room in the window; pump once per event-loop turn, after all reads of that turn.
  afterDeliveries = () => {
    if (sending && !queued) {
      queued = true;
      setImmediate(pump);
    }
  };
  pump();
  await sleep(cfg.warmupMs);
  const result = await measure(
    () =>
      new Promise((resolve) => {
        endWindow = resolve;
        setTimeout(resolve, cfg.measureMs);
      }),
  );
  sending = false;
  await drain();
  return result;
}

/** Latency at a low fixed rate: messages paced on a timer, round-robin over the publishers. */
async function runLatency() {
  const paced = (ms) =>
    new Promise((resolve) => {
      const start = nowUs();
      const count = Math.round((cfg.rate * ms) / 1000);
      let n = 0;
      const tick = () => {
        const due = Math.min(count, Math.floor(((nowUs() - start) * cfg.rate) / 1e6) + 1);
        for (; n < due; n++, sent++) {
          const p = publishers[nextPublisher];
          nextPublisher = (nextPublisher + 1) % P;
          p.socket.write(chatFrame(p));
        }
        if (n >= count) return resolve();
        setTimeout(tick, Math.max(0, (start + (n * 1e6) / cfg.rate - nowUs()) / 1000));
      };
      tick();
    });
  await paced(cfg.warmupMs);
  return measure(async () => {
    await paced(cfg.measureMs);
    await drain();
  });
}

/** Runs the measured window: deliveries, wall time, and both processes' CPU over it. */
async function measure(runWindow) {
  const relayBefore = relayStats();
  const cpuBefore = process.cpuUsage();
  const start = nowUs();
  deliveredAtStart = delivered;
  recording = true;
  await runWindow();
  recording = false;
  endWindow = null;
  const seconds = (nowUs() - start) / 1e6;
  const count = delivered - deliveredAtStart;
  const cpu = process.cpuUsage(cpuBefore);
  const [r0, r1] = [await relayBefore, await relayStats()];
  const relayCpuPct = (100 * (r1.cpuUs - r0.cpuUs)) / (r1.wallUs - r0.wallUs);
  const loadgenCpuPct = (100 * (cpu.user + cpu.system)) / (seconds * 1e6);
  return {
    delivered: count,
    seconds,
    msgsPerS: count / seconds,
    relayCpuPct,
    relayRssMb: r1.rssBytes / 2 ** 20,
    loadgenCpuPct,
  };
}

/** Waits (at most 1 s) until every message sent has reached every other member. */
async function drain() {
  const until = nowUs() + 1e6;
  while (delivered < sent * FANOUT && nowUs() < until) await sleep(5);
}

/** Counts and times the chat frames in what one member just read; keeps an unfinished frame for later. */
function onData(member, chunk) {
  const buf = member.rest === null ? chunk : Buffer.concat([member.rest, chunk]);
  const now = nowUs();
  let offset = 0;
  frames: for (;;) {
    let length = 0;
    let shift = 0;
    let pos = offset;
    let byte;
    do {
      if (pos >= buf.length) break frames;
      byte = buf[pos++];
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    const end = pos + length;
    if (end > buf.length) break;
    if (buf[pos] === TAG_CHAT) {
      delivered++;
      if (recording && sampleCount < samples.length) samples[sampleCount++] = now - sentAt(buf, end);
    } else {
      onControlFrame(member, buf.subarray(pos, end));
    }
    offset = end;
  }
  member.rest = offset < buf.length ? Buffer.from(buf.subarray(offset)) : null;
  if (endWindow !== null && delivered - deliveredAtStart >= cfg.budget) endWindow();
  afterDeliveries();
}

/** The publisher's clock, from the fixed-width decimal that ends the text (and so the frame). */
function sentAt(buf, end) {
  let us = 0;
  for (let i = end - STAMP_DIGITS; i < end; i++) us = us * 10 + buf[i] - 48;
  return us;
}

/** Welcome, presence, heartbeat...: only a welcome or an error matters here. */
function onControlFrame(member, payload) {
  if (payload[0] === TAG_WELCOME) member.onWelcome?.();
  if (payload[0] === TAG_ERROR) {
    const { code, message } = decodeFrame(payload).error;
    fail(`relay sent ${code} to ${member.nick}: ${message}`);
  }
}

function chatFrame(p) {
  const text = TEXT_PREFIX + String(nowUs()).padStart(STAMP_DIGITS, '0');
  return encodeFrame({
    message: { origin: p.nodeId, seq: ++p.seq, time: Date.now(), counter: 0, nick: p.nick, room: '#lobby', text },
  });
}

function connectMember(member) {
  return new Promise((resolve) => {
    // onread with one shared buffer: no Buffer allocated per read (onData copies what it keeps). TLS
    // sockets take it too (Node 15+), so both loads cost the load generator the same but for the
    // decryption.
    const onread = { buffer: readBuffer, callback: (n, buf) => onData(member, buf.subarray(0, n)) };
    const socket =
      secret === undefined
        ? connect({ host: '127.0.0.1', port: cfg.port, onread })
        : connectTls({ host: '127.0.0.1', port: cfg.port, onread, ...clientTlsOptions(secret) });
    member.socket = socket;
    socket.setNoDelay(true);
    socket.on('error', (err) => fail(`${member.nick}: ${err.message}`));
    socket.on('close', () => finished || fail(`${member.nick}: the relay closed the connection`));
    socket.once(secret === undefined ? 'connect' : 'secureConnect', () => {
      if (!cfg.relay.startsWith('lanchat')) return resolve();
      member.onWelcome = resolve;
      // With a secret the relay wants the node id proven over this TLS session, as a real member does.
      const identity = secret === undefined ? undefined : member.identity;
      socket.write(
        encodeFrame({
          hello: {
            protocolVersion: PROTOCOL_VERSION,
            nodeId: member.nodeId,
            nick: member.nick,
            network: 'bench',
            rooms: ['#lobby'],
            listenPort: 0,
            ...(identity === undefined
              ? {}
              : { keys: nodeKeysOf(identity), proof: proveIdentity(identity, socket.exportKeyingMaterial(32, 'EXPORTER-lanchat-identity', Buffer.alloc(0))) }),
          },
        }),
      );
    });
  });
}

/** Each member heartbeats once a second, a tenth of them every 100 ms: real members are not in step. */
let heartbeatTick = 0;
function sendHeartbeats() {
  const frame = encodeFrame({ heartbeat: { time: Date.now() } });
  for (let i = heartbeatTick++ % 10; i < M; i += 10) members[i].socket.write(frame);
}

/** CPU time, RSS and member count of the relay process, fetched through the parent. */
function relayStats() {
  const id = ++statsRequests;
  const answer = new Promise((resolve) => statsWaiting.set(id, resolve));
  process.send({ type: 'relay-stats', id });
  return withTimeout(answer, 2_000, 'relay stats').finally(() => statsWaiting.delete(id));
}

function percentiles() {
  const sorted = samples.subarray(0, sampleCount).sort();
  const ms = (us) => (us === undefined ? null : us / 1000);
  const at = (q) => ms(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]);
  return { samples: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: ms(sorted[sorted.length - 1]) };
}

/** The receivers' shortcuts rely on the frame layout: check it once rather than trust it. */
function selfCheck() {
  const frame = chatFrame(members[0]);
  members[0].seq = 0;
  const payload = frame.subarray(readLengthPrefix(frame, 0, DEFAULT_LIMITS.frameBytes).bytes);
  const text = decodeFrame(payload).message.text;
  const stampOk = sentAt(frame, frame.length) === Number(text.slice(-STAMP_DIGITS));
  if (payload[0] !== TAG_CHAT || Buffer.byteLength(text) !== cfg.textBytes || !stampOk) {
    throw new Error('chat frame layout is not what the receivers expect');
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function fail(message) {
  if (finished) return;
  finished = true;
  if (!process.connected) process.exit(1);
  process.send({ type: 'error', message }, () => process.exit(1));
}
