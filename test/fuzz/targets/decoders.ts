import { probeClaim } from '../../../src/election/probe.js';
import { decodeStored } from '../../../src/store/stored-message.js';
import { askFromWire, askToWire, nextPoint, pointFromWire, rangeOf, spansFromWire } from '../../../src/sync/page.js';
import { comparePoints, type Span, START } from '../../../src/sync/spans.js';
import { decodeFrame, encodeMessageFrame, type Frame, messageBytesOfFrame, messageOfPayload } from '../../../src/wire/codec.js';
import { isLanchatError } from '../../../src/wire/errors.js';
import { lanchat } from '../../../src/wire/protobuf.js';
import { ALL_PAYLOADS, FRAME_PAYLOADS, FUZZ_NETWORK, MESSAGES } from '../corpus.js';
import { type FuzzInput, type FuzzTarget, invariant } from '../engine.js';
import { chunkCuts, framed, misframed } from '../mutate.js';
import { payloadFrom } from '../inputs.js';

/** The decoders, by `variant`. */
/** New decoders go at the end: a crash fixture names its decoder by index. */
export const DECODERS = ['decodeFrame', 'decodeStored', 'syncFromWire', 'messageBytesOfFrame', 'probeClaim'] as const;

const KNOWN_KINDS = new Set<string>(FRAME_PAYLOADS.keys());
const SYNC_PAYLOADS = [...FRAME_PAYLOADS.get('syncOffer')!, ...FRAME_PAYLOADS.get('syncRequest')!, ...FRAME_PAYLOADS.get('syncBatch')!];
const MESSAGE_PAYLOADS = FRAME_PAYLOADS.get('message')!;
const PROBE_PAYLOADS = FRAME_PAYLOADS.get('probe')!;
const MESSAGE_FRAMES = MESSAGE_PAYLOADS.map((p) => framed(p));

/** Spans held, per origin, as the sync decoders give them: sorted, apart, within 1..2^53. */
function wellFormedSpans(held: ReadonlyMap<string, readonly Span[]>): void {
  for (const [origin, spans] of held) {
    invariant(/^[0-9a-f]{64}$/.test(origin), 'an origin is 32 bytes, hex');
    spans.forEach((span, i) => {
      invariant(Number.isSafeInteger(span.first) && Number.isSafeInteger(span.last) && span.first >= 1 && span.first <= span.last, `a span ${JSON.stringify(span)} is seqs from 1`);
      invariant(i === 0 || span.first > spans[i - 1]!.last + 1, 'spans are sorted and apart');
    });
  }
}

/** A decoder's only way to refuse input: a LanchatError BAD_FRAME. */
function expectBadFrame(err: unknown, what: string): void {
  if (!isLanchatError(err)) throw err;
  invariant(err.code === 'BAD_FRAME', `${what} threw ${err.code}, not BAD_FRAME`);
}

function tryDecodeFrame(payload: Uint8Array): Frame | undefined {
  try {
    return decodeFrame(payload);
  } catch (err) {
    expectBadFrame(err, 'decodeFrame');
    return undefined;
  }
}

const DECODE: Record<(typeof DECODERS)[number], (bytes: Buffer) => void> = {
  decodeFrame(bytes) {
    // A member's connection takes a message frame by its tag and length alone: what it takes must be what
    // the relay's full decode and messageBytesOfFrame see as one chat message.
    const message = messageOfPayload(bytes);
    if (message !== undefined) {
      invariant(Buffer.from(messageBytesOfFrame(framed(bytes))).equals(Buffer.from(message)), 'messageOfPayload finds the message messageBytesOfFrame finds');
      const frame = tryDecodeFrame(bytes);
      invariant(frame === undefined || frame.kind === 'message', `messageOfPayload found a message in a ${frame?.kind} frame`);
    }
    const frame = tryDecodeFrame(bytes);
    if (frame === undefined) return;
    invariant(frame.kind === undefined || KNOWN_KINDS.has(frame.kind), `decoded an unknown kind ${frame.kind}`);
    // Relays re-encode what they decode (a hello's keys and rank go out in rosters): that must work, and
    // a second round trip must change nothing.
    const once = lanchat.Frame.encode(frame).finish();
    const twice = lanchat.Frame.encode(lanchat.Frame.decode(once)).finish();
    invariant(Buffer.from(once).equals(Buffer.from(twice)), 'a decoded frame re-encodes to the same bytes every time');
  },
  decodeStored(bytes) {
    let stored;
    try {
      stored = decodeStored(bytes);
    } catch (err) {
      expectBadFrame(err, 'decodeStored');
      return;
    }
    invariant(/^[0-9a-f]{64}$/.test(stored.origin), 'origin is 32 bytes, hex');
    invariant(Number.isSafeInteger(stored.seq) && stored.seq >= 1, `seq ${stored.seq} is an integer from 1`);
    invariant(Number.isSafeInteger(stored.time) && stored.time >= 0, `time ${stored.time} is a whole ms`);
    invariant(Number.isSafeInteger(stored.counter) && stored.counter >= 0, `counter ${stored.counter} is a count`);
    invariant(stored.bytes === bytes, 'the stored bytes are the bytes given');
    // What was read out must be what the whole message says, and the whole message must decode.
    const whole = stored.message;
    invariant(Buffer.from(whole.origin).toString('hex') === stored.origin, 'origin agrees with the whole message');
    invariant(whole.seq === stored.seq && whole.time === stored.time && whole.counter === stored.counter, `place agrees: ${JSON.stringify([whole.seq, whole.time, whole.counter, stored.seq, stored.time, stored.counter])}`);
    const room = whole.target === 'room' && whole.room ? whole.room : null;
    invariant(room === stored.room && (whole.target === 'to') === stored.isPrivate, 'target agrees with the whole message');
    invariant(Buffer.from(stored.authorKey ?? []).equals(Buffer.from(whole.authorKey)), 'author key agrees');
    invariant(Buffer.from(stored.prev ?? []).equals(Buffer.from(whole.prev)), 'prev agrees');
    // What a face is shown is read in the same pass, and must be what the whole message says.
    const { shown } = stored;
    const same = (a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean => Buffer.from(a ?? []).equals(Buffer.from(b ?? []));
    invariant(same(shown.origin, whole.origin) && shown.seq === whole.seq && shown.time === whole.time, 'shown: place agrees');
    invariant((shown.nick ?? '') === whole.nick && (shown.text ?? '') === (whole.text ?? '') && (shown.room || null) === (whole.room || null), 'shown: nick, text and room agree');
    invariant(shown.to ? !!whole.to && same(shown.to.nodeId, whole.to.nodeId) && (shown.to.nick ?? '') === whole.to.nick : !whole.to, 'shown: recipient agrees');
    const sealedAgrees = (['ephemeralKey', 'nonce', 'ciphertext', 'forRecipient', 'forSender'] as const).every((f) => same(shown.sealed?.[f], whole.sealed?.[f]));
    invariant(!!shown.sealed === !!whole.sealed && sealedAgrees, 'shown: sealed body agrees');
  },
  syncFromWire(bytes) {
    const frame = tryDecodeFrame(bytes);
    if (frame === undefined) return;
    if (frame.kind === 'syncOffer') wellFormedSpans(spansFromWire(frame.syncOffer.have));
    if (frame.kind === 'syncRequest') {
      const ask = askFromWire(frame.syncRequest);
      wellFormedSpans(ask.held);
      for (const point of [ask.from, ask.to ?? START]) invariant(point.origin === '' || /^[0-9a-f]{64}$/.test(point.origin), 'a place names an origin of 32 bytes, hex');
      for (const [origin, spans] of ask.held) {
        const range = rangeOf(ask, origin);
        invariant(range !== undefined && spans.every((span) => span.first >= range.lo && span.last <= range.hi), 'what a request lists is inside its range');
      }
      // Read back, what was read is read the same: an answerer never sees two meanings in one request.
      const again = askFromWire(lanchat.SyncRequest.decode(lanchat.SyncRequest.encode(askToWire(ask)).finish()));
      invariant(JSON.stringify([again.from, again.to, [...again.held]]) === JSON.stringify([ask.from, ask.to, [...ask.held]]), 'a request read, written and read again is the same');
    }
    if (frame.kind === 'syncBatch') {
      const { more, resume, messages } = frame.syncBatch;
      const point = pointFromWire(resume);
      const next = nextPoint({ from: START, to: undefined }, { more: more ?? false, resume: point, count: messages?.length ?? 0 });
      invariant(next === undefined || comparePoints(next, START) > 0, 'a round only ever goes forward');
    }
  },
  probeClaim(bytes) {
    const frame = tryDecodeFrame(bytes);
    if (frame?.kind !== 'probe') return;
    // What a relay hands its members over to must be a node id and a port a member can dial.
    const claim = probeClaim(frame.probe, FUZZ_NETWORK);
    if (claim === undefined) return;
    invariant(/^[0-9a-f]{64}$/.test(claim.nodeId) && claim.rank.nodeId === claim.nodeId, 'a claimed node id is 32 bytes, hex');
    invariant(Number.isInteger(claim.port) && claim.port >= 1 && claim.port <= 65_535, `a claimed port ${claim.port} can be dialed`);
    for (const n of [claim.rank.weight, claim.rank.startedAt, claim.epoch]) invariant(Number.isSafeInteger(n) && n >= 0, `a rank field ${n} is a count`);
  },
  messageBytesOfFrame(bytes) {
    let message: Uint8Array;
    try {
      message = messageBytesOfFrame(bytes);
    } catch (err) {
      expectBadFrame(err, 'messageBytesOfFrame');
      return;
    }
    invariant(message.buffer === bytes.buffer, 'the message is a view into the frame, not a copy');
    invariant(message.byteOffset + message.length === bytes.byteOffset + bytes.length, 'the message ends the frame');
    invariant(Buffer.from(messageBytesOfFrame(encodeMessageFrame(message))).equals(Buffer.from(message)), 'a message frame round-trips');
  },
};

/**
 * The decoders of what peers send, on mutated input: each returns something well formed or throws a
 * LanchatError BAD_FRAME, nothing else.
 */
export const decodersTarget: FuzzTarget = {
  name: 'decoders',
  checkEvery: 1_000,
  generate(rng) {
    const variant = rng.below(DECODERS.length);
    let bytes: Buffer;
    switch (DECODERS[variant]) {
      case 'decodeStored':
        bytes = payloadFrom(MESSAGES, rng, 0.9);
        break;
      case 'syncFromWire':
        bytes = payloadFrom(SYNC_PAYLOADS, rng, 0.9);
        break;
      case 'probeClaim':
        bytes = payloadFrom(PROBE_PAYLOADS, rng, 0.9);
        break;
      case 'messageBytesOfFrame': {
        // The prefix is mutated with the rest, or the payload alone behind a true or a lying prefix.
        const choice = rng.below(10);
        if (choice < 6) bytes = payloadFrom(MESSAGE_FRAMES, rng, 0.9);
        else if (choice < 9) bytes = framed(payloadFrom(MESSAGE_PAYLOADS, rng, 0.9));
        else bytes = misframed(rng.pick(MESSAGE_PAYLOADS), rng);
        break;
      }
      default:
        bytes = payloadFrom(ALL_PAYLOADS, rng, 0.9);
    }
    return { variant, bytes, cuts: chunkCuts(0, rng) };
  },
  async open() {
    return {
      run(input: FuzzInput) {
        DECODE[DECODERS[input.variant % DECODERS.length]!](input.bytes);
      },
      async check() {},
      async close() {},
    };
  },
};
