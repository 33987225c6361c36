import { WEB_WORDS } from '../../ui/web-words.js';
import { h } from './dom.js';
import { dayOf, type Line, markerIndex } from './lines.js';
import type { Convo } from './model.js';
import { rowOf } from './rows.js';
import { type Span, spanAfter } from './window.js';

/** Lines in the DOM at once, and how many come in when the reader reaches an end of them. */
export const SPAN_SIZE = 200;
export const SPAN_STEP = 60;
/** How close to an end of the pane (px) counts as reaching it. */
const EDGE = 48;

/**
 * The message pane: a window of at most SPAN_SIZE lines of the conversation shown (window.ts), rebuilt
 * from cached rows when something changed; scrolling to its top brings earlier lines in, then asks the node
 * for older history; to its bottom, later lines, then follows the newest.
 */
export class Pane {
  #span: Span = { start: 0, end: 0, follow: true };
  #key: string | undefined;
  #rows = new WeakMap<Line, HTMLElement>();
  #convo: Convo | undefined;
  #settingScroll = false;

  constructor(
    readonly scroller: HTMLElement,
    readonly inner: HTMLElement,
    readonly onTop: (convo: Convo) => void,
    /** The reader left the newest lines, or came back to them. */
    readonly onFollow: (following: boolean) => void = () => undefined,
  ) {
    scroller.addEventListener('scroll', () => {
      const was = this.#span.follow;
      this.#onScroll();
      if (this.#span.follow !== was) onFollow(this.#span.follow);
    }, { passive: true });
  }

  get following(): boolean {
    return this.#span.follow;
  }

  render(c: Convo | undefined): void {
    this.#convo = c;
    if (c === undefined) {
      this.inner.replaceChildren();
      this.#key = undefined;
      return;
    }
    const total = c.list.lines.length;
    if (c.key !== this.#key) {
      this.#key = c.key;
      this.#span = spanAfter(this.#span, { kind: 'bottom', total }, SPAN_SIZE, SPAN_STEP);
    } else {
      const atTop = !this.#span.follow && c.addedBefore > 0 && this.#span.start === 0 && this.scroller.scrollTop < EDGE;
      this.#span = spanAfter(this.#span, { kind: 'changed', total, addedBefore: c.addedBefore, removedBefore: c.removedBefore }, SPAN_SIZE, SPAN_STEP);
      // Older history came while the reader waited at the top: it comes into the window above them.
      if (atTop) this.#span = spanAfter(this.#span, { kind: 'up', total }, SPAN_SIZE, SPAN_STEP);
    }
    c.addedBefore = 0;
    c.removedBefore = 0;
    this.#paint(c);
  }

  #paint(c: Convo): void {
    const anchor = this.#span.follow ? undefined : this.#anchor();
    const lines = c.list.lines.slice(this.#span.start, this.#span.end);
    const nodes: Node[] = [];
    if (this.#span.start === 0 && c.older !== 'unknown') {
      nodes.push(h('div', { class: `edge ${c.older}` }, c.older === 'loading' ? WEB_WORDS.olderLoading : WEB_WORDS.olderEnd));
    }
    let day: string | undefined;
    const marker = markerIndex(c.list.lines, c.marker) - this.#span.start;
    for (const [i, line] of lines.entries()) {
      if (i === marker) nodes.push(h('div', { class: 'marker' }, h('span', {}, WEB_WORDS.newSince)));
      const d = dayOf(line.ts);
      if (d !== day) nodes.push(h('div', { class: 'day' }, h('span', {}, d)));
      day = d;
      let row = this.#rows.get(line);
      if (row === undefined) {
        row = rowOf(line);
        this.#rows.set(line, row);
      }
      nodes.push(row);
    }
    this.#place(nodes);
    this.#settingScroll = true;
    if (anchor === undefined) this.scroller.scrollTop = this.scroller.scrollHeight;
    else if (anchor.row.isConnected) this.scroller.scrollTop = anchor.row.offsetTop - anchor.offset;
    requestAnimationFrame(() => (this.#settingScroll = false));
  }

  /**
   * Makes the pane's children `nodes`, moving none of the rows that stay: during a burst most of the
   * window's rows are the same from one frame to the next, and replacing them all had the browser style
   * and lay out 200 rows a frame (40-80 ms a frame in test/web/burst.test.ts, tasks over 100 ms).
   */
  #place(nodes: readonly Node[]): void {
    const keep = new Set(nodes);
    for (const child of [...this.inner.childNodes]) if (!keep.has(child)) child.remove();
    let at = this.inner.firstChild;
    for (const node of nodes) {
      if (node === at) at = at.nextSibling;
      else this.inner.insertBefore(node, at);
    }
  }

  /** The first row in view and how far below the top it is: kept in place through a repaint. */
  #anchor(): { row: HTMLElement; offset: number } | undefined {
    const top = this.scroller.scrollTop;
    // Lines only: a date line or the top's "loading" line may not be there after the repaint.
    for (const child of this.inner.children) {
      const row = child as HTMLElement;
      if (row.classList.contains('line') && row.offsetTop + row.offsetHeight > top) return { row, offset: row.offsetTop - top };
    }
    return undefined;
  }

  #onScroll(): void {
    const c = this.#convo;
    if (c === undefined || this.#settingScroll) return;
    const s = this.scroller;
    const total = c.list.lines.length;
    if (s.scrollTop < EDGE) {
      if (this.#span.start > 0) {
        this.#span = spanAfter(this.#span, { kind: 'up', total }, SPAN_SIZE, SPAN_STEP);
        this.#paint(c);
      } else if (c.older === 'unknown') {
        this.#span = { ...this.#span, follow: false };
        this.onTop(c);
      } else this.#span = { ...this.#span, follow: false };
      return;
    }
    if (s.scrollHeight - s.scrollTop - s.clientHeight < EDGE) {
      if (this.#span.end < total) {
        this.#span = spanAfter(this.#span, { kind: 'down', total }, SPAN_SIZE, SPAN_STEP);
        this.#paint(c);
      } else this.#span = { ...this.#span, follow: true };
      return;
    }
    this.#span = { ...this.#span, follow: false };
  }

  /** Back to the newest lines (Ctrl+End, or sending a line). */
  toNewest(): void {
    const c = this.#convo;
    if (c === undefined) return;
    this.#span = spanAfter(this.#span, { kind: 'bottom', total: c.list.lines.length }, SPAN_SIZE, SPAN_STEP);
    this.#paint(c);
  }

  /** Every line held is in view, with no scrolling to do. */
  fitsAll(): boolean {
    return this.#span.start === 0 && this.scroller.scrollHeight <= this.scroller.clientHeight + EDGE;
  }

  /** PgUp/PgDn. */
  page(direction: 1 | -1): void {
    this.scroller.scrollBy({ top: direction * this.scroller.clientHeight * 0.9 });
  }
}
