import { MAX_CLOCK_SKEW_MS } from '../chat/clock.js';
import type { ShownFields, StoredMessage } from '../store/history-store.js';
import type { lanchat } from '../wire/protobuf.js';

/**
 * The clock policy for messages a node stores. A live line more than MAX_CLOCK_SKEW_MS ahead of the
 * relay's clock is refused by the relay (message-rules.ts clockProblem); one that comes by sync anyway (its
 * author holds it and offers it) is stored, for refusing it would leave a gap in its author's chain for
 * ever, but takes its place in display order at most MAX_CLOCK_SKEW_MS after the receiver's clock when it
 * arrives: a line dated in the year 10889 no longer sorts after everything written since. Its bytes,
 * signature and shown time stay the author's.
 */
export function clampTime(m: StoredMessage, nowMs: number): StoredMessage {
  const ceiling = nowMs + MAX_CLOCK_SKEW_MS;
  return m.time <= ceiling ? m : new ClampedMessage(m, ceiling);
}

/** A stored message placed at another time in display order; everything else is the message's own. */
class ClampedMessage implements StoredMessage {
  readonly #inner: StoredMessage;
  readonly time: number;

  constructor(inner: StoredMessage, time: number) {
    this.#inner = inner;
    this.time = time;
  }

  get origin(): string {
    return this.#inner.origin;
  }
  get seq(): number {
    return this.#inner.seq;
  }
  get counter(): number {
    return this.#inner.counter;
  }
  get room(): string | null {
    return this.#inner.room;
  }
  get isPrivate(): boolean {
    return this.#inner.isPrivate;
  }
  get topic(): boolean {
    return this.#inner.topic;
  }
  get authorKey(): Uint8Array | undefined {
    return this.#inner.authorKey;
  }
  get prev(): Uint8Array | undefined {
    return this.#inner.prev;
  }
  get message(): lanchat.ChatMessage {
    return this.#inner.message;
  }
  get shown(): ShownFields {
    return this.#inner.shown;
  }
  get bytes(): Uint8Array {
    return this.#inner.bytes;
  }
}
