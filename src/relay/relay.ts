import { EventEmitter } from 'node:events';
import type { Connection } from '../net/connection.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Identity } from '../identity/identity.js';
import { nodeKeysOf } from '../identity/node-keys.js';
import { identityProven, proveIdentity } from '../identity/proof.js';
import type { Replica } from '../sync/replica.js';
import { encodeFrame, type Frame } from '../wire/codec.js';
import { type Limits, PROTOCOL_VERSION, resolveLimits } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';
import {
  admit,
  describeNickTaken,
  describeRefusal,
  isRefusal,
  type ProofVerdict,
} from './admission.js';
import { Fanout } from './fanout.js';
import { dispatch, type RelayContext, reject } from './handlers.js';
import { Registry } from './registry.js';
import type { SyncCounters } from '../sync/sync-link.js';
import { Replication } from './replication.js';
import { peerOf, type Session } from './session.js';
import { newMeter } from './talk-meter.js';

export interface RelayOptions {
  nodeId: Buffer;
  /** The relay's own user's nick, announced to newcomers before that user's session is up. */
  nick: string;
  network: string;
  /** How many relays the network has had; told to members in the welcome. */
  epoch?: number;
  helloTimeoutMs?: number;
  /** Over DEFAULT_LIMITS (wire/limits.ts): hello size and time, rooms, announced addresses, text size. */
  limits?: Partial<Limits>;
  /** The relay node's identity: on a TLS link (a room secret), the welcome proves the relay id with it. */
  identity?: Identity;
  /**
   * The relay node's own member is on its way (a node's relay): others' hellos wait for it, at most
   * `ownMemberFirstMs`, so the roster of their welcome holds the relay's own user.
   */
  awaitOwnMember?: boolean;
  /**
   * The relay node's history. With it, the relay stores every message it forwards (off the fan-out path,
   * in batches), syncs with every member, and tells the others what it learns. Without it, a pure router.
   */
  replica?: Replica;
}

interface RelayEvents {
  /** Messages new to this node that one sync batch from a member brought (its own user may want them). */
  learned: [fresh: StoredMessage[]];
  /** A round of sync with a member that brought something new has ended. */
  settled: [];
  /** The relay's store failed to write what members sent (a full disk): once while it lasts. */
  storeFailed: [error: Error, count: number];
}

/**
 * The relay role: it admits members (hello → welcome), keeps who is where, and fans chat out. A room
 * message is forwarded as the very bytes its author sent, so the fan-out path never re-encodes, and each
 * presence change is encoded once and the same bytes written to every recipient.
 *
 * This class owns the connections' lifecycle and carries out what the parts decide: admission.ts (pure:
 * a hello and the relay's state → a session or a refusal), handlers.ts (one handler per frame kind),
 * registry.ts (who is where), fanout.ts (what goes out, in order) and replication.ts (the history).
 */
export class Relay extends EventEmitter<RelayEvents> {
  readonly #options: RelayOptions;
  readonly #pending = new Set<Connection>();
  readonly #sessions = new Registry<Session>();
  readonly #fanout = new Fanout<Session>(this.#sessions.byId);
  readonly #replication: Replication | undefined;
  readonly #context: RelayContext;
  #stopped = false;
  /**
   * Hellos of other nodes held until the relay's own member is in; undefined once it is (or never awaited).
   * Bounded by the connections the listener lets in, and in time by ownMemberFirstMs.
   */
  #held: { conn: Connection; hello: Frame; admitted: (session: Session | undefined) => void }[] | undefined;
  #heldTimer: NodeJS.Timeout | undefined;

  constructor(options: RelayOptions) {
    super();
    this.#options = options;
    const limits = resolveLimits(options.limits);
    this.#replication =
      options.replica === undefined
        ? undefined
        : new Replication({
            replica: options.replica,
            sessions: this.#sessions.byId,
            learned: (fresh) => this.emit('learned', fresh),
            settled: () => this.emit('settled'),
            storeFailed: (error, count) => this.emit('storeFailed', error, count),
            limits,
          });
    this.#context = {
      sessions: this.#sessions,
      fanout: this.#fanout,
      replication: this.#replication,
      now: Date.now,
      limits,
    };
    if (options.awaitOwnMember === true) {
      this.#held = [];
      this.#heldTimer = setTimeout(() => this.#releaseHeld(), this.#context.limits.ownMemberFirstMs);
      this.#heldTimer.unref();
    }
  }

  /** Sync frames of members dropped since start, and the most answers one member had queued at once. */
  get syncCounters(): Readonly<SyncCounters> {
    return this.#replication?.counters ?? { unasked: 0, requests: 0, answersQueuedMost: 0 };
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * Takes over a freshly accepted connection; it must say hello within the timeout. `hello` is its first
   * frame when the caller already read it.
   */
  accept(conn: Connection, hello?: Frame): void {
    if (this.#stopped) {
      conn.close('CLOSED');
      return;
    }
    this.#pending.add(conn);
    const timer = setTimeout(
      () => conn.close('HELLO_TIMEOUT', 'no hello within the time limit'),
      this.#options.helloTimeoutMs ?? this.#context.limits.helloTimeoutMs,
    );
    timer.unref();
    let session: Session | undefined;
    let held = false;
    const admitted = (s: Session | undefined): void => {
      held = false;
      session = s;
    };
    conn.on('frame', (frame, raw) => {
      if (session !== undefined) {
        dispatch(this.#context, session, frame, raw);
        return;
      }
      if (held) {
        // A member says nothing before its welcome; a heartbeat is no harm.
        if (frame.kind !== 'heartbeat') conn.close('UNEXPECTED_FRAME', `a ${frame.kind} frame before the welcome`);
        return;
      }
      clearTimeout(timer);
      held = this.#admitOrHold(conn, frame, admitted);
    });
    conn.once('close', (info) => {
      clearTimeout(timer);
      this.#pending.delete(conn);
      if (session !== undefined) {
        this.#remove(session, session.leaveReason ?? (info.code === 'HEARTBEAT_TIMEOUT' ? 'timeout' : 'connection lost'));
      }
    });
    if (hello !== undefined) {
      clearTimeout(timer);
      held = this.#admitOrHold(conn, hello, admitted);
    }
  }

  /**
   * Admits `hello` now, or holds it (true) while the relay's own member is awaited; the relay's own
   * member, once in, lets the held ones in after it, in the order they came.
   */
  #admitOrHold(conn: Connection, hello: Frame, admitted: (session: Session | undefined) => void): boolean {
    const own = hello.kind === 'hello' && Buffer.from(hello.hello.nodeId ?? []).equals(this.#options.nodeId);
    if (this.#held !== undefined && !own) {
      this.#held.push({ conn, hello, admitted });
      return true;
    }
    this.#pending.delete(conn);
    const session = this.#admit(conn, hello);
    admitted(session);
    if (own && session !== undefined) this.#releaseHeld();
    return false;
  }

  /** The relay's own member is in, or was awaited long enough: the held hellos are admitted, in order. */
  #releaseHeld(): void {
    clearTimeout(this.#heldTimer);
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const { conn, hello, admitted } of held) {
      if (this.#stopped || !conn.isOpen) continue;
      this.#pending.delete(conn);
      admitted(this.#admit(conn, hello));
    }
  }

  /** Resolves once the messages forwarded so far are stored. */
  async stored(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.#replication?.storing;
  }

  /** Steps down: sends every member to the new relay, then closes. */
  handOver(relay: { nodeId: Buffer; host: string; port: number }, reason = 'relay handed over'): void {
    if (this.#stopped) return;
    const redirect = encodeFrame({ redirect: { relayId: relay.nodeId, host: relay.host, port: relay.port } });
    for (const session of this.#sessions.values()) {
      session.leaveReason = reason;
      session.conn.send(redirect);
    }
    this.stop(reason, false);
  }

  /** Tells every member the relay is going away, then closes every connection. Safe to call twice. */
  stop(reason = 'relay stopping', sayLeave = true): void {
    if (this.#stopped) return;
    this.#fanout.flush();
    this.#stopped = true;
    clearTimeout(this.#heldTimer);
    this.#held = undefined;
    this.#replication?.stop();
    const leave = encodeFrame({ leave: { reason } });
    for (const session of this.#sessions.values()) {
      session.leaveReason = reason;
      if (sayLeave) session.conn.send(leave);
      session.conn.close();
    }
    for (const conn of this.#pending) conn.close();
  }

  /** Carries out admission: refuses, or replaces a stale session, welcomes, and announces the newcomer. */
  #admit(conn: Connection, frame: Frame): Session | undefined {
    this.#fanout.flush();
    const material = conn.proofMaterial();
    const admission = admit(frame, {
      network: this.#options.network,
      protocolVersion: PROTOCOL_VERSION,
      sessions: this.#sessions,
      proof: proofVerdict(frame, material),
      remoteAddress: conn.remoteAddress,
      limits: this.#context.limits,
    });
    if (isRefusal(admission)) {
      conn.close(admission.code, describeRefusal(admission));
      return undefined;
    }
    const replaced = admission.replaces ? this.#sessions.byId.get(admission.nodeIdHex) : undefined;
    // The rooms it was in, kept before unregistering empties them: only the changes are announced.
    const roomsBefore = replaced === undefined ? undefined : new Set(replaced.rooms);
    if (replaced !== undefined) {
      // The same node reconnected before its old connection timed out: the old one is stale.
      this.#sessions.unregister(replaced);
      replaced.leaveReason = 'replaced';
      replaced.conn.close('DUPLICATE_NODE', 'replaced by a newer connection from the same node');
    }
    // A literal, not a spread of the admission: the fan-out loop reads `conn` of every session, and
    // spread-built sessions made that loop up to half again as slow (bench notes in the commit).
    const session: Session = {
      conn,
      nodeId: admission.nodeId,
      nodeIdHex: admission.nodeIdHex,
      nick: admission.nick,
      rooms: admission.rooms,
      addresses: admission.addresses,
      port: admission.port,
      rank: admission.rank,
      keys: admission.keys,
      sync: undefined,
      leaveReason: undefined,
      away: undefined,
      talk: newMeter(this.#context.now(), this.#context.limits),
    };
    // Encoded before the session is registered: a roster too big for one frame must not leave a session
    // behind whose connection never got its welcome.
    let welcome: Buffer;
    try {
      welcome = this.#welcome(session, material);
    } catch {
      conn.close('SERVER_FULL', describeRefusal({ code: 'SERVER_FULL' }));
      return undefined;
    }
    this.#sessions.register(session);
    conn.send(welcome);
    if (admission.nickTaken !== undefined) {
      reject(this.#context, session, 'NICK_IN_USE', describeNickTaken(admission.nickTaken, session.nick), session.nick);
    }
    if (roomsBefore === undefined) {
      this.#fanout.broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session) } }, session);
    } else {
      this.#announceRoomChanges(session, roomsBefore);
    }
    this.#replication?.link(session);
    return session;
  }

  /** The welcome for `session`, not registered yet: the roster is everyone else and it. */
  #welcome(session: Session, material: Buffer | undefined): Buffer {
    return encodeFrame({
      welcome: {
        protocolVersion: PROTOCOL_VERSION,
        relayId: this.#options.nodeId,
        relayNick: this.#sessions.byId.get(this.#options.nodeId.toString('hex'))?.nick ?? this.#options.nick,
        nick: session.nick,
        rooms: [...session.rooms],
        roster: { peers: [...this.#sessions.values()].concat(session).map(peerOf) },
        epoch: this.#options.epoch ?? 0,
        ...this.#identityProof(material),
      },
    });
  }

  /** The relay's keys and its signature over the link's keying material, on a TLS link. */
  #identityProof(material: Buffer | undefined): Pick<lanchat.Welcome.$Properties, 'relayKeys' | 'proof'> {
    const identity = this.#options.identity;
    if (material === undefined || identity === undefined) return {};
    return { relayKeys: nodeKeysOf(identity), proof: proveIdentity(identity, material) };
  }

  #remove(session: Session, reason: string): void {
    this.#fanout.flush();
    if (!this.#sessions.unregister(session)) return;
    if (this.#stopped) return;
    this.#fanout.broadcast({ presence: { state: lanchat.Presence.State.LEFT, peer: peerOf(session), reason } });
  }

  /** After a silent reconnect: tell everyone which rooms the node entered or left meanwhile. */
  #announceRoomChanges(session: Session, before: ReadonlySet<string>): void {
    for (const room of session.rooms) {
      if (!before.has(room)) {
        this.#fanout.broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session), room } }, session);
      }
    }
    for (const room of before) {
      if (!session.rooms.has(room)) {
        this.#fanout.broadcast({ presence: { state: lanchat.Presence.State.LEFT, peer: peerOf(session), room } }, session);
      }
    }
  }
}

/**
 * Whether the hello's keys prove its node id over this TLS session. Checked before admission, which takes
 * the verdict as data; a hello without a well-formed node id is refused before the verdict matters.
 */
function proofVerdict(frame: Frame, material: Buffer | undefined): ProofVerdict {
  if (material === undefined) return 'no-tls';
  if (frame.kind !== 'hello' || !(frame.hello.nodeId instanceof Uint8Array)) return 'unproven';
  return identityProven(frame.hello.nodeId, frame.hello.keys, frame.hello.proof, material) ? 'proven' : 'unproven';
}
