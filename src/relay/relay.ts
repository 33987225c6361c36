import { EventEmitter } from 'node:events';
import type { Connection } from '../net/connection.js';
import { nickKey, nickProblem, normalizeRoom, roomProblem, suggestNick } from '../chat/names.js';
import type { StoredMessage } from '../store/history-store.js';
import type { Identity } from '../identity/identity.js';
import { normalizeAddress } from '../net/address.js';
import { nodeKeysOf } from '../identity/node-keys.js';
import { identityProven, proveIdentity } from '../identity/proof.js';
import type { Replica } from '../sync/replica.js';
import { SyncLink } from '../sync/sync-link.js';
import { encodeFrame, type Frame, messageBytesOfFrame } from '../wire/codec.js';
import type { ErrorCode } from '../wire/errors.js';
import { HELLO_TIMEOUT_MS, MAX_ROOMS_PER_MEMBER, MAX_TEXT_BYTES, PROTOCOL_VERSION } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';

export interface RelayOptions {
  nodeId: Buffer;
  /** The relay's own user's nick, announced to newcomers before that user's session is up. */
  nick: string;
  network: string;
  /** How many relays the network has had; told to members in the welcome. */
  epoch?: number;
  helloTimeoutMs?: number;
  /** The relay node's identity: on a TLS link (a room secret), the welcome proves the relay id with it. */
  identity?: Identity;
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
}

/** One member connected to the relay. */
interface Session {
  readonly conn: Connection;
  readonly nodeId: Buffer;
  readonly nodeIdHex: string;
  nick: string;
  readonly rooms: Set<string>;
  readonly addresses: string[];
  readonly port: number;
  readonly rank: lanchat.Rank.$Properties | null | undefined;
  readonly keys: lanchat.NodeKeys.$Properties | null | undefined;
  sync: SyncLink | undefined;
  leaveReason: string | undefined;
}

/**
 * The relay role: it admits members (hello → welcome), keeps who is where, and fans chat out. A room
 * message is forwarded as the very bytes its author sent, so the fan-out path never re-encodes, and each
 * presence change is encoded once and the same bytes written to every recipient.
 */
export class Relay extends EventEmitter<RelayEvents> {
  readonly #options: RelayOptions;
  readonly #pending = new Set<Connection>();
  readonly #sessions = new Map<string, Session>();
  readonly #byNick = new Map<string, Session>();
  readonly #rooms = new Map<string, Set<Session>>();
  #stopped = false;
  /**
   * Room messages from one sender to one room that arrived back to back in one chunk: forwarded as one
   * slice of that chunk at the end of the turn, so each recipient gets one write per chunk, not per frame.
   * Anything else the relay sends flushes it first, which keeps every recipient's order.
   */
  #run: { sender: Session; members: Set<Session>; bytes: ArrayBufferLike; start: number; end: number } | undefined;
  #runFlushScheduled = false;
  /** Messages forwarded this turn, stored together at its end; and who sent each. */
  #unstored: { session: Session; bytes: Uint8Array }[] = [];
  #storing: Promise<void> = Promise.resolve();
  #offerScheduled = false;

  constructor(options: RelayOptions) {
    super();
    this.#options = options;
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
      this.#options.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
    );
    timer.unref();
    let session: Session | undefined;
    conn.on('frame', (frame, raw) => {
      if (session !== undefined) {
        this.#dispatch(session, frame, raw);
        return;
      }
      clearTimeout(timer);
      this.#pending.delete(conn);
      session = this.#admit(conn, frame);
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
      this.#pending.delete(conn);
      session = this.#admit(conn, hello);
    }
  }

  /** Resolves once the messages forwarded so far are stored. */
  async stored(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.#storing;
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
    this.#flushRun();
    this.#stopped = true;
    const leave = encodeFrame({ leave: { reason } });
    for (const session of this.#sessions.values()) {
      session.leaveReason = reason;
      if (sayLeave) session.conn.send(leave);
      session.conn.close();
    }
    for (const conn of this.#pending) conn.close();
  }

  /** The relay's keys and its signature over the link's keying material, on a TLS link. */
  #identityProof(material: Buffer | undefined): Pick<lanchat.Welcome.$Properties, 'relayKeys' | 'proof'> {
    const identity = this.#options.identity;
    if (material === undefined || identity === undefined) return {};
    return { relayKeys: nodeKeysOf(identity), proof: proveIdentity(identity, material) };
  }

  #admit(conn: Connection, frame: Frame): Session | undefined {
    this.#flushRun();
    if (frame.kind !== 'hello') {
      conn.close('UNEXPECTED_FRAME', 'the first frame must be a hello');
      return undefined;
    }
    const hello = frame.hello;
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      conn.close('PROTOCOL_VERSION', `protocol ${hello.protocolVersion ?? 0} is not ${PROTOCOL_VERSION}; upgrade lanchat`);
      return undefined;
    }
    if ((hello.network ?? '') !== this.#options.network) {
      conn.close('WRONG_NETWORK', `this relay serves network "${this.#options.network}", not "${hello.network ?? ''}"`);
      return undefined;
    }
    const nodeId = hello.nodeId;
    if (!(nodeId instanceof Uint8Array) || nodeId.length !== 32) {
      conn.close('BAD_FRAME', 'a hello needs a 32-byte node id');
      return undefined;
    }
    // What a hello announces goes into every welcome and presence about its node: near the frame limit
    // itself, those frames would not encode, and the throw would leave a session behind or, on leaving,
    // escape a close handler.
    if (lanchat.Hello.encode(hello).len > MAX_HELLO_BYTES) {
      conn.close('BAD_FRAME', `a hello is at most ${MAX_HELLO_BYTES} bytes`);
      return undefined;
    }
    const material = conn.proofMaterial();
    if (material !== undefined && !identityProven(nodeId, hello.keys, hello.proof, material)) {
      conn.close('BAD_IDENTITY', 'the hello does not prove its node id (a signature over this TLS session)');
      return undefined;
    }
    const askedNick = hello.nick ?? '';
    const problem = nickProblem(askedNick);
    if (problem !== undefined) {
      conn.close('NICK_INVALID', problem);
      return undefined;
    }
    const nodeIdHex = Buffer.from(nodeId).toString('hex');
    const replaced = this.#sessions.get(nodeIdHex);
    if (replaced !== undefined) {
      // The same node reconnected before its old connection timed out: the old one is stale.
      this.#unregister(replaced);
      replaced.leaveReason = 'replaced';
      replaced.conn.close('DUPLICATE_NODE', 'replaced by a newer connection from the same node');
    }
    const taken = this.#byNick.get(nickKey(askedNick));
    const nick = taken === undefined ? askedNick : suggestNick(askedNick, (n) => this.#byNick.has(nickKey(n)));
    const rooms = new Set<string>();
    for (const asked of hello.rooms ?? []) {
      const room = normalizeRoom(asked);
      if (room !== undefined && rooms.size < MAX_ROOMS_PER_MEMBER) rooms.add(room);
    }
    const session: Session = {
      conn,
      nodeId: Buffer.from(nodeId),
      nodeIdHex,
      nick,
      rooms,
      addresses: reachableAddresses(conn.remoteAddress, hello.addresses ?? []),
      port: hello.listenPort ?? 0,
      rank: hello.rank,
      keys: hello.keys,
      sync: undefined,
      leaveReason: undefined,
    };
    // Encoded before the session is registered: a roster too big for one frame must not leave a session
    // behind whose connection never got its welcome.
    let welcome: Buffer;
    try {
      welcome = encodeFrame({
        welcome: {
          protocolVersion: PROTOCOL_VERSION,
          relayId: this.#options.nodeId,
          relayNick: this.#sessions.get(this.#options.nodeId.toString('hex'))?.nick ?? this.#options.nick,
          nick,
          rooms: [...rooms],
          roster: { peers: [...this.#sessions.values()].filter((s) => s !== replaced).concat(session).map(peerOf) },
          epoch: this.#options.epoch ?? 0,
          ...this.#identityProof(material),
        },
      });
    } catch {
      conn.close('SERVER_FULL', 'the roster of this relay no longer fits in a welcome');
      return undefined;
    }
    this.#register(session);
    conn.send(welcome);
    if (taken !== undefined) {
      this.#reject(session, 'NICK_IN_USE', `the nick ${askedNick} is taken; you are ${nick}`, nick);
    }
    if (replaced === undefined) {
      this.#broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session) } }, session);
    } else {
      this.#announceRoomChanges(session, replaced.rooms);
    }
    this.#startSync(session);
    return session;
  }

  /** Asks the newcomer for what it holds that the relay lacks: lines written offline, another side's chat. */
  #startSync(session: Session): void {
    const replica = this.#options.replica;
    if (replica === undefined) return;
    const link = new SyncLink(session.conn, replica);
    session.sync = link;
    link.on('learned', (fresh) => {
      this.#offerToAll();
      this.emit('learned', fresh);
    });
    // Its own user sees what a round brought at once, when it settles.
    link.on('settled', ({ fresh }) => fresh > 0 && this.emit('settled'));
    link.on('refused', (refusals) => {
      session.conn.close('BAD_SIGNATURE', `a sync batch failed verification: ${refusals[0]?.reason ?? 'invalid'}`);
    });
    link.request();
  }

  /** Tells every member what the relay holds now; those that lack something ask for it. */
  #offerToAll(): void {
    if (this.#offerScheduled) return;
    this.#offerScheduled = true;
    setImmediate(() => {
      this.#offerScheduled = false;
      if (this.#stopped) return;
      for (const session of this.#sessions.values()) session.sync?.offer();
    });
  }

  /**
   * Stores what was forwarded this turn, in one batch, verified: a member that sent a forged message
   * is disconnected (its bytes were already forwarded; every member verifies before it stores or shows).
   */
  #store(session: Session, raw: Buffer): void {
    if (this.#options.replica === undefined) return;
    let bytes: Uint8Array;
    try {
      // A copy: the frame is a view of a whole network chunk that must not stay pinned.
      bytes = Uint8Array.prototype.slice.call(messageBytesOfFrame(raw));
    } catch (err) {
      this.#reject(session, 'BAD_FRAME', (err as Error).message);
      return;
    }
    this.#unstored.push({ session, bytes });
    if (this.#unstored.length === 1) setImmediate(() => this.#storeBatch());
  }

  #storeBatch(): void {
    const batch = this.#unstored;
    this.#unstored = [];
    const replica = this.#options.replica!;
    this.#storing = this.#storing.then(async () => {
      try {
        const { refused } = await replica.ingest(batch.map((b) => b.bytes));
        for (const refusal of refused) {
          const sender = batch.find((b) => refusal.origin === b.session.nodeIdHex)?.session;
          sender?.conn.close('BAD_SIGNATURE', `message ${refusal.seq ?? '?'} refused: ${refusal.reason}`);
        }
      } catch {
        // A store failure on the relay costs no member anything: each stores what it receives.
      }
    });
  }

  #dispatch(session: Session, frame: Frame, raw: Buffer): void {
    if (frame.kind !== 'message') this.#flushRun();
    if (session.sync?.handle(frame)) return;
    switch (frame.kind) {
      case 'message':
        return this.#onMessage(session, frame.message, raw);
      case 'join':
        return this.#onJoin(session, frame.join);
      case 'part':
        return this.#onPart(session, frame.part);
      case 'nick':
        return this.#onNick(session, frame.nick);
      case 'leave':
        return this.#onLeave(session, frame.leave);
      case 'heartbeat':
      case undefined: // a kind from a newer protocol: ignored, as protobuf intends
        return;
      default:
        this.#reject(session, 'UNEXPECTED_FRAME', `a member does not send ${frame.kind} frames`);
    }
  }

  #onMessage(session: Session, message: lanchat.ChatMessage.$Shape, raw: Buffer): void {
    if (!session.nodeId.equals(message.origin ?? EMPTY)) {
      this.#reject(session, 'BAD_ORIGIN', 'a member can only send messages it wrote');
      return;
    }
    if (message.target === 'room') {
      const text = message.text ?? '';
      if (text.length === 0 || Buffer.byteLength(text) > MAX_TEXT_BYTES) {
        this.#reject(session, 'TEXT_INVALID', `a message is 1 to ${MAX_TEXT_BYTES} bytes of text`);
        return;
      }
      const members = this.#rooms.get(message.room!);
      if (members === undefined || !members.has(session)) {
        this.#reject(session, 'NOT_IN_ROOM', `you are not in ${message.room}; /join it first`);
        return;
      }
      this.#forward(session, members, raw);
      this.#store(session, raw);
      return;
    }
    this.#flushRun();
    if (message.target === 'to' && message.sealed) {
      // Stored and replicated whether or not the recipient is here: it gets it on its next sync.
      this.#store(session, raw);
      const target = this.#sessions.get(Buffer.from(message.to?.nodeId ?? EMPTY).toString('hex'));
      if (target === undefined) {
        this.#reject(session, 'NO_SUCH_NICK', `${message.to?.nick ?? 'that person'} is not online; they will get it when they are back`);
        return;
      }
      target.conn.send(raw);
      return;
    }
    this.#reject(session, 'BAD_FRAME', 'a message needs a room and a text, or a recipient and a sealed body');
  }

  #forward(sender: Session, members: Set<Session>, raw: Buffer): void {
    const run = this.#run;
    if (run?.sender === sender && run.members === members && run.bytes === raw.buffer && run.end === raw.byteOffset) {
      run.end += raw.length;
      return;
    }
    this.#flushRun();
    this.#run = { sender, members, bytes: raw.buffer, start: raw.byteOffset, end: raw.byteOffset + raw.length };
    if (!this.#runFlushScheduled) {
      this.#runFlushScheduled = true;
      process.nextTick(() => {
        this.#runFlushScheduled = false;
        this.#flushRun();
      });
    }
  }

  #flushRun(): void {
    const run = this.#run;
    if (run === undefined) return;
    this.#run = undefined;
    const bytes = Buffer.from(run.bytes, run.start, run.end - run.start);
    for (const member of run.members) {
      if (member !== run.sender) member.conn.send(bytes);
    }
  }

  #onJoin(session: Session, join: lanchat.JoinRoom.$Shape): void {
    const room = normalizeRoom(join.room ?? '');
    if (room === undefined) {
      this.#reject(session, 'ROOM_INVALID', roomProblem(join.room ?? ''));
      return;
    }
    if (session.rooms.has(room)) return;
    if (session.rooms.size >= MAX_ROOMS_PER_MEMBER) {
      this.#reject(session, 'TOO_MANY_ROOMS', `you are in ${MAX_ROOMS_PER_MEMBER} rooms already; /part one first`);
      return;
    }
    session.rooms.add(room);
    this.#roomMembers(room).add(session);
    this.#broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session), room } });
  }

  #onPart(session: Session, part: lanchat.PartRoom.$Shape): void {
    const room = normalizeRoom(part.room ?? '');
    if (room === undefined || !session.rooms.has(room)) {
      this.#reject(session, 'NOT_IN_ROOM', `you are not in ${part.room ?? 'that room'}`);
      return;
    }
    this.#leaveRoom(session, room);
    this.#broadcast({ presence: { state: lanchat.Presence.State.LEFT, peer: peerOf(session), room } });
  }

  #onNick(session: Session, request: lanchat.SetNick.$Shape): void {
    const nick = request.nick ?? '';
    const problem = nickProblem(nick);
    if (problem !== undefined) {
      this.#reject(session, 'NICK_INVALID', problem);
      return;
    }
    if (nick === session.nick) return;
    const holder = this.#byNick.get(nickKey(nick));
    if (holder !== undefined && holder !== session) {
      const free = suggestNick(nick, (n) => this.#byNick.has(nickKey(n)));
      this.#reject(session, 'NICK_IN_USE', `the nick ${nick} is taken; try ${free}`, free);
      return;
    }
    const oldNick = session.nick;
    this.#byNick.delete(nickKey(oldNick));
    session.nick = nick;
    this.#byNick.set(nickKey(nick), session);
    this.#broadcast({ presence: { state: lanchat.Presence.State.RENAMED, peer: peerOf(session), oldNick } });
  }

  #onLeave(session: Session, leave: lanchat.Leave.$Shape): void {
    // The reason is passed on to everyone in a presence: a long one would not fit a frame, and the throw
    // would escape the close handler that sends it. Cut by characters, so no UTF-16 pair is split.
    session.leaveReason = [...(leave.reason || 'quit')].slice(0, MAX_LEAVE_REASON_CHARS).join('');
    session.conn.close();
  }

  #register(session: Session): void {
    this.#sessions.set(session.nodeIdHex, session);
    this.#byNick.set(nickKey(session.nick), session);
    for (const room of session.rooms) this.#roomMembers(room).add(session);
  }

  #unregister(session: Session): void {
    if (this.#sessions.get(session.nodeIdHex) !== session) return;
    this.#sessions.delete(session.nodeIdHex);
    if (this.#byNick.get(nickKey(session.nick)) === session) this.#byNick.delete(nickKey(session.nick));
    for (const room of session.rooms) this.#leaveRoom(session, room);
  }

  #remove(session: Session, reason: string): void {
    this.#flushRun();
    if (this.#sessions.get(session.nodeIdHex) !== session) return;
    this.#unregister(session);
    if (this.#stopped) return;
    this.#broadcast({ presence: { state: lanchat.Presence.State.LEFT, peer: peerOf(session), reason } });
  }

  /** After a silent reconnect: tell everyone which rooms the node entered or left meanwhile. */
  #announceRoomChanges(session: Session, before: Set<string>): void {
    for (const room of session.rooms) {
      if (!before.has(room)) {
        this.#broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session), room } }, session);
      }
    }
    for (const room of before) {
      if (!session.rooms.has(room)) {
        this.#broadcast({ presence: { state: lanchat.Presence.State.LEFT, peer: peerOf(session), room } }, session);
      }
    }
  }

  #roomMembers(room: string): Set<Session> {
    let members = this.#rooms.get(room);
    if (members === undefined) {
      members = new Set();
      this.#rooms.set(room, members);
    }
    return members;
  }

  #leaveRoom(session: Session, room: string): void {
    session.rooms.delete(room);
    const members = this.#rooms.get(room);
    members?.delete(session);
    if (members?.size === 0) this.#rooms.delete(room);
  }

  /** Encodes once, writes the same bytes to every member (but `except`). */
  #broadcast(frame: lanchat.Frame.$Shape, except?: Session): void {
    this.#flushRun();
    const raw = encodeFrame(frame);
    for (const session of this.#sessions.values()) {
      if (session !== except) session.conn.send(raw);
    }
  }

  #reject(session: Session, code: ErrorCode, message: string, suggestion?: string): void {
    this.#flushRun();
    session.conn.sendFrame({ error: { code, message, suggestion: suggestion ?? '' } });
  }
}

const EMPTY = Buffer.alloc(0);

/** A hello is a few hundred bytes; this leaves room for hundreds of rooms to rejoin. */
const MAX_HELLO_BYTES = 16 * 1024;
/** "quit", "timeout", a sentence at most. */
const MAX_LEAVE_REASON_CHARS = 200;

function peerOf(session: Session): lanchat.Peer.$Properties {
  return {
    nodeId: session.nodeId,
    nick: session.nick,
    addresses: session.addresses,
    port: session.port,
    rank: session.rank ?? null,
    rooms: [...session.rooms],
    keys: session.keys ?? null,
  };
}

/**
 * Where other members can reach a node: first the address the relay saw it connect from (on the LAN the
 * members share; loopback when it runs on the relay's machine), then the addresses it announced.
 */
/** Addresses a member announces beyond the one it is seen from: a host has a few, never hundreds. */
const MAX_ANNOUNCED_ADDRESSES = 8;

function reachableAddresses(remote: string, announced: readonly string[]): string[] {
  const seen = normalizeAddress(remote);
  const others = announced.filter((a) => a !== seen && a.length <= 64).slice(0, MAX_ANNOUNCED_ADDRESSES);
  return seen === '' ? others : [seen, ...others];
}
