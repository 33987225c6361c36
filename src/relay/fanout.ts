import type { Connection } from '../net/connection.js';
import { OncePerTurn, type Defer } from '../util/turn-batch.js';
import { encodeFrame } from '../wire/codec.js';
import type { lanchat } from '../wire/protobuf.js';

/** What the fan-out needs of a session: its connection's send side. */
export interface Recipient {
  readonly conn: Pick<Connection, 'send' | 'sendFrame'>;
}

/** Room messages from one sender to one room that arrived back to back in one network chunk. */
interface Run<S> {
  readonly sender: S;
  readonly members: ReadonlySet<S>;
  readonly bytes: ArrayBufferLike;
  readonly start: number;
  end: number;
}

/**
 * Writes what the relay sends. A room message is forwarded as the very bytes its author sent, and a run of
 * them (one sender, one room, back to back in one chunk) as one slice of that chunk, so each recipient
 * gets one write per chunk, not per frame; the run is written at the end of the turn's microtasks
 * (process.nextTick), before the connections' own end-of-turn flush. Everything else sent through here
 * writes the pending run first, which keeps every recipient's order. A broadcast is encoded once and the
 * same bytes written to everyone.
 */
export class Fanout<S extends Recipient> {
  readonly #everyone: ReadonlyMap<string, S>;
  readonly #runFlush: OncePerTurn;
  #run: Run<S> | undefined;

  /** `everyone`: the sessions a broadcast goes to, walked in its order. */
  constructor(everyone: ReadonlyMap<string, S>, defer: Defer = process.nextTick) {
    this.#everyone = everyone;
    this.#runFlush = new OncePerTurn(() => this.flush(), defer);
  }

  /** Sends `raw`, a room message frame from `sender`, to the others in `members` (the room's set). */
  forward(sender: S, members: ReadonlySet<S>, raw: Buffer): void {
    const run = this.#run;
    if (run?.sender === sender && run.members === members && run.bytes === raw.buffer && run.end === raw.byteOffset) {
      run.end += raw.length;
      return;
    }
    this.flush();
    this.#run = { sender, members, bytes: raw.buffer, start: raw.byteOffset, end: raw.byteOffset + raw.length };
    this.#runFlush.request();
  }

  /** Writes the pending run now. */
  flush(): void {
    const run = this.#run;
    if (run === undefined) return;
    this.#run = undefined;
    const bytes = Buffer.from(run.bytes, run.start, run.end - run.start);
    for (const member of run.members) {
      if (member !== run.sender) member.conn.send(bytes);
    }
  }

  /** Sends already-encoded bytes to one session, after the pending run. */
  send(to: S, raw: Buffer): void {
    this.flush();
    to.conn.send(raw);
  }

  /** Encodes `frame` and sends it to one session, after the pending run. */
  sendFrame(to: S, frame: lanchat.Frame.$Shape): void {
    this.flush();
    to.conn.sendFrame(frame);
  }

  /** Encodes once, writes the same bytes to `members` but `except` (a room's, for what is only theirs). */
  multicast(frame: lanchat.Frame.$Shape, members: ReadonlySet<S>, except?: S): void {
    this.flush();
    const raw = encodeFrame(frame);
    for (const member of members) if (member !== except) member.conn.send(raw);
  }

  /** Encodes once, writes the same bytes to every session but `except`. */
  broadcast(frame: lanchat.Frame.$Shape, except?: S): void {
    this.flush();
    const raw = encodeFrame(frame);
    for (const session of this.#everyone.values()) {
      if (session !== except) session.conn.send(raw);
    }
  }
}
