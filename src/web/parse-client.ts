import type { ClientMessage } from './protocol.js';

/**
 * A page's message, checked: the page is one more input, and only what this module lets through reaches the
 * session. Undefined for anything else (not JSON, an unknown kind, a field of the wrong type or size);
 * lengths are bounded again by the session's own rules (text bytes, nick and room names).
 */
export function parseClientMessage(raw: string, maxChars: number): ClientMessage | undefined {
  if (raw.length > maxChars) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  const room = optionalString(m.room);
  if (room === null) return undefined;
  const withRoom = room === undefined ? {} : { room };
  switch (m.t) {
    case 'say':
      return typeof m.text === 'string' ? { t: 'say', text: m.text, ...withRoom } : undefined;
    case 'whisper':
      return typeof m.nick === 'string' && typeof m.text === 'string' ? { t: 'whisper', nick: m.nick, text: m.text } : undefined;
    case 'join':
      return room === undefined ? undefined : { t: 'join', room };
    case 'part':
      return { t: 'part', ...withRoom };
    case 'command': {
      const nick = optionalString(m.nick);
      if (typeof m.line !== 'string' || nick === null || (nick !== undefined && (room !== undefined || nick.length > MAX_KEY_CHARS))) return undefined;
      return { t: 'command', line: m.line, ...withRoom, ...(nick === undefined ? {} : { nick }) };
    }
    case 'older': {
      if (room === undefined || !Number.isSafeInteger(m.id)) return undefined;
      const id = m.id as number;
      if (m.before === undefined) return { t: 'older', id, room };
      const before = m.before as Record<string, unknown> | null;
      if (typeof before !== 'object' || before === null || typeof before.id !== 'string' || typeof before.fromId !== 'string') return undefined;
      return { t: 'older', id, room, before: { id: before.id, fromId: before.fromId } };
    }
    case 'read':
      return typeof m.key === 'string' && m.key.length <= MAX_KEY_CHARS && typeof m.ts === 'number' && Number.isFinite(m.ts) && m.ts >= 0 ? { t: 'read', key: m.key, ts: m.ts } : undefined;
    case 'typing': {
      const nick = optionalString(m.nick);
      if (nick === null || (nick === undefined) === (room === undefined) || (nick ?? '').length > MAX_KEY_CHARS) return undefined;
      return nick === undefined ? { t: 'typing', ...withRoom } : { t: 'typing', nick };
    }
    default:
      return undefined;
  }
}

/** A conversation's key is a room or `@` and a nick: both far shorter than this. */
const MAX_KEY_CHARS = 200;

/** A string, absent (undefined), or something else (null: the message is refused). */
function optionalString(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}
