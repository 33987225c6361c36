import { Relay } from '../../../src/relay/relay.js';
import type { Replica } from '../../../src/sync/replica.js';
import { messageHash, signMessage } from '../../../src/sync/signature.js';
import { encodeFrame, encodeMessageFrame, type FrameKind } from '../../../src/wire/codec.js';
import { PROTOCOL_VERSION } from '../../../src/wire/limits.js';
import { tempReplica } from '../../helpers/replica.js';
import { fixedIdentity, FRAME_PAYLOADS, FUZZ_NETWORK, MALLORY } from '../corpus.js';
import { type FuzzInput, type FuzzTarget, type Harness, invariant } from '../engine.js';
import { frameStream } from '../inputs.js';
import { chunkCuts, chunked } from '../mutate.js';
import { memoryConnection, memoryPair } from '../memory-socket.js';
import { auditStore, FailureLog, Listener, turn } from './session.js';

/** `variant`: 0, the case's bytes are a connection's first frames (the hello stage); 1, they follow mallory's valid hello. */
export const RELAY_VARIANTS = ['first-frames', 'in-session'] as const;

const ALL_KINDS = [...FRAME_PAYLOADS.keys()];
/** What a member sends, twice as likely as what only a relay sends. */
const SESSION_KINDS: FrameKind[] = [...ALL_KINDS, 'message', 'message', 'join', 'part', 'nick', 'leave', 'syncOffer', 'syncRequest', 'syncBatch', 'syncBatch'];
const FIRST_KINDS: FrameKind[] = ['hello', 'hello', 'hello', 'probe', ...ALL_KINDS];

const MALLORY_HELLO = encodeFrame({
  hello: { protocolVersion: PROTOCOL_VERSION, nodeId: MALLORY.nodeId, nick: 'mallory', rooms: ['#lobby', '#fuzz'], network: FUZZ_NETWORK, listenPort: 0 },
});

const ALICE = fixedIdentity('alice');
const BOB = fixedIdentity('bob');

/** A well-behaved member on its own in-memory connection to the relay. */
function joinWellBehaved(relay: Relay, failures: FailureLog, nick: string, nodeId: Buffer): Promise<Listener> {
  const [client, server] = memoryPair();
  const relaySide = memoryConnection(server);
  failures.watch(relaySide, `${nick}'s connection`);
  relay.accept(relaySide);
  const member = new Listener(memoryConnection(client));
  const welcomed = member.next((frame) => frame.kind === 'welcome', `${nick}'s welcome`);
  member.conn.sendFrame({ hello: { protocolVersion: PROTOCOL_VERSION, nodeId, nick, rooms: ['#lobby'], network: FUZZ_NETWORK, listenPort: 0 } });
  return welcomed.then(() => member);
}

/**
 * A real Relay with a real store, fed one fresh connection per case. The invariants: no handler throws;
 * whatever a connection sends costs at most that connection; a closed connection leaves no session
 * behind; two well-behaved members (alice writes, bob reads) are still served, checked every
 * `checkEvery` cases by a line of alice's reaching bob; and the store holds nothing unverifiable.
 */
class RelayHarness implements Harness {
  readonly #relay: Relay;
  readonly #replica: Replica;
  readonly #closeReplica: () => Promise<void>;
  readonly #failures: FailureLog;
  readonly #alice: Listener;
  readonly #bob: Listener;
  #aliceSeq = 0;
  #alicePrev: Buffer | undefined;

  private constructor(relay: Relay, replica: { replica: Replica; close: () => Promise<void> }, failures: FailureLog, alice: Listener, bob: Listener) {
    this.#relay = relay;
    this.#replica = replica.replica;
    this.#closeReplica = replica.close;
    this.#failures = failures;
    this.#alice = alice;
    this.#bob = bob;
  }

  static async open(): Promise<RelayHarness> {
    const replica = await tempReplica(FUZZ_NETWORK);
    const relay = new Relay({ nodeId: fixedIdentity('relay').nodeId, nick: 'relay', network: FUZZ_NETWORK, replica: replica.replica, helloTimeoutMs: 60_000 });
    const failures = new FailureLog();
    const alice = await joinWellBehaved(relay, failures, 'alice', ALICE.nodeId);
    const bob = await joinWellBehaved(relay, failures, 'bob', BOB.nodeId);
    return new RelayHarness(relay, replica, failures, alice, bob);
  }

  async run(input: FuzzInput): Promise<void> {
    const [client, server] = memoryPair();
    // What the relay sends this connection is read and dropped.
    client.resume();
    const conn = memoryConnection(server);
    this.#failures.watch(conn, 'the fuzzed connection');
    this.#relay.accept(conn);
    if (input.variant % RELAY_VARIANTS.length === 1) server.receive(MALLORY_HELLO);
    for (const chunk of chunked(input.bytes, input.cuts)) server.receive(chunk);
    client.destroy();
    await turn();
    this.#failures.throwIfAny();
    this.#assertWellBehavedOpen();
  }

  async check(): Promise<void> {
    await this.#relay.stored();
    await turn();
    this.#assertWellBehavedOpen();
    invariant(this.#relay.sessionCount === 2, () => `${this.#relay.sessionCount - 2} session(s) outlived their connection`);
    const bytes = signMessage(
      { origin: ALICE.nodeId, seq: ++this.#aliceSeq, time: Date.now(), counter: 0, nick: 'alice', room: '#lobby', text: `check ${this.#aliceSeq}`, prev: this.#alicePrev },
      ALICE,
      FUZZ_NETWORK,
    );
    this.#alicePrev = messageHash(bytes);
    const frame = encodeMessageFrame(bytes);
    const forwarded = this.#bob.next((_, raw) => raw.equals(frame), `alice's line ${this.#aliceSeq} at bob`);
    this.#alice.conn.send(frame);
    await forwarded;
    this.#failures.throwIfAny();
  }

  async close(): Promise<void> {
    try {
      await this.#relay.stored();
      await auditStore(this.#replica.store);
    } finally {
      this.#relay.stop();
      await turn();
      await this.#closeReplica();
    }
  }

  #assertWellBehavedOpen(): void {
    for (const [name, member] of [['alice', this.#alice], ['bob', this.#bob]] as const) {
      const closed = member.closed;
      invariant(closed === undefined, () => `${name}, well behaved, was disconnected: ${closed!.code} ${closed!.message}`);
    }
  }
}

export const relayTarget: FuzzTarget = {
  name: 'relay',
  checkEvery: 250,
  generate(rng) {
    const variant = rng.below(RELAY_VARIANTS.length);
    if (variant === 1) return frameStream(rng, SESSION_KINDS, variant, 4, true);
    // A first frame (a hello, most often), then what a session would send.
    const first = frameStream(rng, FIRST_KINDS, variant, 1, true).bytes;
    const rest = rng.chance(0.7) ? frameStream(rng, SESSION_KINDS, variant, 3, true).bytes : Buffer.alloc(0);
    const bytes = Buffer.concat([first, rest]);
    return { variant, bytes, cuts: chunkCuts(bytes.length, rng) };
  },
  open: () => RelayHarness.open(),
};
