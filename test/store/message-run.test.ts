import { describe, expect, it } from 'vitest';
import { A, B, runMessage } from '../helpers/run-message.js';
import { decodeRun, encodeRun, RUN_BYTES, RUN_MESSAGES, splitRuns } from '../../src/store/message-run.js';

const msg = runMessage;
const spans = (runs: { origin: string; seq: number }[][]): string[] => runs.map((r) => `${r[0]!.origin.slice(0, 2)}:${r[0]!.seq}-${r.at(-1)!.seq}`);

describe('message runs', () => {
  it('splits messages into runs of one origin’s consecutive seqs, whatever order they come in', () => {
    const runs = splitRuns([msg(A, 3), msg(B, 1), msg(A, 1), msg(A, 2), msg(A, 5), msg(B, 2), msg(A, 6)]);
    expect(spans(runs)).toEqual(['a1:1-3', 'a1:5-6', 'b2:1-2']);
  });

  it('cuts a run at its bounds on messages and on bytes', () => {
    const many = Array.from({ length: RUN_MESSAGES * 2 + 1 }, (_, i) => msg(A, i + 1));
    expect(splitRuns(many).map((r) => r.length)).toEqual([RUN_MESSAGES, RUN_MESSAGES, 1]);
    const big = Math.floor(RUN_BYTES / 3) + 1; // three of them pass RUN_BYTES
    expect(splitRuns([1, 2, 3, 4].map((seq) => msg(A, seq, big))).map((r) => r.length)).toEqual([2, 2]);
    // One message bigger than a run's bytes still gets a run.
    expect(splitRuns([msg(A, 1, RUN_BYTES + 1), msg(A, 2)]).map((r) => r.length)).toEqual([1, 1]);
  });

  it('round-trips a run, and reads a part of it', () => {
    const messages = [new Uint8Array(0), new Uint8Array(127).fill(1), new Uint8Array(128).fill(2), new Uint8Array(70_000).fill(3)];
    const value = encodeRun(messages);
    expect(value.length).toBe(1 + 0 + 1 + 127 + 2 + 128 + 3 + 70_000);
    expect(decodeRun(value, 4).map((m) => Buffer.from(m))).toEqual(messages.map((m) => Buffer.from(m)));
    expect(decodeRun(value, 4, 1, 2).map((m) => m.length)).toEqual([127, 128]);
    expect(decodeRun(value, 4, 3).map((m) => m.length)).toEqual([70_000]);
  });

  it('refuses a run that does not hold what its key says', () => {
    const value = encodeRun([new Uint8Array(5), new Uint8Array(300)]);
    expect(() => decodeRun(value, 3)).toThrow(/cut short/);
    expect(() => decodeRun(value, 1)).toThrow(/longer than its key says/);
    expect(() => decodeRun(value.subarray(0, value.length - 1), 2)).toThrow(/cut short/);
    expect(() => decodeRun(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), 1)).toThrow(/out of range/);
  });
});
