import { safeText } from '../../chat/safe-text.js';
import type { MessageView } from '../../chat/views.js';
import { bounded, dueAt, flush, type GateState, initialGate, offer, worthNotifying } from '../../ui/notify-policy.js';
import { WEB_WORDS } from '../../ui/web-words.js';

/**
 * Browser notifications, as the full screen raises desktop ones (ui/notify-policy.ts, pure): a private
 * line or a mention, live, only while the tab is hidden, at most one every 5 s with what came meanwhile
 * summed up. Asked for on a click (browsers allow no other way); nothing is raised without the permission.
 */
export class Alerts {
  #gate: GateState = initialGate();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** A live line worth a notification (model.ts Effects.notify); `hidden`: the tab is not shown. */
  message(m: MessageView, nick: string, highlights: readonly string[], hidden: boolean, now: number): void {
    const worthy = worthNotifying(m, nick, highlights);
    if (worthy === undefined) return;
    const { state, show } = offer(this.#gate, worthy, now, !hidden);
    this.#gate = bounded(state);
    if (show !== undefined) raise(WEB_WORDS.noticeIn(safeText(m.from), m.room === null ? WEB_WORDS.privately : WEB_WORDS.inRoom(safeText(m.room))), safeText(m.text), m.room ?? `@${m.from}`);
    this.#arm(now);
  }

  /** The tab is shown: what was held is seen there. */
  shown(now: number): void {
    this.#gate = flush(this.#gate, now, true).state;
    this.#arm(now);
  }

  #arm(now: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const due = dueAt(this.#gate);
    if (due === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const at = Date.now();
      const { state, show } = flush(this.#gate, at, document.visibilityState === 'visible');
      this.#gate = state;
      if (show?.kind === 'summary') raise(WEB_WORDS.title, WEB_WORDS.summary(show.count, show.senders.map(safeText), show.others), 'summary');
      this.#arm(at);
    }, Math.max(0, due - now));
  }
}

function raise(title: string, body: string, tag: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  new Notification(title, { body, tag });
}
