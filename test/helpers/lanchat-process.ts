import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Waiters } from './waiters.js';

export const LANCHAT_BIN = fileURLToPath(new URL('../../bin/lanchat.js', import.meta.url));

/** One event line printed by `lanchat --json`. */
export type LanchatEvent = Record<string, unknown> & { event: string };

/**
 * A real `lanchat --json` process: the tests drive it through stdin and read its events, exactly as a
 * script or bot would.
 */
export class LanchatProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: LanchatEvent[] = [];
  readonly stderr: string[] = [];
  readonly #waiters = new Waiters();
  readonly exited: Promise<number | null>;

  /**
   * `command` runs the program (e.g. inside a network namespace). Unless `discovery` is set, mDNS is off:
   * these processes run in the host's namespace, whose multicast would leave the machine.
   */
  constructor(args: string[], options: { env?: NodeJS.ProcessEnv; discovery?: boolean; command?: string[] } = {}) {
    const argv = [LANCHAT_BIN, '--json', ...(options.discovery ? [] : ['--no-discovery']), ...args];
    const [program, ...prefix] = options.command ?? [process.execPath];
    this.child = spawn(program!, [...prefix, ...(options.command ? [process.execPath] : []), ...argv], {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.events.push(JSON.parse(line) as LanchatEvent);
      this.#waiters.notify();
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => this.#waiters.notify());
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Types a line, as a user would. */
  send(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Events of one kind matching `match` seen so far. */
  all(event: string, match: (e: LanchatEvent) => boolean = () => true): LanchatEvent[] {
    return this.events.filter((e) => e.event === event && match(e));
  }

  /** Resolves with the first event (past or future) of that kind matching `match`; rejects after the timeout. */
  waitFor(event: string, match: (e: LanchatEvent) => boolean = () => true, timeoutMs = 8_000): Promise<LanchatEvent> {
    return this.#waiters.until(
      () => {
        const found = this.events.find((e) => e.event === event && match(e));
        if (found === undefined && this.child.exitCode !== null) {
          throw new Error(`lanchat exited (${this.child.exitCode}) before ${event}; stderr: ${this.stderr.join(' | ')}`);
        }
        return found;
      },
      timeoutMs,
      () => `no ${event} event within ${timeoutMs} ms; saw: ${JSON.stringify(this.events.slice(-8))}`,
    );
  }

  /** Resolves when an event arrives after the first `seen` events (or at once if one already has). */
  nextEvent(seen: number, timeoutMs: number): Promise<LanchatEvent> {
    return this.#waiters.until(() => this.events[seen], timeoutMs, () => `no event within ${timeoutMs} ms`);
  }

  /** Waits for a chat message with this text. */
  waitForText(text: string, timeoutMs?: number): Promise<LanchatEvent> {
    return this.waitFor('message', (e) => e.text === text, timeoutMs);
  }

  messages(text: string): LanchatEvent[] {
    return this.all('message', (e) => e.text === text);
  }

  /** Ends stdin (a clean leave) and waits for the exit code. */
  async quit(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Starts lanchat processes and removes them and their data folders when the test file is done. */
export class Cluster {
  readonly processes: LanchatProcess[] = [];
  readonly #root = mkdtempSync(join(tmpdir(), 'lanchat-test-'));

  dataDir(name: string): string {
    return join(this.#root, name);
  }

  start(name: string, args: string[] = []): LanchatProcess {
    const proc = new LanchatProcess(['--name', name, '--data', this.dataDir(name), ...args]);
    this.processes.push(proc);
    return proc;
  }

  /** Starts a relay and waits until it has a port. */
  async relay(name: string, args: string[] = []): Promise<{ proc: LanchatProcess; port: number }> {
    const proc = this.start(name, ['--host', ...args]);
    await proc.waitFor('role', (e) => e.role === 'relay');
    const ready = await proc.waitFor('ready');
    return { proc, port: ready.port as number };
  }

  /** Starts a member of the relay at `port` and waits until it has joined. */
  async member(name: string, port: number, args: string[] = []): Promise<LanchatProcess> {
    const proc = this.start(name, ['--connect', `127.0.0.1:${port}`, ...args]);
    await proc.waitFor('role', (e) => e.role === 'member');
    return proc;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill('SIGKILL')));
    rmSync(this.#root, { recursive: true, force: true });
  }
}
