import type { PresenceView } from '../chat/views.js';
import { lanchat } from '../wire/protobuf.js';

/** How a presence frame is shown on the node `self` (its node id); undefined for one without a peer. */
export function presenceView(presence: lanchat.Presence.$Shape, self: Buffer): PresenceView | undefined {
  const peer = presence.peer;
  if (!peer?.nodeId) return undefined;
  const isSelf = Buffer.from(peer.nodeId).equals(self);
  const room = presence.room || null;
  const nick = peer.nick ?? '';
  const State = lanchat.Presence.State;
  switch (presence.state) {
    case State.JOINED:
      return { nick, state: 'joined', room, self: isSelf, ...(room === null ? { rooms: peer.rooms ?? [] } : {}) };
    case State.LEFT:
      return { nick, state: 'left', room, self: isSelf, ...(room === null ? { reason: presence.reason || 'quit' } : {}) };
    case State.RENAMED:
      return { nick, state: 'renamed', room: null, from: presence.oldNick ?? '', self: isSelf };
    case State.AWAY:
      return { nick, state: 'away', room: null, reason: peer.away?.reason ?? '', self: isSelf };
    case State.BACK:
      return { nick, state: 'back', room: null, self: isSelf };
    default:
      return undefined;
  }
}
