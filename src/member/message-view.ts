import { messageId } from '../chat/message-id.js';
import { openedAction } from '../chat/private-action.js';
import type { Identity } from '../identity/identity.js';
import { unseal } from '../identity/seal.js';
import type { ShownFields } from '../store/history-store.js';
import type { MessageView } from '../chat/views.js';

export type { MessageView };

/** The node id (hex) a nick is pinned to, if any (identity/nick-pins.ts). */
export type NickOwner = (nick: string) => string | undefined;

/**
 * How a chat message is shown on the node of `self`, live or from history; undefined for a private
 * message between two others (carried, never readable here) or one whose seal does not open. Takes a
 * stored message's `shown` fields (read with the rest of it), or a whole decoded message. With `nickOwner`,
 * a line whose nick is pinned to another node id is marked (nickPinnedTo): a signature proves the author's
 * key, not the nick it wrote, and a synced line passed no relay's nick check.
 */
export function messageView(message: ShownFields, self: Identity, nickOwner?: NickOwner): MessageView | undefined {
  const origin = Buffer.from(message.origin ?? []);
  const fromId = origin.toString('hex');
  const own = fromId === self.nodeIdHex;
  let text = message.text ?? '';
  // "/me": a flag on a room line; inside the seal on a private line (chat/private-action.ts), or, as the
  // previous version wrote them, the flag outside it.
  let action = message.action === true;
  if (message.to) {
    const toSelf = Buffer.from(message.to.nodeId ?? []).equals(self.nodeId);
    if (!own && !toSelf) return undefined;
    if (!message.sealed) return undefined;
    const opened = unseal(message.sealed, self.sealPrivateKey, self.sealKeyRaw, toSelf ? 'recipient' : 'sender');
    if (opened === undefined) return undefined;
    const shown = openedAction(opened);
    text = shown.text;
    action ||= shown.action;
  }
  const from = message.nick ?? '';
  const pinnedTo = own ? undefined : nickOwner?.(from);
  return {
    ...(pinnedTo === undefined || pinnedTo === fromId ? {} : { nickPinnedTo: pinnedTo }),
    id: messageId(origin, message.seq ?? 0),
    from,
    fromId,
    room: message.room ? message.room : null,
    to: message.to ? (message.to.nick ?? null) : null,
    text,
    ts: message.time ?? 0,
    own,
    ...(action ? { action: true as const } : {}),
    ...(message.topic === true ? { topic: true as const } : {}),
  };
}
