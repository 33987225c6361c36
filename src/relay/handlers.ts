import { nickKey, nickProblem, normalizeRoom, roomProblem, suggestNick } from '../chat/names.js';
import type { Frame } from '../wire/codec.js';
import type { ErrorCode } from '../wire/errors.js';
import { clockProblem, messageProblem } from '../sync/message-rules.js';
import { DEFAULT_LIMITS, type Limits } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';
import type { Fanout } from './fanout.js';
import type { Registry } from './registry.js';
import type { Replication } from './replication.js';
import { peerOf, type Session } from './session.js';
import { lineWritten, onAway, onTyping, onWhois } from './talk.js';

/** What a handler works with: who is where, the way out, and the history (on a relay that keeps one). */
export interface RelayContext {
  readonly sessions: Registry<Session>;
  readonly fanout: Fanout<Session>;
  readonly replication: Replication | undefined;
  /** The relay's clock, ms since the epoch (lines far ahead of it are refused). */
  readonly now: () => number;
  readonly limits: Readonly<Limits>;
}

/** "quit", "timeout", a sentence at most. */
const MAX_LEAVE_REASON_CHARS = DEFAULT_LIMITS.leaveReasonChars;

const EMPTY = Buffer.alloc(0);

/** One frame from an admitted member: sync frames to its sync link, the rest to one handler per kind. */
export function dispatch(ctx: RelayContext, session: Session, frame: Frame, raw: Buffer): void {
  // Only a room message may join the pending run; anything else is answered after it.
  if (frame.kind !== 'message') ctx.fanout.flush();
  if (session.sync?.handle(frame)) return;
  switch (frame.kind) {
    case 'message':
      return onMessage(ctx, session, frame.message, raw);
    case 'join':
      return onJoin(ctx, session, frame.join);
    case 'part':
      return onPart(ctx, session, frame.part);
    case 'nick':
      return onNick(ctx, session, frame.nick);
    case 'leave':
      return onLeave(session, frame.leave);
    // Conversation, ephemeral (relay/talk.ts).
    case 'typing':
      return onTyping(ctx, session, frame.typing);
    case 'away':
      return onAway(ctx, session, frame.away);
    case 'whois':
      return onWhois(ctx, session, frame.whois);
    case 'heartbeat':
    case undefined: // a kind from a newer protocol: ignored, as protobuf intends
      return;
    default:
      reject(ctx, session, 'UNEXPECTED_FRAME', `a member does not send ${frame.kind} frames`);
  }
}

/** Tells a member what it asked for cannot be done; the connection stays open. */
export function reject(ctx: RelayContext, session: Session, code: ErrorCode, message: string, suggestion?: string): void {
  ctx.fanout.sendFrame(session, { error: { code, message, suggestion: suggestion ?? '' } });
}

/** A room message is forwarded as its author's bytes; a private one goes to its recipient only. Both are stored. */
function onMessage(ctx: RelayContext, session: Session, message: lanchat.ChatMessage.$Shape, raw: Buffer): void {
  if (!session.nodeId.equals(message.origin ?? EMPTY)) {
    reject(ctx, session, 'BAD_ORIGIN', 'a member can only send messages it wrote');
    return;
  }
  // What the message alone must be, as every node checks it again before storing it (live or synced):
  // refused here, its sender is told once, and nobody else sees it.
  const problem = messageProblem(message) ?? clockProblem(message.time ?? 0, ctx.now());
  if (problem !== undefined) {
    reject(ctx, session, problem.code, `message ${message.seq ?? 0} refused: ${problem.detail}`);
    return;
  }
  // The nick a line shows is its sender's: the signature proves the author's key, not the name it wrote.
  const nick = message.nick ?? '';
  if (nick !== session.nick && nick !== session.formerNick) {
    reject(ctx, session, 'NOT_YOUR_NICK', `you are ${session.nick}; a line signed as ${nick} is refused`);
    return;
  }
  if (message.target === 'room') {
    const text = message.text ?? '';
    if (text.length === 0 || Buffer.byteLength(text) > ctx.limits.textBytes) {
      reject(ctx, session, 'TEXT_INVALID', `a message is 1 to ${ctx.limits.textBytes} bytes of text`);
      return;
    }
    const members = ctx.sessions.room(message.room ?? '');
    if (members === undefined || !members.has(session)) {
      reject(ctx, session, 'NOT_IN_ROOM', `you are not in ${message.room}; /join it first`);
      return;
    }
    ctx.fanout.forward(session, members, raw);
    store(ctx, session, raw);
    lineWritten(ctx, session);
    return;
  }
  ctx.fanout.flush();
  if (message.target === 'to' && message.sealed) {
    // Stored and replicated whether or not the recipient is here: it gets it on its next sync. Its sender
    // knows it sent to someone offline (the member says so itself, issue 17 item 8): no error for it.
    store(ctx, session, raw);
    lineWritten(ctx, session);
    const target = ctx.sessions.byId.get(Buffer.from(message.to?.nodeId ?? EMPTY).toString('hex'));
    if (target !== undefined) ctx.fanout.send(target, raw);
    return;
  }
  reject(ctx, session, 'BAD_FRAME', 'a message needs a room and a text, or a recipient and a sealed body');
}

function store(ctx: RelayContext, session: Session, raw: Buffer): void {
  const problem = ctx.replication?.store(session, raw);
  if (problem !== undefined) reject(ctx, session, 'BAD_FRAME', problem);
}

function onJoin(ctx: RelayContext, session: Session, join: lanchat.JoinRoom.$Shape): void {
  const room = normalizeRoom(join.room ?? '');
  if (room === undefined) {
    reject(ctx, session, 'ROOM_INVALID', roomProblem(join.room ?? ''));
    return;
  }
  if (session.rooms.has(room)) return;
  if (session.rooms.size >= ctx.limits.roomsPerMember) {
    reject(ctx, session, 'TOO_MANY_ROOMS', `you are in ${ctx.limits.roomsPerMember} rooms already; /part one first`);
    return;
  }
  ctx.sessions.join(session, room);
  ctx.fanout.broadcast({ presence: { state: lanchat.Presence.State.JOINED, peer: peerOf(session), room } });
}

function onPart(ctx: RelayContext, session: Session, part: lanchat.PartRoom.$Shape): void {
  const room = normalizeRoom(part.room ?? '');
  if (room === undefined || !session.rooms.has(room)) {
    reject(ctx, session, 'NOT_IN_ROOM', `you are not in ${part.room ?? 'that room'}`);
    return;
  }
  ctx.sessions.part(session, room);
  ctx.fanout.broadcast({ presence: { state: lanchat.Presence.State.LEFT, peer: peerOf(session), room } });
}

function onNick(ctx: RelayContext, session: Session, request: lanchat.SetNick.$Shape): void {
  const nick = request.nick ?? '';
  const problem = nickProblem(nick);
  if (problem !== undefined) {
    reject(ctx, session, 'NICK_INVALID', problem);
    return;
  }
  if (nick === session.nick) return;
  const holder = ctx.sessions.byNick.get(nickKey(nick));
  if (holder !== undefined && holder !== session) {
    const free = suggestNick(nick, (n) => ctx.sessions.byNick.has(nickKey(n)));
    reject(ctx, session, 'NICK_IN_USE', `the nick ${nick} is taken; try ${free}`, free);
    return;
  }
  const oldNick = session.nick;
  session.formerNick = oldNick;
  ctx.sessions.rename(session, nick);
  ctx.fanout.broadcast({ presence: { state: lanchat.Presence.State.RENAMED, peer: peerOf(session), oldNick } });
}

function onLeave(session: Session, leave: lanchat.Leave.$Shape): void {
  // The reason is passed on to everyone in a presence: a long one would not fit a frame, and the throw
  // would escape the close handler that sends it. Cut by characters, so no UTF-16 pair is split.
  session.leaveReason = [...(leave.reason || 'quit')].slice(0, MAX_LEAVE_REASON_CHARS).join('');
  session.conn.close();
}
