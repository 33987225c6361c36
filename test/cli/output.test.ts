import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { LANCHAT_BIN } from '../helpers/lanchat-process.js';
import { Waiters } from '../helpers/waiters.js';

/**
 * A transcript: what a lone `lanchat --no-discovery --name ann` printed on start, then, after each line
 * typed ("> line"), what that line made it print. Recorded from lanchat as it was before the faces went
 * through the session (a719c2f), normalized (node ids, ids, ports, times, addresses): the output of
 * --json is a stable format (README), and line mode's words are the users'.
 */
interface Transcript {
  start: string[];
  steps: { input: string; output: string[] }[];
}

function readTranscript(name: string): Transcript {
  const lines = readFileSync(new URL(`../fixtures/output/${name}`, import.meta.url), 'utf8').replace(/\n$/, '').split('\n');
  const transcript: Transcript = { start: [], steps: [] };
  for (const line of lines) {
    if (line.startsWith('> ')) transcript.steps.push({ input: line.slice(2), output: [] });
    else (transcript.steps.at(-1)?.output ?? transcript.start).push(line);
  }
  return transcript;
}

function normalizer(): (line: string) => string {
  const ids = new Map<string, string>();
  return (line) =>
    line
      .replace(/\b[0-9a-f]{64}\b/g, (m) => ids.get(m) ?? (ids.set(m, `NODE${ids.size + 1}`), `NODE${ids.size}`))
      .replace(/\b[0-9a-f]{16}-(\d+)\b/g, 'ID-$1')
      .replace(/"(port|ts|retryInMs)":\d+/g, '"$1":0')
      .replace(/"host":"[^"]*"/g, '"host":"HOST"')
      .replace(/\(node [0-9a-f]{8}\)/g, '(node NODE)')
      .replace(/^\[\d\d:\d\d\]/, '[HH:MM]')
      .replace(/--connect \S+\)$/, '--connect HOST:PORT)');
}

describe('what lanchat prints for every command', () => {
  const root = mkdtempSync(join(tmpdir(), 'lanchat-output-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function replay(mode: '--json' | '--plain', name: string): Promise<void> {
    const transcript = readTranscript(name);
    const child = spawn(process.execPath, [LANCHAT_BIN, mode, '--no-discovery', '--name', 'ann', '--data', join(root, mode)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const normalize = normalizer();
    const printed: string[] = [];
    const waiters = new Waiters();
    createInterface({ input: child.stdout }).on('line', (line) => {
      printed.push(normalize(line));
      waiters.notify();
    });
    void exited.then(() => waiters.notify());
    // Each line is typed once the previous one has printed all it printed then.
    const printedAll = (count: number): Promise<true> =>
      waiters.until(
        () => {
          if (printed.length >= count) return true;
          if (child.exitCode !== null) throw new Error(`lanchat exited after printing ${JSON.stringify(printed)}`);
          return undefined;
        },
        8_000,
        () => `lanchat printed ${printed.length} of ${count} lines: ${JSON.stringify(printed.slice(-5))}`,
      );
    try {
      let count = transcript.start.length;
      await printedAll(count);
      for (const step of transcript.steps) {
        if (step.input === '(end of input)') child.stdin.end();
        else child.stdin.write(`${step.input}\n`);
        count += step.output.length;
        await printedAll(count);
      }
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const expected = [...transcript.start, ...transcript.steps.flatMap((s) => s.output)];
    expect(printed).toEqual(expected);
  }

  it('prints the same --json lines, byte for byte', () => replay('--json', 'json.txt'));

  it('prints the same lines in line mode', () => replay('--plain', 'plain.txt'));
});
