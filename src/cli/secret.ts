import { readFileSync } from 'node:fs';
import { fileError, fileTrouble, LanchatError } from '../wire/errors.js';

/** Passphrases shorter than this are refused: scrypt slows a guesser down, it cannot save "1234". */
export const MIN_SECRET_LENGTH = 8;

/**
 * The room secret's passphrase: from `--secret-file` (its first line), else from LANCHAT_SECRET, else none
 * (an open network). Never from a plain command-line argument, which every user of the machine can read in
 * the process list. The variable is removed from the environment once read, so nothing started later
 * inherits it.
 */
export function readSecret(secretFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let secret: string | undefined;
  if (secretFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(secretFile, 'utf8');
    } catch (err) {
      // Worded by ui/words.ts (a USAGE error: exit 2, the user puts it right), never as the system's code.
      throw fileError('USAGE', { what: 'secret-file', path: secretFile, trouble: fileTrouble(err), doing: 'read' }, err);
    }
    secret = text.split(/\r?\n/)[0] ?? '';
    if (secret === '') throw fileError('USAGE', { what: 'secret-file', path: secretFile, trouble: 'empty' });
  } else if (env.LANCHAT_SECRET !== undefined && env.LANCHAT_SECRET !== '') {
    secret = env.LANCHAT_SECRET;
  }
  delete env.LANCHAT_SECRET;
  if (secret !== undefined && [...secret].length < MIN_SECRET_LENGTH) {
    throw new LanchatError('USAGE', `the room secret is too short: at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}
