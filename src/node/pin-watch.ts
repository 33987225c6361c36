import type { Notice } from '../chat/views.js';
import { type NickPins, savePins } from '../identity/nick-pins.js';
import type { SealKeyBook, SealKeySaver } from '../identity/seal-keys.js';
import type { PeerView } from '../member/roster.js';

/**
 * Pins each nick to the node id it first comes with (trust on first use), saves new pins, and warns once a
 * run about a pinned nick that shows up with another node id: it may be someone else using that name.
 */
export class PinWatch {
  readonly #dataDir: string;
  readonly #selfId: string;
  readonly #pins: NickPins;
  readonly #sealKeys: SealKeyBook | undefined;
  readonly #sealKeySaver: SealKeySaver | undefined;
  /** Node ids are proven on this network (a room secret); otherwise a node could claim the pinned one too. */
  readonly #proven: boolean;
  readonly #notice: (notice: Notice) => void;
  /** nick + node id pairs already warned about this run. */
  readonly #warned = new Set<string>();
  #saving: Promise<void> = Promise.resolve();

  constructor(options: { dataDir: string; selfId: string; pins: NickPins; sealKeys?: SealKeyBook; sealKeySaver?: SealKeySaver; proven: boolean; notice: (notice: Notice) => void }) {
    this.#dataDir = options.dataDir;
    this.#selfId = options.selfId;
    this.#pins = options.pins;
    this.#sealKeys = options.sealKeys;
    this.#sealKeySaver = options.sealKeySaver;
    this.#proven = options.proven;
    this.#notice = options.notice;
  }

  check(peers: readonly PeerView[]): void {
    let pinned = false;
    let keysChanged = false;
    for (const peer of peers) {
      if (peer.nodeId === this.#selfId) continue;
      // A proven seal key (roster.ts): kept, so a private message to this node can be sealed when it is offline.
      if (peer.sealKey !== undefined && this.#sealKeys?.see(peer.nodeId, peer.nick, peer.sealKey) === true) keysChanged = true;
      const seen = this.#pins.see(peer.nick, peer.nodeId);
      if (seen.verdict === 'new') pinned = true;
      const warning = `${peer.nick}\0${peer.nodeId}`;
      if (seen.verdict !== 'changed' || this.#warned.has(warning)) continue;
      this.#warned.add(warning);
      this.#notice({ code: 'NICK_KEY_CHANGED', nick: peer.nick, nodeId: peer.nodeId, pinned: seen.pinned, proven: this.#proven });
    }
    if (pinned) {
      const dataDir = this.#dataDir;
      this.#saving = this.#saving.then(() => savePins(dataDir, this.#pins)).catch(() => undefined);
    }
    if (keysChanged) this.#sealKeySaver?.changed();
  }

  /** Resolves once the pins and keys written so far are on disk (or failed to be). */
  saved(): Promise<void> {
    return Promise.all([this.#saving, this.#sealKeySaver?.saved()]).then(() => undefined);
  }
}
