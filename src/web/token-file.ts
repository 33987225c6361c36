import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { fileError, fileTrouble } from '../wire/errors.js';
import { newToken } from './guard.js';

/** A token as the file holds it: what newToken makes, nothing else. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The web token kept in the data folder (mode 0600, like the identity key beside it): a node restarted on
 * the same --web port (port-file.ts) takes the same token, so the tabs left open reconnect with the cookie they hold.
 * A missing or unreadable file is replaced by a new token.
 */
export async function loadOrCreateToken(path: string): Promise<string> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (TOKEN.test(text)) return text;
  } catch {
    // none yet, or unreadable: a new one
  }
  const token = newToken();
  try {
    await writeFileAtomic(path, `${token}\n`, { mode: 0o600 });
  } catch (err) {
    // A folder in its place, permissions, a full disk: worded by ui/words.ts, never as the errno.
    throw fileError('DATA_DIR_ACCESS', { what: 'web-token', path, dataDir: dirname(path), trouble: fileTrouble(err), doing: 'write' }, err);
  }
  return token;
}
