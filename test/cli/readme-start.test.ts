import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

// The README's first command starts the program at once: not through npx, which in the checkout installs
// and builds a second copy (14 s) before it runs (issue 16 item 15).
describe("the README's install-and-run command", () => {
  const data = mkdtempSync(join(tmpdir(), 'lanchat-start-'));
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('is npm install, then npm start, which runs the built program', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const first = /```sh\n([^`]*)```/.exec(readme)?.[1]?.trim();
    expect(first).toBe('npm install && npm start');
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe('node bin/lanchat.js');
  });

  // How fast is a benchmark's matter (BENCHMARKS.md, "first start"); what can fail here is that npm start
  // rebuilds or reinstalls before it runs: the built program must be started as it is.
  it('starts the built program as it is, without building it again', async () => {
    const built = statSync(new URL('dist/cli/main.js', root)).mtimeMs;
    const entry = statSync(new URL('bin/lanchat.js', root)).mtimeMs;
    const child = spawn('npm', ['start', '--silent', '--', '--json', '--no-discovery', '--name', 'starter', '--data', data], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before lanchat was ready`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('"event":"ready"')) resolve();
      });
    });
    child.stdin.end(); // end of input: lanchat quits
    await new Promise((resolve) => child.once('exit', resolve));
    expect(statSync(new URL('dist/cli/main.js', root)).mtimeMs).toBe(built);
    expect(statSync(new URL('bin/lanchat.js', root)).mtimeMs).toBe(entry);
  });
});
