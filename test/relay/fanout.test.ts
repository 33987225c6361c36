import { describe, expect, it } from 'vitest';
import { Fanout, type Recipient } from '../../src/relay/fanout.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import type { lanchat } from '../../src/wire/protobuf.js';

/** A session whose connection records every write it is handed, as the very Buffer objects. */
class Peer implements Recipient {
  readonly writes: Buffer[] = [];
  readonly conn = {
    send: (raw: Buffer): boolean => {
      this.writes.push(raw);
      return true;
    },
    sendFrame: (frame: lanchat.Frame.$Shape): boolean => this.conn.send(encodeFrame(frame)),
  };

  constructor(readonly name: string) {}
}

/** A hand-driven turn: `defer` queues, `end()` runs what was deferred. */
function manualTurns(): { defer: (run: () => void) => void; end: () => void; deferred: () => number } {
  let queue: (() => void)[] = [];
  let count = 0;
  return {
    defer: (run) => {
      count++;
      queue.push(run);
    },
    end: () => {
      const runs = queue;
      queue = [];
      for (const run of runs) run();
    },
    deferred: () => count,
  };
}

const line = (text: string): Buffer => encodeFrame({ message: { seq: 1, nick: 'a', room: '#lobby', text } });

/** Frames as they arrive in one network chunk: views of one buffer, back to back. */
function oneChunk(...frames: Buffer[]): Buffer[] {
  const chunk = Buffer.concat(frames);
  let at = 0;
  return frames.map((f) => {
    const view = chunk.subarray(at, at + f.length);
    at += f.length;
    return view;
  });
}

function setup(): { a: Peer; b: Peer; c: Peer; room: Set<Peer>; fanout: Fanout<Peer>; turns: ReturnType<typeof manualTurns> } {
  const [a, b, c] = [new Peer('a'), new Peer('b'), new Peer('c')];
  const everyone = new Map([a, b, c].map((p) => [p.name, p]));
  const turns = manualTurns();
  return { a, b, c, room: new Set([a, b, c]), fanout: new Fanout(everyone, turns.defer), turns };
}

describe('Fanout', () => {
  it('forwards a run of one sender’s frames to one room in one chunk as one slice of that chunk, at the end of the turn', () => {
    const { a, b, c, room, fanout, turns } = setup();
    const frames = oneChunk(line('r1'), line('r2'), line('r3'));
    for (const f of frames) fanout.forward(a, room, f);
    expect(b.writes).toHaveLength(0);
    turns.end();
    for (const peer of [b, c]) {
      expect(peer.writes).toHaveLength(1);
      expect(peer.writes[0]!.equals(Buffer.concat(frames))).toBe(true);
      // A view of the chunk, not a copy.
      expect(peer.writes[0]!.buffer).toBe(frames[0]!.buffer);
    }
    expect(b.writes[0]).toBe(c.writes[0]);
    expect(a.writes).toHaveLength(0);
    expect(turns.deferred()).toBe(1);
  });

  it('starts a new run for another sender, another room, a gap, or another chunk, keeping the order', () => {
    const { a, b, c, room, fanout, turns } = setup();
    const other = new Set([a, b]);
    const [r1, r2, r3] = oneChunk(line('r1'), line('r2'), line('r3'));
    const [later] = oneChunk(line('later'));
    const [g1, , g3] = oneChunk(line('g1'), line('g2'), line('g3'));
    fanout.forward(a, room, r1!);
    fanout.forward(c, room, r2!); // another sender
    fanout.forward(c, other, r3!); // another room
    fanout.forward(a, room, later!); // another chunk
    fanout.forward(a, room, g1!);
    fanout.forward(a, room, g3!); // a gap: g2 was not forwarded
    turns.end();
    const texts = (peer: Peer): string[] =>
      peer.writes.map((w) => {
        const frame = decodeFrame(w.subarray(1));
        return frame.kind === 'message' ? (frame.message.text ?? '') : '?';
      });
    expect(texts(b)).toEqual(['r1', 'r2', 'r3', 'later', 'g1', 'g3']);
    expect(texts(c)).toEqual(['r1', 'later', 'g1', 'g3']);
    expect(texts(a)).toEqual(['r2', 'r3']);
  });

  it('writes the pending run before anything else it sends: a broadcast, a frame to one', () => {
    const { a, b, c, room, fanout, turns } = setup();
    const [r1] = oneChunk(line('r1'));
    fanout.forward(a, room, r1!);
    fanout.sendFrame(b, { error: { code: 'NOT_IN_ROOM', message: 'no' } });
    expect(b.writes.map((w) => decodeFrame(w.subarray(1)).kind)).toEqual(['message', 'error']);
    const [r2] = oneChunk(line('r2'));
    fanout.forward(a, room, r2!);
    const direct = line('direct');
    fanout.send(c, direct);
    expect(c.writes.map((w) => w.equals(direct))).toEqual([false, false, true]);
    turns.end();
    expect(b.writes).toHaveLength(3);
  });

  it('encodes a broadcast once and writes the same bytes to everyone but the one excepted', () => {
    const { a, b, c, room, fanout, turns } = setup();
    const [r1] = oneChunk(line('r1'));
    fanout.forward(b, room, r1!);
    fanout.broadcast({ presence: { state: 1, peer: { nick: 'c' } } }, c);
    expect(a.writes).toHaveLength(2);
    expect(a.writes[1]).toBe(b.writes[0]);
    expect(c.writes).toHaveLength(1); // the run only
    expect(decodeFrame(a.writes[1]!.subarray(1)).kind).toBe('presence');
    turns.end();
    expect(a.writes).toHaveLength(2);
  });

  it('by default writes the run before the next turn’s I/O: on process.nextTick', async () => {
    const [a, b] = [new Peer('a'), new Peer('b')];
    const fanout = new Fanout(new Map([['a', a], ['b', b]]));
    fanout.forward(a, new Set([a, b]), line('soon'));
    expect(b.writes).toHaveLength(0);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(b.writes).toHaveLength(1);
  });
});
