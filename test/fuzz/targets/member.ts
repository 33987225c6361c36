import { Member } from '../../../src/member/member.js';
import type { Connection } from '../../../src/net/connection.js';
import type { Replica } from '../../../src/sync/replica.js';
import { messageHash, signMessage } from '../../../src/sync/signature.js';
import { encodeFrame, encodeMessageFrame, type FrameKind } from '../../../src/wire/codec.js';
import { FrameDecoder } from '../../../src/wire/frame-decoder.js';
import { PROTOCOL_VERSION } from '../../../src/wire/limits.js';
import { tempReplica } from '../../helpers/replica.js';
import { Waiters } from '../../helpers/waiters.js';
import { fixedIdentity, FRAME_PAYLOADS, FUZZ_NETWORK } from '../corpus.js';
import { type FuzzInput, type FuzzTarget, type Harness, invariant } from '../engine.js';
import { frameStream } from '../inputs.js';
import { memoryDial } from '../memory-dial.js';
import { memoryConnection, memoryPair, type MemorySocket } from '../memory-socket.js';
import { chunked } from '../mutate.js';
import { auditStore, FailureLog, LIVENESS_TIMEOUT_MS, turn } from './session.js';

/**
 * `variant`: 0, the case's bytes are the relay's answer to the member's hello (the handshake stage);
 * 1, they come on a session the relay opened with a valid welcome.
 */
export const MEMBER_VARIANTS = ['handshake', 'in-session'] as const;

const ALL_KINDS = [...FRAME_PAYLOADS.keys()];
/** What a relay sends, twice as likely as what only a member sends. */
const SESSION_KINDS: FrameKind[] = [...ALL_KINDS, 'message', 'message', 'presence', 'roster', 'error', 'redirect', 'leave', 'syncOffer', 'syncRequest', 'syncBatch', 'syncBatch'];
const HANDSHAKE_KINDS: FrameKind[] = ['welcome', 'welcome', 'welcome', 'redirect', 'error', ...ALL_KINDS];

const RELAY = fixedIdentity('relay');
const ALICE = fixedIdentity('alice');
/** Where the member is always sent back to: the in-memory dial answers whatever the address. */
const RELAY_ADDRESS = { host: '127.0.0.1', port: 9 };

const WELCOME = encodeFrame({
  welcome: { protocolVersion: PROTOCOL_VERSION, relayId: RELAY.nodeId, relayNick: 'relay', nick: 'member', rooms: ['#lobby'], roster: { peers: [] }, epoch: 1 },
});

interface Link {
  /** The member's end: bytes fed here reach the member as if the relay sent them. */
  memberEnd: MemorySocket;
  relayConn: Connection;
  /** Resolves once the member said hello and was answered. */
  answered: Promise<void>;
}

/**
 * A real Member with a real store, connected to a fake relay in memory. The invariants: no handler
 * throws; whatever the relay sends, the member comes back (it redials, is welcomed) and still stores and
 * shows a valid line, checked every `checkEvery` cases with a line of alice's; the store holds nothing
 * unverifiable. A redirect to anywhere lands on the fake relay again: the 'lost' listener retargets.
 */
class MemberHarness implements Harness {
  readonly #member: Member;
  readonly #replica: Replica;
  readonly #closeReplica: () => Promise<void>;
  readonly #failures = new FailureLog();
  readonly #waiters = new Waiters();
  #link: Link | undefined;
  /** Bytes the next link answers the hello with, instead of a welcome. */
  #handshake: FuzzInput | undefined;
  #lastShown = '';
  #aliceSeq = 0;
  #alicePrev: Buffer | undefined;
  /** Closed: dials are refused from now on. */
  #closed = false;

  private constructor(replica: { replica: Replica; close: () => Promise<void> }) {
    this.#replica = replica.replica;
    this.#closeReplica = replica.close;
    this.#member = new Member({
      identity: fixedIdentity('member'),
      network: FUZZ_NETWORK,
      nick: 'member',
      rooms: ['#lobby'],
      listenPort: 0,
      addresses: [],
      rank: { forced: false, weight: 0, startedAt: 1 },
      relay: RELAY_ADDRESS,
      replica: replica.replica,
      heartbeatMs: 0,
      helloTimeoutMs: 60_000,
      dial: memoryDial((options) => (this.#closed ? undefined : this.#answer(options))),
    });
    this.#member.on('lost', () => this.#member.retarget(RELAY_ADDRESS));
    this.#member.on('connected', () => this.#waiters.notify());
    this.#member.on('message', (view) => {
      this.#lastShown = `${view.fromId}/${view.text}`;
      this.#waiters.notify();
      this.#lastShown = '';
    });
  }

  static async open(): Promise<MemberHarness> {
    const harness = new MemberHarness(await tempReplica(FUZZ_NETWORK));
    harness.#member.start();
    await harness.#connected();
    return harness;
  }

  #answer(options: Parameters<typeof memoryConnection>[1]): Connection {
    const [memberEnd, relayEnd] = memoryPair();
    const memberConn = memoryConnection(memberEnd, options);
    this.#failures.watch(memberConn, "the member's connection");
    const relayConn = memoryConnection(relayEnd);
    const handshake = this.#handshake;
    this.#handshake = undefined;
    const answered = new Promise<void>((resolve) => {
      relayConn.once('frame', (frame) => {
        if (frame.kind === 'hello' && handshake !== undefined) {
          for (const chunk of chunked(handshake.bytes, handshake.cuts)) memberEnd.receive(chunk);
        } else if (frame.kind === 'hello') {
          relayConn.send(WELCOME);
        }
        resolve();
      });
      relayConn.once('close', () => resolve());
    });
    this.#link = { memberEnd, relayConn, answered };
    this.#waiters.notify();
    return memberConn;
  }

  /** Waits until the member holds a session (it redials by itself whenever it loses one). */
  async #connected(): Promise<void> {
    await this.#waiters.until(() => (this.#member.isConnected ? true : undefined), LIVENESS_TIMEOUT_MS, () => 'the member did not get back to its relay');
  }

  async run(input: FuzzInput): Promise<void> {
    if (input.variant % MEMBER_VARIANTS.length === 0) {
      // Drop the session; the member redials at once and its next hello is answered with the case's bytes.
      this.#handshake = input;
      const dialed = this.#waiters.until(() => (this.#handshake === undefined ? true : undefined), LIVENESS_TIMEOUT_MS, () => 'the member did not redial');
      this.#link?.relayConn.close();
      await dialed;
      await this.#link!.answered;
      await turn();
      if (!this.#member.isConnected || endsMidFrame(input.bytes)) this.#link!.relayConn.close();
    } else {
      await this.#connected();
      for (const chunk of chunked(input.bytes, input.cuts)) this.#link!.memberEnd.receive(chunk);
      // A relay that stopped mid-frame is out of step for good: the next bytes would complete that frame.
      if (endsMidFrame(input.bytes)) this.#link!.relayConn.close();
      await turn();
    }
    this.#failures.throwIfAny();
  }

  async check(): Promise<void> {
    await this.#connected();
    const seq = ++this.#aliceSeq;
    const text = `check ${seq}`;
    const bytes = signMessage({ origin: ALICE.nodeId, seq, time: Date.now(), counter: 0, nick: 'alice', room: '#lobby', text, prev: this.#alicePrev }, ALICE, FUZZ_NETWORK);
    this.#alicePrev = messageHash(bytes);
    const shown = this.#waiters.until(
      () => (this.#lastShown === `${ALICE.nodeIdHex}/${text}` ? true : undefined),
      LIVENESS_TIMEOUT_MS,
      () => `the member did not show alice's line ${seq}`,
    );
    this.#link!.relayConn.send(encodeMessageFrame(bytes));
    await shown;
    this.#failures.throwIfAny();
  }

  async close(): Promise<void> {
    try {
      await this.#member.stop('quit', 0);
      await turn();
      const count = await auditStore(this.#replica.store);
      invariant(count >= this.#aliceSeq, 'every checked line of alice is stored');
    } finally {
      this.#closed = true;
      await this.#closeReplica();
    }
  }
}

/** The stream stops inside a frame (and is not refused before that point). */
function endsMidFrame(bytes: Buffer): boolean {
  const decoder = new FrameDecoder();
  try {
    decoder.push(bytes, () => undefined);
  } catch {
    return false;
  }
  return decoder.bufferedBytes > 0;
}

export const memberTarget: FuzzTarget = {
  name: 'member',
  checkEvery: 250,
  generate(rng) {
    // Handshakes cost a redial each: one case in ten.
    const variant = rng.chance(0.1) ? 0 : 1;
    return frameStream(rng, variant === 0 ? HANDSHAKE_KINDS : SESSION_KINDS, variant, 4, true);
  },
  open: () => MemberHarness.open(),
};
