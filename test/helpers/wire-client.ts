import type { Server } from 'node:net';
import { ephemeralIdentity, type Identity } from '../../src/identity/identity.js';
import { nodeKeysOf } from '../../src/identity/node-keys.js';
import { challengeMaterial, challengeNonce, identityProven, isNonce, proveIdentity } from '../../src/identity/proof.js';
import { lanchat } from '../../src/wire/protobuf.js';
import type { Connection } from '../../src/net/connection.js';
import { dial } from '../../src/net/dial.js';
import { listen } from '../../src/net/listener.js';
import type { Frame, FrameKind, FrameOf } from '../../src/wire/codec.js';
import { PROTOCOL_VERSION } from '../../src/wire/limits.js';
import { Waiters } from './waiters.js';

/** A protocol-level client on a real loopback socket, recording every frame it receives. */
export class WireClient {
  readonly conn: Connection;
  readonly frames: { frame: Frame; raw: Buffer }[] = [];
  readonly nodeId: Buffer;
  /** Whose keys it holds: it answers a relay's challenge with them (a bare node id cannot). */
  readonly identity: Identity | undefined;
  readonly #waiters = new Waiters();
  readonly closed: Promise<void>;
  /** The nonce of the last hello (what a challenge is answered over) and the network it named. */
  #nonce = challengeNonce();
  #network = 'test';

  private constructor(conn: Connection, who: Buffer | Identity, answerChallenge: boolean) {
    this.conn = conn;
    this.identity = Buffer.isBuffer(who) ? undefined : who;
    this.nodeId = Buffer.isBuffer(who) ? who : who.nodeId;
    conn.on('frame', (frame, raw) => {
      if (frame.kind === 'challenge' && answerChallenge && this.identity !== undefined) this.answer(frame.challenge);
      this.frames.push({ frame, raw: Buffer.from(raw) });
      this.#waiters.notify();
    });
    this.closed = new Promise((resolve) => conn.once('close', () => resolve()));
  }

  /**
   * Connects as `who`: an identity (answers challenges at once, as a real node does, unless told not to:
   * then the test calls `answer`) or a bare node id.
   */
  static async connect(port: number, who: Buffer | Identity = ephemeralIdentity(), { answerChallenge = true } = {}): Promise<WireClient> {
    return new WireClient(await dial('127.0.0.1', port, { heartbeatMs: 0 }), who, answerChallenge);
  }

  /** Signs a relay's challenge (hello-challenge in src/node/), as a node's member does. */
  answer(challenge: lanchat.Challenge.$Properties): void {
    const { nonce, relayId } = challenge;
    if (!isNonce(nonce) || !relayId) return;
    const material = challengeMaterial('link', this.#network, relayId, nonce, this.#nonce);
    this.conn.adoptProofMaterial(material);
    this.conn.sendFrame({ challenge: { proof: proveIdentity(this.identity!, material) } });
  }

  /** Connects and completes the handshake. */
  static async join(port: number, nick: string, rooms = ['#lobby'], network = 'test'): Promise<WireClient> {
    const client = await WireClient.connect(port);
    client.hello(nick, rooms, network);
    await client.next('welcome');
    return client;
  }

  hello(nick: string, rooms = ['#lobby'], network = 'test'): void {
    this.#nonce = challengeNonce();
    this.#network = network;
    const keys = this.identity === undefined ? {} : { keys: nodeKeysOf(this.identity) };
    this.conn.sendFrame({
      hello: { protocolVersion: PROTOCOL_VERSION, nodeId: this.nodeId, nick, rooms, network, listenPort: 0, challenge: this.#nonce, ...keys },
    });
  }

  /** The first frame of this kind received (already or within the timeout) that matches. */
  next<K extends FrameKind>(
    kind: K,
    match: (frame: FrameOf<K>) => boolean = () => true,
    timeoutMs = 3_000,
  ): Promise<{ frame: FrameOf<K>; raw: Buffer }> {
    return this.#waiters.until(
      () => this.frames.find((f) => f.frame.kind === kind && match(f.frame as FrameOf<K>)) as
        | { frame: FrameOf<K>; raw: Buffer }
        | undefined,
      timeoutMs,
      () => `no ${kind} frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.frame.kind).join(',')}`,
    );
  }

  received(kind: FrameKind): Frame[] {
    return this.frames.filter((f) => f.frame.kind === kind).map((f) => f.frame);
  }
}

/** A TCP listener on port 0 handing every connection to `accept`. */
export async function serve(accept: (conn: Connection) => void, heartbeatMs = 0): Promise<{ server: Server; port: number }> {
  return listen(0, accept, { heartbeatMs }, '127.0.0.1');
}

/**
 * A fake relay's side of an open network's handshake (as src/node/hello-challenge.ts does it): answers
 * the hello with a challenge from `relay`, and hands the proven hello to `welcome` with what the welcome
 * must carry to prove `relay`'s node id.
 */
export function challengeHello(
  conn: Connection,
  relay: Identity,
  network: string,
  welcome: (hello: lanchat.Hello.$Properties, proof: Pick<lanchat.Welcome.$Properties, 'relayKeys' | 'proof'>) => void,
): void {
  conn.once('frame', (first) => {
    if (first.kind !== 'hello' || !isNonce(first.hello.challenge)) return conn.close();
    const nonce = challengeNonce();
    const material = challengeMaterial('link', network, relay.nodeId, nonce, first.hello.challenge);
    conn.once('frame', (answer) => {
      if (answer.kind !== 'challenge' || !identityProven(first.hello.nodeId!, first.hello.keys, answer.challenge.proof, material)) return conn.close();
      welcome(first.hello, { relayKeys: nodeKeysOf(relay), proof: proveIdentity(relay, material) });
    });
    conn.sendFrame({ challenge: { nonce, relayId: relay.nodeId } });
  });
}
