import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let sessions = 0;
/** The tmux channel a recorded session's program waits on (TmuxSession's `record`). */
const START_CHANNEL = 'lanchat-start';

/** Why tmux cannot be used here, or undefined when it can. */
export function tmuxUnavailable(): string | undefined {
  return spawnSync('tmux', ['-V']).status === 0 ? undefined : 'tmux is not installed (apt-get install tmux; .ci/run does)';
}

/**
 * A program running in a real terminal: a tmux session on a private server socket (so the user's own
 * tmux is never touched), driven with send-keys and read with capture-pane.
 */
export class TmuxSession {
  readonly socket = `lanchat-test-${process.pid}-${++sessions}`;
  readonly name = 'ui';
  readonly #dir = mkdtempSync(join(tmpdir(), 'lanchat-tmux-'));

  /**
   * `record`: a file that gets every byte the program writes to the terminal, from its first (tmux's
   * pipe-pane, set up before the program is let start).
   */
  constructor(command: string[], size: { columns: number; rows: number } = { columns: 80, rows: 24 }, options: { record?: string } = {}) {
    // tmux does not always record a pane's exit status (3.3a), so a shell around the program writes it down.
    // With a recording, the shell waits for tmux's signal that the pipe is in place before it starts the program.
    const start = options.record === undefined ? '' : `tmux -L ${this.socket} wait-for ${START_CHANNEL} && `;
    const wrapper = ['sh', '-c', `${start}"$@"; echo $? > "$STATUS_FILE"`, 'sh', ...command];
    this.#tmux('new-session', '-d', '-s', this.name, '-x', String(size.columns), '-y', String(size.rows), '-e', `STATUS_FILE=${this.#statusFile}`, '--', ...wrapper);
    // Keep the pane after the program exits, so that its last screen can still be read.
    this.#tmux('set-option', '-w', '-t', this.name, 'remain-on-exit', 'on');
    if (options.record !== undefined) {
      this.#tmux('pipe-pane', '-o', '-t', this.name, `cat >> '${options.record.replace(/'/g, `'\\''`)}'`);
      this.#tmux('wait-for', '-S', START_CHANNEL);
    }
  }

  get #statusFile(): string {
    return join(this.#dir, 'status');
  }

  /** The screen as text, one string per row (trailing spaces removed by tmux). */
  screen(): string[] {
    return this.#tmux('capture-pane', '-p', '-t', this.name).replace(/\n$/, '').split('\n');
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.#tmux('send-keys', '-t', this.name, '-l', text);
  }

  /**
   * Pastes `text` as a terminal does: tmux's paste-buffer turns each line break into a CR and, with -p,
   * brackets the paste (ESC[200~ … ESC[201~) when the program turned bracketed paste on.
   */
  paste(text: string): void {
    this.#tmux('set-buffer', '-b', 'lanchat-test', '--', text);
    this.#tmux('paste-buffer', '-p', '-d', '-b', 'lanchat-test', '-t', this.name);
  }

  /** Presses keys by tmux name: Enter, C-u, PageUp, M-2... */
  press(...keys: string[]): void {
    this.#tmux('send-keys', '-t', this.name, ...keys);
  }

  resize(columns: number, rows: number): void {
    this.#tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }

  /** The program's exit status once it has exited, else undefined. */
  exitStatus(): number | undefined {
    try {
      return Number(readFileSync(this.#statusFile, 'utf8').trim());
    } catch {
      return undefined;
    }
  }

  /**
   * Polls the screen until `check` accepts it (the terminal gives no event to wait on); fails after
   * `timeoutMs` showing the last screen.
   */
  async waitForScreen(check: (rows: string[]) => boolean, timeoutMs = 8_000, what = 'the expected screen'): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let rows = this.screen();
    while (!check(rows)) {
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms; the screen:\n${rows.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 40));
      rows = this.screen();
    }
    return rows;
  }

  async waitForText(text: string, timeoutMs?: number): Promise<string[]> {
    return this.waitForScreen((rows) => rows.some((r) => r.includes(text)), timeoutMs, `"${text}" on screen`);
  }

  async waitForExit(timeoutMs = 8_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`the program did not exit within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  /** Ends this session's private tmux server, which hangs up on the program (SIGHUP) if it still runs. */
  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}
