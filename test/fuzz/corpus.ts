import { createPrivateKey, createHash } from 'node:crypto';
import { type Identity, identityFromPrivateKey } from '../../src/identity/identity.js';
import { nodeKeysOf } from '../../src/identity/node-keys.js';
import { challengeMaterial, proveIdentity } from '../../src/identity/proof.js';
import { messageHash, signMessage } from '../../src/sync/signature.js';
import { encodeFrame, encodeMessageFrame, type FrameKind } from '../../src/wire/codec.js';
import { PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { lanchat } from '../../src/wire/protobuf.js';
import { readVarint } from './mutate.js';

/**
 * The seed corpus: valid frames of every kind, built with the real encoder and real signatures, for the
 * mutators to start from. Deterministic (fixed keys, fixed times, no random seals), so a seed and a case
 * index reproduce the same input on any machine.
 */

export const FUZZ_NETWORK = 'fuzz';

/** An Ed25519 identity from a fixed name: the same keys every run. */
export function fixedIdentity(name: string): Identity {
  const seed = createHash('sha256').update(`lanchat fuzz identity ${name}`).digest();
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): a fixed 16-byte header, then the seed.
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return identityFromPrivateKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
}

/** The author of the corpus's chat lines: a relay harness says hello as this node, so its lines pass. */
export const MALLORY = fixedIdentity('mallory');
/** Another author, whose lines reach a node only through sync batches. */
export const CAROL = fixedIdentity('carol');
/** Someone else a private message is addressed to. */
export const DAVE = fixedIdentity('dave');

const T0 = 1_700_000_000_000;

function chain(identity: Identity, nick: string, texts: readonly string[], room = '#lobby'): Buffer[] {
  const out: Buffer[] = [];
  let prev: Buffer | undefined;
  texts.forEach((text, i) => {
    const bytes = signMessage({ origin: identity.nodeId, seq: i + 1, time: T0 + i, counter: i % 2, nick, room, text, prev }, identity, FUZZ_NETWORK);
    out.push(bytes);
    prev = messageHash(bytes);
  });
  return out;
}

/** Signed chat messages (the author's bytes), chained per origin, seq from 1. */
export const MALLORY_LINES = chain(MALLORY, 'mallory', ['hello', 'a longer line with ünïcödé in it', 'third']);
export const CAROL_LINES = chain(CAROL, 'carol', ['c1', 'c2', 'c3', 'c4'], '#fuzz');

/**
 * A private message from mallory to dave. Its seal is fixed bytes of the right sizes rather than a real
 * seal (which draws fresh random keys): the corpus stays deterministic, and opening it fails as a
 * tampered seal does.
 */
export const MALLORY_PRIVATE = signMessage(
  {
    origin: MALLORY.nodeId,
    seq: MALLORY_LINES.length + 1,
    time: T0 + 10,
    counter: 0,
    nick: 'mallory',
    to: { nodeId: DAVE.nodeId, nick: 'dave' },
    sealed: {
      ephemeralKey: Buffer.alloc(32, 1),
      nonce: Buffer.alloc(12, 2),
      ciphertext: Buffer.alloc(21, 3),
      forRecipient: Buffer.alloc(48, 4),
      forSender: Buffer.alloc(48, 5),
    },
    prev: messageHash(MALLORY_LINES.at(-1)!),
  },
  MALLORY,
  FUZZ_NETWORK,
);

/**
 * Signed lines of mallory's that break a message rule (src/sync/message-rules.ts; finding 9 of issue 15):
 * a relay refuses each live, and every node drops each from a sync batch. Seqs past mallory's chain, each
 * chained to nothing held, so they reach the rules rather than stopping at a chain check. (No line over
 * MAX_TEXT_BYTES: a 16 KiB seed slows every target's mutations; test/relay/message-rules.test.ts has one.)
 */
export const RULE_BREAKERS: readonly Buffer[] = (
  [
    { text: '' },
    { room: '#Not A Room\u001b[2J' },
    { time: Date.UTC(10889, 0, 1) },
    { nick: 'bob' },
    { nick: 'a b' },
    { seq: 0 },
  ] as const
).map((fields, i) =>
  signMessage(
    { origin: MALLORY.nodeId, seq: 20 + i, time: T0 + 20 + i, counter: 0, nick: 'mallory', room: '#lobby', text: 'rule', prev: Buffer.alloc(32, i), ...fields },
    MALLORY,
    FUZZ_NETWORK,
  ),
);

export const MESSAGES: readonly Buffer[] = [...MALLORY_LINES, MALLORY_PRIVATE, ...CAROL_LINES, ...RULE_BREAKERS];

/** One line each from authors seen nowhere else: what grows a version vector by one origin a line. */
export const MANY_AUTHORS = Array.from({ length: 12 }, (_, i) => chain(fixedIdentity(`author ${i}`), `a${i}`, ['one line'])[0]!);

const rank = { forced: false, weight: 3, startedAt: T0 };
/** A challenge nonce, fixed so that the corpus is the same at every run. */
const NONCE = Buffer.alloc(32, 0x5a);

function peer(identity: Identity, nick: string, rooms: string[]): lanchat.Peer.$Properties {
  return { nodeId: identity.nodeId, nick, addresses: ['127.0.0.1', '::1'], port: 7000, rank, rooms, keys: nodeKeysOf(identity) };
}

const PEERS = [peer(MALLORY, 'mallory', ['#lobby']), peer(CAROL, 'carol', ['#lobby', '#fuzz']), peer(DAVE, 'dave', [])];
const vector = (entries: [Identity, number][]): lanchat.VersionEntry.$Properties[] =>
  entries.map(([identity, seq]) => ({ origin: identity.nodeId, seq }));
const State = lanchat.Presence.State;

/**
 * Frames of every kind, as shapes. Typed by kind, so a kind added to the proto fails to compile here
 * until the corpus has frames of it.
 */
const SHAPES: { [K in FrameKind]: lanchat.Frame.$Shape[] } = {
  hello: [
    {
      hello: {
        protocolVersion: PROTOCOL_VERSION,
        nodeId: MALLORY.nodeId,
        nick: 'mallory',
        listenPort: 7000,
        addresses: ['127.0.0.1'],
        rooms: ['#lobby', '#fuzz'],
        rank,
        network: FUZZ_NETWORK,
        keys: nodeKeysOf(MALLORY),
        challenge: NONCE,
      },
    },
    { hello: { protocolVersion: PROTOCOL_VERSION, nodeId: CAROL.nodeId, nick: 'carol', network: FUZZ_NETWORK } },
    // Someone else's node id and keys, with a proof that signs nothing of this link (finding 7a's shape).
    {
      hello: {
        protocolVersion: PROTOCOL_VERSION,
        nodeId: CAROL.nodeId,
        nick: 'carol',
        network: FUZZ_NETWORK,
        keys: nodeKeysOf(CAROL),
        proof: Buffer.alloc(64, 7),
        challenge: Buffer.alloc(31, 1),
      },
    },
  ],
  welcome: [
    {
      welcome: {
        protocolVersion: PROTOCOL_VERSION,
        relayId: CAROL.nodeId,
        relayNick: 'carol',
        nick: 'member',
        rooms: ['#lobby', '#fuzz'],
        roster: { peers: PEERS },
        heartbeatMs: 1000,
        epoch: 2,
      },
    },
  ],
  redirect: [{ redirect: { relayId: CAROL.nodeId, host: '127.0.0.1', port: 7001 } }],
  heartbeat: [{ heartbeat: { time: T0 } }],
  error: [{ error: { code: 'NICK_IN_USE', message: 'the nick mallory is taken', suggestion: 'mallory2' } }],
  leave: [{ leave: { reason: 'quit' } }],
  // Placeholders: message frames are the author's bytes, framed below without re-encoding.
  message: [],
  presence: [
    { presence: { state: State.JOINED, peer: PEERS[0] } },
    { presence: { state: State.JOINED, peer: PEERS[1], room: '#fuzz' } },
    { presence: { state: State.LEFT, peer: PEERS[1], room: '#fuzz' } },
    { presence: { state: State.RENAMED, peer: PEERS[0], oldNick: 'mal' } },
    { presence: { state: State.LEFT, peer: PEERS[2], reason: 'timeout' } },
  ],
  roster: [{ roster: { peers: PEERS } }],
  join: [{ join: { room: '#fuzz' } }, { join: { room: 'lobby' } }],
  part: [{ part: { room: '#fuzz' } }],
  nick: [{ nick: { nick: 'mallory2' } }],
  syncOffer: [
    { syncOffer: { have: vector([[MALLORY, 3], [CAROL, 4]]) } },
    // An origin held only past a gap (its top), and more changed than listed.
    { syncOffer: { have: [{ origin: CAROL.nodeId, seq: 4, first: 4 }], more: true } },
  ],
  syncRequest: [
    { syncRequest: { have: [] } },
    { syncRequest: { have: vector([[MALLORY, 1], [CAROL, 0]]) } },
    // A page of a round: a range, spans past a gap, and one origin listed twice.
    {
      syncRequest: {
        have: [{ origin: CAROL.nodeId, seq: 4, first: 2 }, { origin: MALLORY.nodeId, seq: 2 }, { origin: MALLORY.nodeId, seq: 5, first: 4 }],
        from: { origin: CAROL.nodeId, seq: 2 },
        to: { origin: MALLORY.nodeId, seq: 6 },
      },
    },
  ],
  syncBatch: [
    { syncBatch: { messages: CAROL_LINES, more: false } },
    { syncBatch: { messages: CAROL_LINES.slice(0, 2), more: true } },
    { syncBatch: { messages: [...MALLORY_LINES, MALLORY_PRIVATE], more: false } },
    // A chain withheld at its first seq (finding 2's upload), answered as a page that goes on.
    { syncBatch: { messages: CAROL_LINES.slice(1), more: true, resume: { origin: CAROL.nodeId, seq: 5 }, ranged: true } },
    { syncBatch: { messages: CAROL_LINES.slice(0, 1), more: false, ranged: true } },
    // One line from each of many fresh authors (finding 1's upload, scaled down).
    { syncBatch: { messages: MANY_AUTHORS, more: false } },
    { syncBatch: { messages: [...CAROL_LINES, ...RULE_BREAKERS], more: false } },
  ],
  probe: [
    { probe: { nodeId: CAROL.nodeId, network: FUZZ_NETWORK, rank, relay: true, port: 7001, epoch: 2 } },
    // Forced, the oldest there is, a port nobody answers on, a challenge for the answer (finding 5's shape).
    {
      probe: {
        nodeId: MALLORY.nodeId,
        network: FUZZ_NETWORK,
        rank: { forced: true, weight: 0, startedAt: 1 },
        relay: true,
        port: 7999,
        epoch: 1,
        challenge: NONCE,
      },
    },
    {
      probe: {
        nodeId: CAROL.nodeId,
        network: FUZZ_NETWORK,
        rank,
        relay: true,
        port: 7001,
        epoch: 2,
        keys: nodeKeysOf(MALLORY),
        proof: proveIdentity(MALLORY, challengeMaterial('probe', FUZZ_NETWORK, CAROL.nodeId, NONCE)),
        challenge: Buffer.alloc(0),
      },
    },
  ],
  challenge: [
    { challenge: { nonce: NONCE, relayId: CAROL.nodeId } },
    { challenge: { proof: proveIdentity(MALLORY, challengeMaterial('link', FUZZ_NETWORK, CAROL.nodeId, NONCE, NONCE)) } },
    { challenge: { nonce: Buffer.alloc(3), relayId: Buffer.alloc(0), proof: Buffer.alloc(64) } },
  ],
  typing: [
    { typing: { room: '#fuzz' } },
    { typing: { to: { nodeId: CAROL.nodeId, nick: 'carol' } } },
    { typing: { room: '#fuzz', from: { nodeId: CAROL.nodeId, nick: 'carol' } } },
  ],
  away: [{ away: { away: true, reason: 'lunch' } }, { away: { away: false } }, { away: { away: true, reason: 'x'.repeat(500) } }],
  whois: [{ whois: { nodeId: CAROL.nodeId } }, { whois: { nodeId: CAROL.nodeId, answered: true, found: true, idleMs: 1000, connectedAt: T0 } }],
  // Control-socket frames: a network peer that sends them is refused like any unexpected frame.
  // The relay's word that it holds the member's own lines up to a seq; 0 and a huge seq are nonsense to ignore.
  stored: [{ stored: { seq: 3 } }, { stored: { seq: 0 } }, { stored: { seq: Number.MAX_SAFE_INTEGER } }],
  historyQuery: [{ historyQuery: { room: '#fuzz', limit: 10 } }, { historyQuery: {} }],
  historyPage: [{ historyPage: { messages: CAROL_LINES, done: true } }],
  webQuery: [{ webQuery: {} }],
  webAnswer: [{ webAnswer: { url: 'http://127.0.0.1:8080/?token=abc' } }, { webAnswer: {} }],
};

/** A whole frame (length prefix included) without its prefix. */
function payloadOf(frame: Buffer): Buffer {
  const prefix = readVarint(frame, 0)!;
  return frame.subarray(prefix.bytes);
}

/** Payloads (no length prefix) of valid frames, by kind. */
export const FRAME_PAYLOADS: ReadonlyMap<FrameKind, readonly Buffer[]> = new Map(
  (Object.entries(SHAPES) as [FrameKind, lanchat.Frame.$Shape[]][]).map(([kind, shapes]) => [
    kind,
    kind === 'message' ? MESSAGES.map((m) => payloadOf(encodeMessageFrame(m))) : shapes.map((s) => payloadOf(encodeFrame(s))),
  ]),
);

/** Every payload of the corpus, in one list: the donors splices take from. */
export const ALL_PAYLOADS: readonly Buffer[] = [...FRAME_PAYLOADS.values()].flat();
