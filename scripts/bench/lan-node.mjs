/**
 * Real `lanchat --json` processes on a LAN of network namespaces, for `npm run bench:lan`
 * (scripts/bench-lan.mjs).
 *
 * Why it exists: that benchmark must start lanchat with mDNS on, and mDNS must never be sent from the
 * host's own namespace. So every process here is started as `ip netns exec PREFIX-nI node bin/lanchat.js
 * --json --name NAME --data DIR` on a LAN built by scripts/lan.sh (`ip netns exec` execs node, so the
 * child's PID is the node's PID). Each JSON event line is stamped with `performance.now()` of this
 * process as it is read: that is the only clock the benchmark's figures use. Everything started here is
 * tracked, so that the processes (killed by PID), the namespaces and the data folders are gone however
 * the benchmark ends. The test helpers (test/helpers/lan.ts) do the same for vitest, in TypeScript.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const LAN_SCRIPT = fileURLToPath(new URL('../lan.sh', import.meta.url));
export const LANCHAT_BIN = fileURLToPath(new URL('../../bin/lanchat.js', import.meta.url));
export const LANCHAT_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export const now = () => performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One lanchat process on one host of the LAN. `events` holds every JSON line, each with `t` (ms, this process's clock). */
export class LanNode {
  /**
   * @param {{ prefix: string, host: number, name: string, dataDir: string, args?: string[] }} options
   */
  constructor({ prefix, host, name, dataDir, args = [] }) {
    this.host = host;
    this.name = name;
    /** @type {(Record<string, any> & { event: string, t: number })[]} */
    this.events = [];
    this.stderr = [];
    /** @type {Set<() => void>} */
    this.listeners = new Set();
    this.exitCode = undefined;
    this.spawnedAt = now();
    this.child = spawn(
      'ip',
      ['netns', 'exec', `${prefix}-n${host}`, process.execPath, LANCHAT_BIN, '--json', '--name', name, '--data', dataDir, ...args],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    // Writing to a process that just died (e.g. the relay we killed) must not take the benchmark down.
    this.child.stdin.on('error', () => undefined);
    this.child.on('error', (err) => this.stderr.push(`spawn: ${err.message}`));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const t = now();
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        this.stderr.push(`not JSON: ${line}`);
        return;
      }
      this.events.push({ ...event, t });
      this.#notify();
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      if (this.stderr.length < 200) this.stderr.push(line);
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitCode = code ?? signal;
        this.#notify();
        resolve(this.exitCode);
      }),
    );
  }

  get pid() {
    return this.child.pid ?? -1;
  }

  get alive() {
    return this.exitCode === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Its node id (from `ready`), once known. */
  get nodeId() {
    return this.first('ready')?.node;
  }

  /** Types a line, as a user would (it goes to #lobby). */
  send(line) {
    if (this.alive && this.child.stdin.writable) this.child.stdin.write(`${line}\n`);
  }

  first(kind, match = () => true, after = -Infinity) {
    return this.events.find((e) => e.event === kind && e.t > after && match(e));
  }

  all(kind, match = () => true) {
    return this.events.filter((e) => e.event === kind && match(e));
  }

  /** Its latest role event read at or before time `at` (default: now). */
  latestRole(at = Infinity) {
    let found;
    for (const e of this.events) if (e.event === 'role' && e.t <= at) found = e;
    return found;
  }

  /** Sends `signal` to its PID (never to anything else), if it still runs. Resolves on exit. */
  kill(signal = 'SIGKILL') {
    if (this.alive && this.pid > 0) {
      try {
        process.kill(this.pid, signal);
      } catch {
        // already gone
      }
    }
    return this.exited;
  }

  #notify() {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Resolves when `check()` holds, re-checked on every event (or exit) of `nodes`; `{ ok, t }` where `t` is
 * when it first held (the read time of the event that made it true). Gives up after `timeoutMs`.
 */
export function waitUntil(nodes, check, timeoutMs) {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const n of nodes) n.listeners.delete(listener);
      resolve({ ok, t: ok ? lastEventTime(nodes) : now() });
    };
    const listener = () => {
      if (check()) finish(true);
    };
    const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
    for (const n of nodes) n.listeners.add(listener);
    if (check()) finish(true);
  });
}

function lastEventTime(nodes) {
  let t = -Infinity;
  for (const n of nodes) {
    const last = n.events.at(-1);
    if (last !== undefined && last.t > t) t = last.t;
  }
  return t === -Infinity ? now() : t;
}

/**
 * The namespace LAN (scripts/lan.sh) and the lanchat processes on it. `up()` builds it; `killAll()` ends
 * the processes of a run; `down()` (async) or `cleanupSync()` (from exit and signal handlers) ends
 * everything this object started and removes the namespaces and data folders.
 */
export class Lan {
  constructor(prefix, hosts) {
    this.prefix = prefix;
    this.hosts = hosts;
    /** @type {Set<LanNode>} */
    this.nodes = new Set();
    this.root = mkdtempSync(join(tmpdir(), 'lanchat-bench-lan-'));
    this.isUp = false;
    this.cutHosts = new Set();
    this.#serial = 0;
  }

  #serial;

  up() {
    this.isUp = true;
    execFileSync('bash', [LAN_SCRIPT, 'up', this.prefix, String(this.hosts)], { stdio: 'pipe' });
  }

  /** Starts lanchat (discovery on) on host `host`, with a data folder of its own. */
  start(host, name, args = []) {
    if (!this.isUp || host < 1 || host > this.hosts) throw new Error(`no host ${host} on the LAN`);
    const dataDir = join(this.root, `${name}-${++this.#serial}`);
    const node = new LanNode({ prefix: this.prefix, host, name, dataDir, args });
    this.nodes.add(node);
    void node.exited.then(() => this.nodes.delete(node));
    return node;
  }

  /** Silently detaches host `i` from the bridge. Resolves with the time the command finished (the cut is in place). */
  cut(i) {
    this.cutHosts.add(i);
    return this.#script('cut', String(i));
  }

  heal(i) {
    this.cutHosts.delete(i);
    return this.#script('heal', String(i));
  }

  /** SIGKILLs every process still running (by PID) and waits for them, at most `timeoutMs`. */
  async killAll(timeoutMs = 3_000) {
    const nodes = [...this.nodes];
    await Promise.race([Promise.all(nodes.map((n) => n.kill('SIGKILL'))), sleep(timeoutMs)]);
  }

  async down() {
    await this.killAll();
    this.cleanupSync();
  }

  /** For exit and signal handlers: SIGKILL by PID, heal, remove the namespaces and the data folders. */
  cleanupSync() {
    for (const n of this.nodes) {
      if (n.alive && n.pid > 0) {
        try {
          process.kill(n.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (this.isUp) {
      this.isUp = false;
      try {
        execFileSync('bash', [LAN_SCRIPT, 'down', this.prefix], { stdio: 'pipe' });
      } catch (err) {
        process.stderr.write(`bench:lan: could not remove the namespaces: ${err.message}\n`);
      }
    }
    if (existsSync(this.root)) rmSync(this.root, { recursive: true, force: true });
  }

  #script(...args) {
    return new Promise((resolve, reject) => {
      execFile('bash', [LAN_SCRIPT, args[0], this.prefix, ...args.slice(1)], { timeout: 10_000 }, (err) =>
        err ? reject(err) : resolve(now()),
      );
    });
  }
}
