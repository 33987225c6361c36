/**
 * Which lines of a conversation are in the page: at most `size` of them (a bounded DOM), `[start, end)`,
 * following the newest unless the reader scrolled back. Pure: the page applies the result.
 */
export interface Span {
  start: number;
  end: number;
  /** The newest line is in view, and new lines keep it so. */
  follow: boolean;
}

export type SpanAction =
  /** Lines were added or removed: `added` of them before the span's start (older history, or a reordering). */
  | { kind: 'changed'; total: number; addedBefore: number; removedBefore: number }
  /** The reader reached the span's top: earlier lines come in. */
  | { kind: 'up'; total: number }
  /** The reader reached the span's bottom: later lines come in. */
  | { kind: 'down'; total: number }
  /** Back to the newest lines. */
  | { kind: 'bottom'; total: number };

export function spanAfter(span: Span, action: SpanAction, size: number, step: number): Span {
  const total = action.total;
  const newest = (): Span => ({ start: Math.max(0, total - size), end: total, follow: true });
  switch (action.kind) {
    case 'bottom':
      return newest();
    case 'changed': {
      const shift = action.addedBefore - action.removedBefore;
      if (span.follow) {
        // More than a step of new lines at once (a burst): only the newest step comes in, so a frame never
        // builds a full window of rows (200 rows: 60-80 ms tasks in test/web/burst.test.ts); scrolling up
        // brings the earlier ones in. Fewer: the rows already there stay, and new ones are added below.
        if (total - (span.end + shift) > step) return { start: Math.max(0, total - step), end: total, follow: true };
        // Older lines came in front (a conversation's history arriving after it opened): they come in too.
        if (action.addedBefore > 0) return newest();
        return { start: clamp(Math.max(span.start + shift, total - size), 0, total), end: total, follow: true };
      }
      const start = clamp(span.start + shift, 0, total);
      const end = clamp(Math.max(start, span.end + shift), 0, total);
      return fill({ start, end, follow: false }, total, size);
    }
    case 'up': {
      const start = Math.max(0, span.start - step);
      return { start, end: Math.min(total, start + size), follow: false };
    }
    case 'down': {
      const end = Math.min(total, span.end + step);
      const start = Math.max(0, end - size);
      return { start, end, follow: end === total };
    }
  }
}

/** A span shorter than `size` with lines left after it grows to them. */
function fill(span: Span, total: number, size: number): Span {
  const end = Math.min(total, Math.max(span.end, span.start + size));
  return { start: span.start, end, follow: span.follow };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
