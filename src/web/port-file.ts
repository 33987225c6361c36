import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-file.js';

/** The port as the file holds it: a decimal number, 1..65535, and nothing else. */
export function parsePortText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[0-9]{1,5}$/.test(trimmed)) return undefined;
  const port = Number(trimmed);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * The port `lanchat --web` served on last, kept in the data folder beside the token: a node restarted
 * without a port tries it first, so the tabs left open find it again. Missing, unreadable or not a port:
 * undefined (any free port then).
 */
export async function loadPort(path: string): Promise<number | undefined> {
  try {
    return parsePortText(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function savePort(path: string, port: number): Promise<void> {
  await writeFileAtomic(path, `${port}\n`, { mode: 0o600 });
}
