import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Crash, fuzz, type FuzzTarget, toFixture, writeFixture } from './engine.js';
import { decodersTarget } from './targets/decoders.js';
import { memberTarget } from './targets/member.js';
import { parserTarget } from './targets/parser.js';
import { relayTarget } from './targets/relay.js';

/**
 * The fuzzer, as CI runs it: 100,000 cases from a fixed seed, split across the frame parser, the
 * decoders, and the relay's and the member's frame handling. The seed is fixed so that a red build is a
 * finding anyone reproduces from the commit alone, never a new path explored by chance on an unrelated
 * change; exploring is the long run's job (scripts/fuzz.mjs), whose finds become fixtures.
 *
 * scripts/fuzz.mjs runs this same file with the environment below set: another seed, more cases, a time
 * limit, and a folder to write each crash into.
 */
const env = process.env;
const SEED = env.LANCHAT_FUZZ_SEED === undefined ? 20_240_617 : Number(env.LANCHAT_FUZZ_SEED);
const TOTAL_CASES = env.LANCHAT_FUZZ_CASES === undefined ? 100_000 : Number(env.LANCHAT_FUZZ_CASES);
/** A long run stops at its time limit; CI runs every case, its bound being only a backstop against a hang. */
const TOTAL_SECONDS = env.LANCHAT_FUZZ_SECONDS === undefined ? undefined : Number(env.LANCHAT_FUZZ_SECONDS);
const OUT = env.LANCHAT_FUZZ_OUT;
const SUMMARY = env.LANCHAT_FUZZ_SUMMARY;

/**
 * Each target's share of the cases and of a long run's time. Handler cases cost far more than parser
 * cases (a member redials after every stream that breaks its connection), so they get fewer cases and
 * more of the time.
 */
const PLAN: { target: FuzzTarget; cases: number; time: number }[] = [
  { target: parserTarget, cases: 0.4, time: 0.15 },
  { target: decodersTarget, cases: 0.35, time: 0.1 },
  { target: relayTarget, cases: 0.21, time: 0.35 },
  { target: memberTarget, cases: 0.04, time: 0.4 },
];
/**
 * Only a backstop against a hang, never a speed target (speed is the benchmarks' business): the relay
 * target takes 9 s alone here, and ran past 25 s while the suite's process and LAN tests shared the two
 * cores with a second suite. Every case must still run: a hang or a crash fails.
 */
const CI_BACKSTOP_SECONDS = 60;

function describeCrashes(crashes: readonly Crash[]): string {
  return crashes
    .map((c) => `seed ${c.seed}, case(s) ${c.cases.join(',') || '?'}: ${c.error}${c.inputs.length === 1 ? `\n  input: ${c.inputs[0]!.bytes.toString('hex')} variant ${c.inputs[0]!.variant} cuts ${c.inputs[0]!.cuts.join(',')}` : ''}`)
    .join('\n');
}

describe(`fuzz (seed ${SEED})`, () => {
  for (const { target, cases: caseShare, time } of PLAN) {
    const cases = Math.max(1, Math.round(TOTAL_CASES * caseShare));
    const seconds = TOTAL_SECONDS === undefined ? CI_BACKSTOP_SECONDS : Math.max(1, TOTAL_SECONDS * time);
    it(`${target.name}: ${cases} cases`, { timeout: (seconds + 30) * 1000 }, async () => {
      const report = await fuzz(target, { seed: SEED, cases, seconds });
      const rate = Math.round(report.cases / report.seconds);
      console.log(`${target.name}: ${report.cases} cases in ${report.seconds.toFixed(2)} s (${rate} cases/s), seed ${SEED}`);
      const written = OUT === undefined ? [] : report.crashes.map((crash) => writeFixture(OUT, toFixture(crash)));
      if (SUMMARY !== undefined) {
        appendFileSync(SUMMARY, `${JSON.stringify({ target: target.name, cases: report.cases, seconds: report.seconds, crashes: report.crashes.length, fixtures: written })}\n`);
      }
      expect(report.crashes, `seed ${SEED}:\n${describeCrashes(report.crashes)}`).toHaveLength(0);
      if (TOTAL_SECONDS === undefined) {
        expect(report.cases, `ran ${report.cases} of ${cases} cases within ${seconds} s: the fuzzer got slower or hangs`).toBe(cases);
      }
    });
  }
});
