import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LANCHAT_BIN, LanchatProcess } from '../helpers/lanchat-process.js';

// mDNS stays off: these run in the host's namespace.
const run = (...args: string[]) =>
  spawnSync(process.execPath, [LANCHAT_BIN, '--no-discovery', ...args], { encoding: 'utf8', timeout: 10_000 });

// The real binary, as a user types it.
describe('lanchat command line', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-cli-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints help with every option', () => {
    const { status, stdout } = run('--help');
    expect(status).toBe(0);
    for (const option of ['--name', '--host', '--connect', '--port', '--data', '--network', '--json', '--version']) {
      expect(stdout).toContain(option);
    }
  });

  it('prints the package version', () => {
    const { status, stdout } = run('--version');
    expect(status).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses a bad option value with one line and exit code 2, starting nothing', () => {
    const { status, stderr, stdout } = run('--connect', 'nowhere');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^lanchat: --connect "nowhere": expected HOST:PORT/)]);
  });

  it('reports a usage error as a JSON error event in --json mode', () => {
    const { status, stdout } = run('--json', '--name', 'has space');
    expect(status).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ event: 'error', code: 'USAGE' });
  });

  it('refuses a data folder already in use, in one line', async () => {
    const data = join(root, 'shared');
    const first = new LanchatProcess(['--host', '--name', 'first', '--data', data]);
    try {
      await first.waitFor('ready');
      const { status, stderr } = run('--host', '--name', 'second', '--data', data);
      expect(status).toBe(1);
      expect(stderr).toMatch(/^lanchat: the data folder .* is in use by another lanchat \(pid \d+\)/);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await first.kill();
    }
  });

  it('leaves cleanly and exits 0 on SIGINT', async () => {
    const node = new LanchatProcess(['--host', '--name', 'sig', '--data', join(root, 'sig')]);
    await node.waitFor('role');
    expect(await node.kill('SIGINT')).toBe(0);
  });
});
