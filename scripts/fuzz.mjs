/**
 * `npm run fuzz`: the long fuzz run, for developers. The same targets and invariants as CI's
 * test/fuzz/fuzz.test.ts, with another seed, more cases and a time limit:
 *
 *   node scripts/fuzz.mjs [--seed S] [--cases N] [--seconds T]
 *
 * Defaults: a seed from the clock (printed: pass it back to get the same cases), 1,000,000 cases, 300 s;
 * the run stops at whichever bound comes first, each target getting its share of both. Every crash is
 * written to test/fixtures/fuzz/<target>-<hash>.json with its seed, case index and error; commit it with
 * the fix, and test/fuzz/fixtures.test.ts replays it from then on.
 *
 * The targets are TypeScript run against src/, so this runs them under vitest (progress on stderr); the
 * build comes first (`npm run fuzz` does it) because the protobuf code is generated there. The last line
 * on stdout is a JSON summary: {"seed", "cases", "seconds", "crashes", "fixtures", "targets"}. Exit code 0
 * when nothing was found, 1 otherwise. Nothing leaves the process: sockets are in memory, no mDNS.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

function positive(name, text, fallback) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0 || (name !== 'seed' && value === 0)) {
    console.error(`--${name} takes a whole number${name === 'seed' ? '' : ' above 0'}, not "${text}"`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: { seed: { type: 'string' }, cases: { type: 'string' }, seconds: { type: 'string' } },
  strict: true,
});
const seed = positive('seed', values.seed, Date.now() % 0x1_0000_0000);
const cases = positive('cases', values.cases, 1_000_000);
const seconds = positive('seconds', values.seconds, 300);

const work = mkdtempSync(join(tmpdir(), 'lanchat-fuzz-'));
const summaryFile = join(work, 'summary.jsonl');
console.error(`fuzzing with seed ${seed}: up to ${cases} cases, up to ${seconds} s`);

const started = Date.now();
const child = spawn(join(root, 'node_modules/.bin/vitest'), ['run', 'test/fuzz/fuzz.test.ts'], {
  cwd: root,
  env: {
    ...process.env,
    LANCHAT_FUZZ_SEED: String(seed),
    LANCHAT_FUZZ_CASES: String(cases),
    LANCHAT_FUZZ_SECONDS: String(seconds),
    LANCHAT_FUZZ_OUT: join(root, 'test/fixtures/fuzz'),
    LANCHAT_FUZZ_SUMMARY: summaryFile,
  },
  stdio: ['ignore', process.stderr, process.stderr],
});
const code = await new Promise((resolve) => child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));

let targets = [];
try {
  targets = readFileSync(summaryFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
} catch {
  // No summary: vitest failed before any target ran (its output above says why).
}
rmSync(work, { recursive: true, force: true });
const crashes = targets.reduce((n, t) => n + t.crashes, 0);
console.log(
  JSON.stringify({
    seed,
    cases: targets.reduce((n, t) => n + t.cases, 0),
    seconds: Math.round((Date.now() - started) / 100) / 10,
    crashes,
    fixtures: targets.flatMap((t) => t.fixtures.map((f) => `test/fixtures/fuzz/${f}`)),
    targets: targets.map(({ target, cases: n, seconds: s, crashes: c }) => ({ target, cases: n, seconds: Math.round(s * 10) / 10, crashes: c })),
  }),
);
process.exit(crashes > 0 || code !== 0 || targets.length === 0 ? 1 : 0);
