import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A stand-in `notify-send` in a folder of its own, to put first on a lanchat's PATH: it writes down its
 * arguments, which is what a desktop would be asked to show (LAB.md: the real one may be absent).
 */
export class StandInNotifySend {
  /** The folder holding it (for PATH), and any other file a test wants beside it. */
  readonly bin = mkdtempSync(join(tmpdir(), 'lanchat-notify-'));
  readonly #calls = join(this.bin, 'calls.txt');

  constructor() {
    writeFileSync(join(this.bin, 'notify-send'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> "${this.#calls}"\nprintf '\\n' >> "${this.#calls}"\n`);
    chmodSync(join(this.bin, 'notify-send'), 0o755);
  }

  /** PATH with the stand-in first. */
  get path(): string {
    return `${this.bin}:${process.env.PATH ?? ''}`;
  }

  /** Each call so far: its arguments. */
  calls(): string[][] {
    let text = '';
    try {
      text = readFileSync(this.#calls, 'utf8');
    } catch {
      return [];
    }
    return text.split('\u0000\n').filter((c) => c !== '').map((c) => c.split('\u0000'));
  }

  remove(): void {
    rmSync(this.bin, { recursive: true, force: true });
  }
}
