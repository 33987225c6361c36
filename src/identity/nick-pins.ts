import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nickKey } from '../chat/names.js';
import { writeFileAtomic } from '../util/atomic-file.js';

/** What seeing a nick with a node id means, given the pins. */
export type PinVerdict = { verdict: 'new' } | { verdict: 'same' } | { verdict: 'changed'; pinned: string };

/**
 * Trust on first use for nicks, as ssh does for host keys: the first node id seen with a nick is pinned;
 * later, the same nick with another node id is worth a warning (someone else may be using that name).
 * Nicks compare as the relay compares them (nickKey: case and lookalike characters ignored), so a
 * lookalike of a pinned nick is warned about too.
 */
export class NickPins {
  readonly #pins: Map<string, string>;

  constructor(pins: Iterable<[string, string]> = []) {
    this.#pins = new Map();
    // A file written by an older lanchat has keys of an older nickKey: keyed again, lookalikes that now
    // share a key keep the first pin.
    for (const [nick, nodeId] of pins) {
      const key = nickKey(nick);
      if (!this.#pins.has(key)) this.#pins.set(key, nodeId);
    }
  }

  /** Pins the nick on first sight; otherwise says whether the node id is the pinned one. */
  see(nick: string, nodeId: string): PinVerdict {
    const key = nickKey(nick);
    const pinned = this.#pins.get(key);
    if (pinned === undefined) {
      this.#pins.set(key, nodeId);
      return { verdict: 'new' };
    }
    return pinned === nodeId ? { verdict: 'same' } : { verdict: 'changed', pinned };
  }

  /** The node id `nick` (or a lookalike of it) is pinned to, without pinning it. */
  pinned(nick: string): string | undefined {
    return this.#pins.get(nickKey(nick));
  }

  toJSON(): Record<string, string> {
    return Object.fromEntries(this.#pins);
  }
}

export const PINS_FILE = 'nick-pins.json';

/** The pins kept in a data folder; none when the file is missing or unreadable (it is only a warning aid). */
export async function loadPins(dataDir: string): Promise<NickPins> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, PINS_FILE), 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return new NickPins();
    const entries = Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string' && /^[0-9a-f]{64}$/.test(e[1]));
    return new NickPins(entries);
  } catch {
    return new NickPins();
  }
}

/** Written atomically: a crash leaves the old file or the new one, never half of one. */
export async function savePins(dataDir: string, pins: NickPins): Promise<void> {
  await writeFileAtomic(join(dataDir, PINS_FILE), `${JSON.stringify(pins)}\n`);
}
