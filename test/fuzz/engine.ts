import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Rng } from './random.js';

/**
 * One fuzz case. `bytes` is what the target is fed, cut into chunks at `cuts`; `variant` picks how the
 * target takes it (which decoder, which stage of a session), each target saying what its numbers mean.
 */
export interface FuzzInput {
  variant: number;
  bytes: Buffer;
  cuts: number[];
}

/** A target with its state (a relay, a store...), fed case after case. */
export interface Harness {
  /** Runs one case; throws when an invariant does not hold. */
  run(input: FuzzInput): void | Promise<void>;
  /** The checks too slow to make after every case (a well-behaved peer is still served...). */
  check(): Promise<void>;
  /** Ends the harness, checking what can only be checked at the end (everything stored is authentic). */
  close(): Promise<void>;
}

export interface FuzzTarget {
  name: string;
  /** Cases between two harness checks. */
  checkEvery: number;
  generate(rng: Rng): FuzzInput;
  open(): Promise<Harness>;
}

export interface Crash {
  target: string;
  seed: number;
  /** The case indexes whose inputs are kept: the failing case, or every case since the last check passed. */
  cases: number[];
  inputs: FuzzInput[];
  error: string;
}

export interface FuzzReport {
  target: string;
  seed: number;
  cases: number;
  seconds: number;
  crashes: Crash[];
}

/** Thrown by a harness when an invariant breaks: always a finding, never an expected outcome. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function invariant(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantError(typeof message === 'string' ? message : message());
}

/** Where this checkout is: stripped from stack traces, which end up in committed fixtures. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What is worth reporting of an error: its class, code, message, and where it was thrown. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return `non-error thrown: ${String(err)}`;
  const code = (err as { code?: unknown }).code;
  const where = err.stack?.split('\n').slice(1, 4).map((l) => l.trim().replaceAll(`file://${ROOT}`, '').replaceAll(ROOT, '')).join(' < ') ?? '';
  return `${err.name}${code === undefined ? '' : ` ${String(code)}`}: ${err.message}${where ? ` [${where}]` : ''}`;
}

/**
 * Runs up to `cases` cases of `target`, for at most `seconds`. Case i is generated from (seed, i) alone.
 * A failing case is kept with its input and the harness is opened afresh; errors that escape
 * asynchronously (an unhandled rejection) are pinned on the cases since the last passing check, since
 * one of those set them off. Stops collecting after `maxCrashes`.
 */
export async function fuzz(
  target: FuzzTarget,
  { seed, cases, seconds, maxCrashes = 10 }: { seed: number; cases: number; seconds: number; maxCrashes?: number },
): Promise<FuzzReport> {
  const crashes: Crash[] = [];
  const escaped: unknown[] = [];
  const onEscaped = (err: unknown): void => void escaped.push(err);
  process.on('uncaughtException', onEscaped);
  process.on('unhandledRejection', onEscaped);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let harness = await target.open();
  let sinceCheck: { index: number; input: FuzzInput }[] = [];
  const crash = async (kept: { index: number; input: FuzzInput }[], err: unknown): Promise<void> => {
    sinceCheck = [];
    // The harness may be wedged by what broke it: start again from a fresh one.
    await harness.close().catch(() => undefined);
    const culprit = kept.length > 1 ? await singleCulprit(target, kept, deadline) : undefined;
    // What the search set off is not news.
    escaped.length = 0;
    const found = culprit === undefined ? kept : [culprit.case];
    const error = culprit === undefined ? describeError(err) : culprit.error;
    crashes.push({ target: target.name, seed, cases: found.map((k) => k.index), inputs: found.map((k) => k.input), error });
    harness = await target.open();
  };
  let index = 0;
  try {
    for (; index < cases && performance.now() < deadline && crashes.length < maxCrashes; index++) {
      const input = target.generate(Rng.forCase(seed, index));
      sinceCheck.push({ index, input });
      try {
        await harness.run(input);
      } catch (err) {
        await crash([{ index, input }], err);
        continue;
      }
      if (escaped.length > 0) {
        await crash(sinceCheck, escaped.splice(0)[0]);
        continue;
      }
      if (sinceCheck.length >= target.checkEvery) {
        try {
          await harness.check();
          sinceCheck = [];
        } catch (err) {
          await crash(sinceCheck, err);
        }
      }
    }
    try {
      await harness.close();
    } catch (err) {
      crashes.push({ target: target.name, seed, cases: sinceCheck.map((k) => k.index), inputs: sinceCheck.map((k) => k.input), error: describeError(err) });
    }
    if (escaped.length > 0) {
      crashes.push({ target: target.name, seed, cases: [], inputs: [], error: describeError(escaped[0]) });
    }
  } finally {
    process.off('uncaughtException', onEscaped);
    process.off('unhandledRejection', onEscaped);
  }
  return { target: target.name, seed, cases: index, seconds: (performance.now() - started) / 1000, crashes };
}

/**
 * Of the cases since the last passing check (a failed check, or an error that escaped asynchronously),
 * the latest one that fails on its own, if any: a fixture of one case says what broke far better than
 * one of hundreds. Tried latest first, within the run's time.
 */
async function singleCulprit(
  target: FuzzTarget,
  kept: readonly { index: number; input: FuzzInput }[],
  deadline: number,
): Promise<{ case: { index: number; input: FuzzInput }; error: string } | undefined> {
  for (let i = kept.length - 1; i >= 0 && performance.now() < deadline; i--) {
    try {
      await replay(target, [kept[i]!.input]);
    } catch (err) {
      return { case: kept[i]!, error: describeError(err) };
    }
  }
  return undefined;
}

/** Feeds `inputs` to a fresh harness of `target`, then checks and closes it: throws where fuzz() would report. */
export async function replay(target: FuzzTarget, inputs: readonly FuzzInput[]): Promise<void> {
  const escaped: unknown[] = [];
  const onEscaped = (err: unknown): void => void escaped.push(err);
  process.on('uncaughtException', onEscaped);
  process.on('unhandledRejection', onEscaped);
  try {
    const harness = await target.open();
    try {
      for (const input of inputs) await harness.run(input);
      await harness.check();
    } finally {
      await harness.close();
    }
    if (escaped.length > 0) throw escaped[0];
  } finally {
    process.off('uncaughtException', onEscaped);
    process.off('unhandledRejection', onEscaped);
  }
}

/**
 * A fixture file: a crash as found, to be replayed by test/fuzz/fixtures.test.ts. Inputs are hex, or
 * when large (a frame near the size limit) gzipped and base64, so a fixture stays a small text file.
 */
export interface Fixture {
  target: string;
  seed: number | null;
  cases: number[];
  error: string;
  /** Why it is kept, when it is a seed fixture rather than a crash, or what was fixed. */
  note?: string;
  inputs: { variant: number; bytes?: string; gzip?: string; cuts: number[] }[];
}

const HEX_UP_TO = 4_096;

export function toFixture(crash: Crash): Fixture {
  return {
    target: crash.target,
    seed: crash.seed,
    cases: crash.cases,
    error: crash.error,
    inputs: crash.inputs.map((i) => ({
      variant: i.variant,
      ...(i.bytes.length <= HEX_UP_TO ? { bytes: i.bytes.toString('hex') } : { gzip: gzipSync(i.bytes, { level: 9 }).toString('base64') }),
      cuts: i.cuts,
    })),
  };
}

export function inputsOf(fixture: Fixture): FuzzInput[] {
  return fixture.inputs.map((i) => ({
    variant: i.variant,
    bytes: i.gzip !== undefined ? gunzipSync(Buffer.from(i.gzip, 'base64')) : Buffer.from(i.bytes ?? '', 'hex'),
    cuts: [...i.cuts],
  }));
}

/** Writes `fixture` as `<target>-<hash of its inputs>.json` in `dir`; returns the file name. */
export function writeFixture(dir: string, fixture: Fixture): string {
  const hash = createHash('sha256').update(JSON.stringify(fixture.inputs)).digest('hex').slice(0, 12);
  const name = `${fixture.target}-${hash}.json`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `${JSON.stringify(fixture, null, 2)}\n`);
  return name;
}
