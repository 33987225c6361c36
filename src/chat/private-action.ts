/**
 * A private "/me" (issue 17 item 1), as IRC's CTCP ACTION carries one: the action is in the sealed text,
 * "\u0001ACTION waves\u0001", never in a flag outside the seal (ChatMessage.action), which every relay
 * and every node carrying the line could read. Pure: the outbox wraps, the reader that opens the seal
 * unwraps (member/message-view.ts).
 *
 * A node older than this shows the text as it is, its control characters made visible by
 * chat/safe-text.ts: `*alice* ␁ACTION waves␁`.
 */

const CTCP = '\u0001';
const PREFIX = `${CTCP}ACTION `;

/** The text to seal for a private action of `text`. */
export function sealedAction(text: string): string {
  return `${PREFIX}${text}${CTCP}`;
}

/** An opened private text: the action it carries ("\u0001ACTION waves\u0001" → "waves"), or the text as it is. */
export function openedAction(text: string): { text: string; action: boolean } {
  if (text.length <= PREFIX.length + 1 || !text.startsWith(PREFIX) || !text.endsWith(CTCP)) return { text, action: false };
  return { text: text.slice(PREFIX.length, -CTCP.length), action: true };
}
