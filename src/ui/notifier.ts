import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { safeText } from '../chat/safe-text.js';
import type { MessageView } from '../chat/views.js';
import { bounded, dueAt, flush, type GateState, initialGate, type Notification, offer, worthNotifying } from './notify-policy.js';
import { notificationText } from './words.js';

export interface NotifierOptions {
  /** false: --no-notify. */
  enabled: boolean;
  /** --highlight words: a line holding one is a mention too. */
  highlights: readonly string[];
  /** Rings the terminal bell (where notify-send is missing). */
  bell: () => void;
  /** The notify-send found on PATH, if any (findNotifySend). */
  notifySend: string | undefined;
  now?: () => number;
}

/** A notification's body is a line at most this long (the rest is cut with "…"). */
const BODY_CHARS = 200;

/** xterm focus reporting: once turned on, the terminal sends CSI I on focus in and CSI O on focus out. */
export const FOCUS_REPORTS_ON = '\x1b[?1004h';
export const FOCUS_REPORTS_OFF = '\x1b[?1004l';

/** What a focus report (a key sequence as node:readline decodes it) says: true in, false out, undefined for any other key. */
export function focusReport(sequence: string | undefined): boolean | undefined {
  return sequence === '\x1b[I' ? true : sequence === '\x1b[O' ? false : undefined;
}

/**
 * Carries out the notification policy (ui/notify-policy.ts) for a terminal face, the full screen and
 * line mode alike (--json never notifies: a program reads it): a desktop notification
 * through notify-send where it exists (its arguments passed as such: no shell), the terminal bell
 * otherwise; one timer for a held summary; the terminal's focus reports (CSI ? 1004 h) say when not to.
 * A terminal that never reports focus counts as unfocused.
 */
export class Notifier {
  readonly #options: NotifierOptions;
  readonly #now: () => number;
  #state: GateState = initialGate();
  #focused = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: NotifierOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** A message event shown to this user (`nick`): raises a notification if it is worth one. */
  message(view: MessageView, nick: string): void {
    if (!this.#options.enabled) return;
    const worthy = worthNotifying(view, nick, this.#options.highlights);
    if (worthy === undefined) return;
    const { state, show } = offer(this.#state, worthy, this.#now(), this.#focused);
    this.#state = bounded(state);
    if (show !== undefined) this.#raise(show);
    this.#arm();
  }

  /** The terminal reported focus in (true) or out. */
  focus(inside: boolean): void {
    this.#focused = inside;
    if (inside) this.#state = flush(this.#state, this.#now(), true).state;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const due = dueAt(this.#state);
    if (due === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const { state, show } = flush(this.#state, this.#now(), this.#focused);
      this.#state = state;
      if (show !== undefined) this.#raise(show);
      this.#arm();
    }, Math.max(0, due - this.#now()));
    this.#timer.unref();
  }

  #raise(notification: Notification): void {
    const path = this.#options.notifySend;
    if (path === undefined) {
      this.#options.bell();
      return;
    }
    const { title, body } = notificationText(notification);
    const chars = [...safeText(body)];
    const shortBody = chars.length > BODY_CHARS ? `${chars.slice(0, BODY_CHARS - 1).join('')}…` : chars.join('');
    try {
      const child = spawn(path, ['--app-name=lanchat', safeText(title), shortBody], { stdio: 'ignore' });
      child.on('error', () => this.#options.bell()); // gone since it was found: the bell, then
      child.unref();
    } catch {
      this.#options.bell();
    }
  }
}

/** The notify-send program on `path` (PATH), if one is there and may be run. */
export function findNotifySend(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'notify-send');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
