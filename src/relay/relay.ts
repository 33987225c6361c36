import type { Connection } from '../net/connection.js';
import { nickKey, nickProblem, normalizeRoom, roomProblem, suggestNick } from '../chat/names.js';
import { encodeFrame, type Frame } from '../wire/codec.js';
import type { ErrorCode } from '../wire/errors.js';
import { HELLO_TIMEOUT_MS, MAX_TEXT_BYTES, PROTOCOL_VERSION } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';

export interface RelayOptions {
  nodeId: Buffer;
  /** The relay's own user's nick, announced to newcomers before that user's session is up. */
  nick: string;
  network: string;
  /** How many relays the network has had; told to members in the welcome. */
  epoch?: number;
  helloTimeoutMs?: number;
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
  leaveReason: string | undefined;
}

/**
 * The relay role: it admits members (hello → welcome), keeps who is where, and fans chat out. A room
 * message is forwarded as the very bytes its author sent, so the fan-out path never re-encodes, and each
 * presence change is encoded once and the same bytes written to every recipient.
 */
export class Relay {
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
  /**
   * The chat of the relay's first seconds, replayed to whoever arrives in a room then: members of a relay
   * that just took over arrive one by one, and a line sent meanwhile must still reach the late ones (they
   * drop a line they already have, by its id). Only the first seconds: keeping every line for a while
   * would cost the fan-out path a copy and the garbage collector a long-lived object per message.
   */
  readonly #startedAt = Date.now();
  readonly #recent: { at: number; origin: Buffer; room: string | undefined; to: string | undefined; frame: Buffer }[] = [];

  constructor(options: RelayOptions) {
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
      if (room !== undefined) rooms.add(room);
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
      leaveReason: undefined,
    };
    this.#register(session);
    conn.sendFrame({
      welcome: {
        protocolVersion: PROTOCOL_VERSION,
        relayId: this.#options.nodeId,
        relayNick: this.#sessions.get(this.#options.nodeId.toString('hex'))?.nick ?? this.#options.nick,
        nick,
        rooms: [...rooms],
        roster: { peers: [...this.#sessions.values()].map(peerOf) },
        epoch: this.#options.epoch ?? 0,
      },
    });
    if (taken !== undefined) {
      this.#reject(session, 'NICK_IN_USE', `the nick ${askedNick} is taken; you are ${nick}`, nick);
    }
    if (replaced === undefined) {
      this.#broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session) } }, session);
    } else {
      this.#announceRoomChanges(session, replaced.rooms);
    }
    this.#replay(session);
    return session;
  }

  #dispatch(session: Session, frame: Frame, raw: Buffer): void {
    if (frame.kind !== 'message') this.#flushRun();
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
    const text = message.text ?? '';
    if (text.length === 0 || Buffer.byteLength(text) > MAX_TEXT_BYTES) {
      this.#reject(session, 'TEXT_INVALID', `a message is 1 to ${MAX_TEXT_BYTES} bytes of text`);
      return;
    }
    if (message.target === 'room') {
      const members = this.#rooms.get(message.room!);
      if (members === undefined || !members.has(session)) {
        this.#reject(session, 'NOT_IN_ROOM', `you are not in ${message.room}; /join it first`);
        return;
      }
      this.#remember(session, message.room!, undefined, raw);
      this.#forward(session, members, raw);
      return;
    }
    this.#flushRun();
    if (message.target === 'to') {
      const targetId = Buffer.from(message.to?.nodeId ?? EMPTY).toString('hex');
      const target = this.#sessions.get(targetId);
      if (target === undefined) {
        this.#reject(session, 'NO_SUCH_NICK', `${message.to?.nick ?? 'that person'} is not online`);
        return;
      }
      this.#remember(session, undefined, targetId, raw);
      target.conn.send(raw);
      return;
    }
    this.#reject(session, 'BAD_FRAME', 'a message needs a room or a recipient');
  }

  #remember(sender: Session, room: string | undefined, to: string | undefined, raw: Buffer): void {
    if (Date.now() - this.#startedAt > REPLAY_MS) return;
    const recent = this.#recent;
    // A copy: the frame is a view of a whole network chunk that must not stay pinned for seconds.
    recent.push({ at: Date.now(), origin: sender.nodeId, room, to, frame: Buffer.from(raw) });
    // Trimmed in bulk, not one by one: this runs for every message on the fan-out path. Age is checked
    // when replaying.
    if (recent.length >= 2 * MAX_REPLAY) recent.splice(0, recent.length - MAX_REPLAY);
  }

  /** Sends `session` the recent lines of `room` (or of all its rooms, and those sent to it) it may lack. */
  #replay(session: Session, room?: string): void {
    const since = Date.now() - REPLAY_MS;
    for (const entry of this.#recent.slice(-MAX_REPLAY)) {
      if (entry.at < since || entry.origin.equals(session.nodeId)) continue;
      const wanted =
        room !== undefined
          ? entry.room === room
          : (entry.room !== undefined && session.rooms.has(entry.room)) || entry.to === session.nodeIdHex;
      if (wanted) session.conn.send(entry.frame);
    }
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
    session.rooms.add(room);
    this.#roomMembers(room).add(session);
    this.#broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session), room } });
    this.#replay(session, room);
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
    session.leaveReason = leave.reason || 'quit';
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
/** How long after its start a relay keeps its chat for latecomers, and how many lines at most. */
export const REPLAY_MS = 10_000;
const MAX_REPLAY = 1_000;

function peerOf(session: Session): lanchat.Peer.$Properties {
  return {
    nodeId: session.nodeId,
    nick: session.nick,
    addresses: session.addresses,
    port: session.port,
    rank: session.rank ?? null,
    rooms: [...session.rooms],
  };
}

/**
 * Where other members can reach a node: first the address the relay saw it connect from (on the LAN the
 * members share; loopback when it runs on the relay's machine), then the addresses it announced.
 */
function reachableAddresses(remote: string, announced: readonly string[]): string[] {
  const seen = remote.replace(/^::ffff:/, '');
  return seen === '' ? [...announced] : [seen, ...announced.filter((a) => a !== seen)];
}
