import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { LanchatProcess } from './lanchat-process.js';

const LAN_SCRIPT = fileURLToPath(new URL('../../scripts/lan.sh', import.meta.url));

/** Why namespace LANs cannot be built here, or undefined when they can. */
export function lanUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_SYS_ADMIN)';
  if (spawnSync('ip', ['netns', 'list']).status !== 0) return 'the ip command (iproute2) is missing';
  return undefined;
}

/**
 * Says loudly when the LAN tests cannot run. In CI they must: a silent skip there would hide a broken
 * build machine, so it is an error instead.
 */
export function lanTestsRunnable(): boolean {
  const why = lanUnavailable();
  if (why === undefined) return true;
  if (process.env.CI) throw new Error(`LAN tests cannot run in CI: ${why}`);
  console.warn(`\n*** SKIPPING the LAN tests (network namespaces): ${why} ***\n`);
  return false;
}

/**
 * The namespace prefix a test file asked for, behind LANCHAT_NS_TAG when that is set: two checkouts of
 * lanchat (worktrees) can then run the same LAN test at once without tearing down each other's hosts.
 */
export function nsPrefix(prefix: string): string {
  const tag = process.env.LANCHAT_NS_TAG ?? '';
  if (!/^[a-z0-9]{0,6}$/.test(tag)) throw new Error(`LANCHAT_NS_TAG must be up to 6 lower-case letters or digits, not "${tag}"`);
  return `${tag}${prefix}`;
}

/**
 * A LAN of network namespaces (scripts/lan.sh) with real lanchat processes on its hosts, mDNS on. Every
 * test file uses its own prefix; `down()` kills what it started and removes the namespaces.
 */
export class Lan {
  readonly prefix: string;
  readonly hosts: number;
  readonly processes: LanchatProcess[] = [];
  readonly #root = mkdtempSync(join(tmpdir(), 'lanchat-lan-'));

  constructor(prefix: string, hosts: number) {
    this.prefix = nsPrefix(prefix);
    this.hosts = hosts;
  }

  up(): void {
    this.#script('up', String(this.hosts));
  }

  /** Kills every lanchat started so far (between tests: each test starts its own network). */
  async killAll(): Promise<void> {
    await Promise.all(this.processes.splice(0).map((p) => p.kill('SIGKILL')));
  }

  async down(): Promise<void> {
    await this.killAll();
    this.#script('down');
    rmSync(this.#root, { recursive: true, force: true });
  }

  /** The folder holding every node's data folder (named after the node). */
  get dataRoot(): string {
    return this.#root;
  }

  address(host: number): string {
    return `10.77.0.${host}`;
  }

  /** Starts lanchat on a host (with discovery on), as `name`, with its own data folder. */
  start(host: number, name: string, args: string[] = []): LanchatProcess {
    const proc = new LanchatProcess(['--name', name, '--data', join(this.#root, name), ...args], {
      discovery: true,
      command: ['ip', 'netns', 'exec', `${this.prefix}-n${host}`],
    });
    this.processes.push(proc);
    return proc;
  }

  /** Silently detaches a host from the bridge (a partition), or attaches it again. */
  cut(host: number): void {
    this.#script('cut', String(host));
  }

  heal(host: number): void {
    this.#script('heal', String(host));
  }

  #script(...args: string[]): void {
    execFileSync('bash', [LAN_SCRIPT, args[0]!, this.prefix, ...args.slice(1)], { stdio: 'pipe' });
  }
}

/**
 * The LAN of a describe block: built before its tests, every lanchat killed after each test (each test
 * starts its own network), removed after the last.
 */
export function lanForSuite(prefix: string, hosts: number): Lan {
  const lan = new Lan(prefix, hosts);
  beforeAll(() => lan.up());
  afterEach(() => lan.killAll());
  afterAll(() => lan.down());
  return lan;
}
