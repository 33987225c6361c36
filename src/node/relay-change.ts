import type { Notice, PresenceView, RelayInfo } from '../chat/views.js';
import type { LostInfo } from '../member/member.js';
import { departure, peerChanges, type RosterEntry, rosterDiff } from './roster-diff.js';

export interface Disconnected {
  reason: string;
  /** How long until the next dial, as it stands when the user is told. */
  retryInMs: number;
}

export interface RelayChangeOptions {
  /** This node's id, hex: its own user is never announced to it. */
  self: string;
  /** wire/limits.ts relayQuietMs, rejoinGraceMs. */
  quietMs: number;
  rejoinGraceMs: number;
  notice: (notice: Notice) => void;
  disconnected: (info: Disconnected) => void;
  presence: (presence: PresenceView) => void;
  /**
   * How long until the member's next dial, now: a disconnection held for the quiet time is told with
   * this, not with the wait it had when it came (long over by then; the dials went on meanwhile).
   */
  nextDialInMs: () => number;
}

/** The relay this node lost, and who was there with it. */
interface Change {
  from: RelayInfo;
  /** The relay handed over (a redirect) or stopped cleanly (a leave). */
  planned: boolean;
  /** It stopped cleanly: its own user quit. */
  left: boolean;
  before: RosterEntry[];
}

/**
 * What the user is told while the relay changes: one line, when it is done. The node hands this the
 * member's losses, disconnections, welcomes and presences, and failover's notices, and it passes on what
 * is news:
 * - a loss (RELAY_LOST, HANDING_OVER, a `connection` lost) is held for `quietMs`: a new relay reached
 *   within it makes it one RELAY_CHANGED; past it the loss is told as it came. A node that has not reached
 *   its first relay yet is held the same way: a fresh start's failed dials are no alarm;
 * - across the change only what changed is announced (roster-diff.ts): the lost relay's own user as gone
 *   (at once, unless it handed over), real arrivals, and those who do not reach the new relay within
 *   `rejoinGraceMs` as gone; those who do come back are not announced at all.
 */
export class RelayChange {
  readonly #options: RelayChangeOptions;
  #change: Change | undefined;
  #held: { notice?: Notice; disconnected?: Disconnected } = {};
  #alarmed = false;
  #quiet: NodeJS.Timeout | undefined;
  /** Those of the old relay not on the new one yet (node id → as they were). */
  readonly #pending = new Map<string, RosterEntry>();
  #grace: NodeJS.Timeout | undefined;

  constructor(options: RelayChangeOptions) {
    this.#options = options;
  }

  /** The member lost its link; `roster`: who it knew then. Called before failover reacts to the loss. */
  lost(info: LostInfo, roster: readonly RosterEntry[]): void {
    if (info.relay === undefined) return; // a dial or handshake failed: the change (or the start) goes on
    const self = this.#options.self;
    const before = roster.filter((p) => p.nodeId !== self).map(entry);
    // Those still awaited from an earlier change are awaited on the next relay as well.
    for (const p of this.#pending.values()) if (!before.some((b) => b.nodeId === p.nodeId)) before.push(p);
    this.#pending.clear();
    clearTimeout(this.#grace);
    this.#change = { from: info.relay, planned: info.redirected || info.left, left: info.left, before };
  }

  /** A notice of failover's: a loss or a hand-over waits to see whether a new relay comes quickly. */
  notice(notice: Notice): void {
    if ((notice.code === 'RELAY_LOST' || notice.code === 'HANDING_OVER') && !this.#alarmed) {
      this.#held.notice ??= notice;
      this.#arm();
      return;
    }
    this.#options.notice(notice);
  }

  /** The member's link is down (or its first dials fail): told only once the quiet time is over. */
  disconnected(info: Disconnected): void {
    if (this.#alarmed) {
      this.#options.disconnected(info);
      return;
    }
    this.#held.disconnected ??= info;
    this.#arm();
  }

  /** The member was welcomed by `relay`, with `roster`; the node has shown its connection and role. */
  connected(relay: RelayInfo, roster: readonly RosterEntry[]): void {
    clearTimeout(this.#quiet);
    this.#quiet = undefined;
    this.#alarmed = false;
    this.#held = {};
    const change = this.#change;
    this.#change = undefined;
    if (change === undefined) return; // the first relay: nothing changed
    const { self, notice, presence } = this.#options;
    const moved = relay.id !== change.from.id;
    if (moved) notice({ code: 'RELAY_CHANGED', from: change.from.nick, to: relay.nick, self: relay.id === self, planned: change.planned });
    const diff = rosterDiff(change.before, roster.filter((p) => p.nodeId !== self).map(entry));
    for (const p of diff.presences) presence(p);
    for (const p of diff.missing) {
      // The lost relay's user went with it, unless it handed over (then it follows everyone to the new one).
      if (moved && p.nodeId === change.from.id && (!change.planned || change.left)) presence(departure(p, change.left ? 'quit' : 'connection lost'));
      else this.#pending.set(p.nodeId, p);
    }
    if (this.#pending.size > 0) {
      clearTimeout(this.#grace);
      this.#grace = setTimeout(() => this.#giveUp(), this.#options.rejoinGraceMs);
      this.#grace.unref();
    }
  }

  /** A presence from the relay (`nodeId`: whose, when known): someone back from the old relay is no news. */
  presence(view: PresenceView, nodeId: string | undefined): void {
    const was = view.state === 'joined' && view.room === null && !view.self && nodeId !== undefined ? this.#pending.get(nodeId) : undefined;
    if (was === undefined) {
      this.#options.presence(view);
      return;
    }
    this.#pending.delete(was.nodeId);
    if (this.#pending.size === 0) clearTimeout(this.#grace);
    for (const p of peerChanges(was, { nodeId: was.nodeId, nick: view.nick, rooms: view.rooms ?? [] })) this.#options.presence(p);
  }

  /** The node stops: nothing more is told. */
  stop(): void {
    clearTimeout(this.#quiet);
    clearTimeout(this.#grace);
    this.#pending.clear();
  }

  #arm(): void {
    if (this.#quiet !== undefined) return;
    this.#quiet = setTimeout(() => this.#raise(), this.#options.quietMs);
    this.#quiet.unref();
  }

  /** No relay within the quiet time: the loss is news after all, told as it came. */
  #raise(): void {
    this.#quiet = undefined;
    this.#alarmed = true;
    const { notice, disconnected } = this.#held;
    this.#held = {};
    if (notice !== undefined) this.#options.notice(notice);
    if (disconnected !== undefined) this.#options.disconnected({ ...disconnected, retryInMs: this.#options.nextDialInMs() });
  }

  /** Those who did not reach the new relay in time have gone. */
  #giveUp(): void {
    const gone = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of gone) this.#options.presence(departure(p, 'connection lost'));
  }
}

function entry(p: RosterEntry): RosterEntry {
  return { nodeId: p.nodeId, nick: p.nick, rooms: [...p.rooms] };
}
