import { normalizeRoom } from '../chat/names.js';
import { lanchat } from '../wire/protobuf.js';
import type { Limits } from '../wire/limits.js';
import type { Fanout } from './fanout.js';
import type { Registry } from './registry.js';
import { peerOf, type Session } from './session.js';
import { take, typingPasses } from './talk-meter.js';

/** What these handlers use of the relay's context (handlers.ts TalkContext). */
export interface TalkContext {
  readonly sessions: Registry<Session>;
  readonly fanout: Fanout<Session>;
  readonly now: () => number;
  readonly limits: Readonly<Limits>;
}

/**
 * The relay's part of the ephemeral conversation (issue 17): typing notices, away and back, whois. Nothing
 * here is stored; every kind is rate limited per member (DEFAULT_LIMITS), what is over the limit is dropped
 * without an answer, and what a member sends is passed on only to those it is for.
 */

/** A member wrote a line: it is not idle. */
export function lineWritten(ctx: TalkContext, session: Session): void {
  session.talk.lastLineAt = ctx.now();
}

/** "I am typing": to the room's other members (if the sender is in it), or to the one recipient online. */
export function onTyping(ctx: TalkContext, session: Session, typing: lanchat.Typing.$Shape): void {
  if (!typingPasses(session.talk, ctx.limits.typingIntervalMs, ctx.now())) return;
  const from = { nodeId: session.nodeId, nick: session.nick };
  if (typing.room) {
    const room = normalizeRoom(typing.room);
    const members = room === undefined ? undefined : ctx.sessions.room(room);
    if (members === undefined || !members.has(session)) return;
    ctx.fanout.multicast({ typing: { room, from } }, members, session);
    return;
  }
  const to = typing.to?.nodeId;
  if (!to || to.length !== 32) return;
  const target = ctx.sessions.byId.get(Buffer.from(to).toString('hex'));
  if (target === undefined || target === session) return;
  ctx.fanout.sendFrame(target, { typing: { to: { nodeId: target.nodeId, nick: target.nick }, from } });
}

/** Away (with a reason, cut to awayReasonChars) or back: kept in the roster, told to everyone. */
export function onAway(ctx: TalkContext, session: Session, away: lanchat.Away.$Shape): void {
  const now = ctx.now();
  const going = away.away === true;
  if (!going && session.away === undefined) return; // back from nowhere: nothing to tell
  if (!take(session.talk.away, ctx.limits.awayChangesPerMinute, now)) return;
  session.away = going ? { reason: [...(away.reason ?? '')].slice(0, ctx.limits.awayReasonChars).join(''), since: now } : undefined;
  const State = lanchat.Presence.State;
  ctx.fanout.broadcast({ presence: { state: going ? State.AWAY : State.BACK, peer: peerOf(session) } });
}

/** Who is `node_id`: the relay answers what only it knows, the member the rest from its roster. */
export function onWhois(ctx: TalkContext, session: Session, whois: lanchat.Whois.$Shape): void {
  const meter = session.talk;
  const now = ctx.now();
  if (whois.answered || !whois.nodeId || whois.nodeId.length !== 32) return;
  if (!take(meter.whois, ctx.limits.whoisPerMinute, now)) return;
  const target = ctx.sessions.byId.get(Buffer.from(whois.nodeId).toString('hex'));
  if (target === undefined) {
    ctx.fanout.sendFrame(session, { whois: { nodeId: whois.nodeId, answered: true, found: false } });
    return;
  }
  const theirs = target.talk;
  const idleMs = Math.max(0, now - (theirs.lastLineAt ?? theirs.connectedAt));
  ctx.fanout.sendFrame(session, { whois: { nodeId: target.nodeId, answered: true, found: true, idleMs, connectedAt: theirs.connectedAt } });
}
