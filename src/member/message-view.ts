import { messageId } from '../chat/message-id.js';
import type { lanchat } from '../wire/protobuf.js';

export interface MessageView {
  id: string;
  from: string;
  fromId: string;
  room: string | null;
  to: string | null;
  text: string;
  /** Author's hybrid-clock time, ms since the epoch. */
  ts: number;
  /** Written by this node. */
  own: boolean;
  /** From the store (shown on start or on request), not live. */
  history?: boolean;
}

/** How a chat message is shown, live or from history, on this node (`selfId`: its node id, hex). */
export function messageView(message: lanchat.ChatMessage.$Properties, selfId: string): MessageView {
  const origin = Buffer.from(message.origin ?? []);
  const fromId = origin.toString('hex');
  return {
    id: messageId(origin, message.seq ?? 0),
    from: message.nick ?? '',
    fromId,
    room: message.room ? message.room : null,
    to: message.to ? (message.to.nick ?? null) : null,
    text: message.text ?? '',
    ts: message.time ?? 0,
    own: fromId === selfId,
  };
}
