import { nickKey, normalizeRoom } from '../chat/names.js';
import type { PresenceView, Problem, TopicView, TypingView, WhoisView } from '../chat/views.js';
import type { Identity } from '../identity/identity.js';
import type { HistoryStore, StoredMessage } from '../store/history-store.js';
import { latestTopic } from '../store/topics.js';
import type { Frame } from '../wire/codec.js';
import { DEFAULT_LIMITS } from '../wire/limits.js';
import type { lanchat } from '../wire/protobuf.js';
import type { Outgoing } from './outbox.js';
import type { Roster } from './roster.js';

/** How long a whois waits for the relay's answer before answering from the roster alone. */
export const WHOIS_PATIENCE_MS = 3_000;

/** What Talk needs of its member. */
export interface TalkOptions {
  identity: Identity;
  store: HistoryStore;
  /** The rooms this user is in: topics of other rooms are not shown. */
  rooms: () => ReadonlySet<string>;
  roster: () => Roster;
  /** Sends a frame to the relay; false when there is no session. */
  send: (frame: lanchat.Frame.$Shape) => boolean;
  currentRoom: () => string | undefined;
  /** Writes a line of this user's (member/outbox.ts): signed, stored, sent. */
  write: (outgoing: Outgoing) => boolean;
  topic: (topic: TopicView) => void;
  typing: (typing: TypingView) => void;
  whois: (whois: WhoisView) => void;
  problem: (problem: Problem) => void;
}

/**
 * The member's part of the conversation that is not a chat line (issue 17): topics as the store has them,
 * typing notices and whois answers from the relay, and this user's away state, told again to each relay.
 */
export class Talk {
  readonly #options: TalkOptions;
  /** The id of the topic shown per room: a change is shown once, whatever brought it (live, sync, own). */
  readonly #shown = new Map<string, string>();
  /** Store reads one at a time, so topic events come in the order their messages were stored. */
  #reads: Promise<void> = Promise.resolve();
  #away: { reason: string } | undefined;
  /** Whois questions sent, by node id, waiting for the relay's answer. */
  readonly #asked = new Set<string>();
  #welcomed = false;
  /**
   * Who is away, as last told (node id → reason), kept across a relay change: a member tells each new relay
   * it is away, and that repeat is no news to show. An entry goes when its node leaves the network.
   */
  readonly #awayTold = new Map<string, string>();

  constructor(options: TalkOptions) {
    this.#options = options;
  }

  get away(): { reason: string } | undefined {
    return this.#away;
  }

  /** "/me TEXT" to the current room. */
  act(text: string): boolean {
    const room = this.#options.currentRoom();
    if (room === undefined) return this.#refuse({ code: 'NOT_IN_ROOM', room: null, asked: 'say' });
    return this.#options.write({ room, text, action: true });
  }

  /** Sets the topic of `input` (a room this user is in), or of the current room. */
  setTopic(input: string | undefined, text: string): boolean {
    const room = input === undefined ? this.#options.currentRoom() : normalizeRoom(input);
    if (room === undefined) return this.#refuse(input === undefined ? { code: 'NOT_IN_ROOM', room: null, asked: 'say' } : { code: 'ROOM_INVALID', room: input });
    if (!this.#options.rooms().has(room)) return this.#refuse({ code: 'NOT_IN_ROOM', room });
    return this.#options.write({ room, text, topic: true });
  }

  #refuse(problem: Problem): false {
    this.#options.problem(problem);
    return false;
  }

  /** A topic message of `room` was stored: shown if it is now the room's newest and this user is in it. */
  stored(room: string): void {
    this.#read(room, false);
  }

  /** After a join (or a welcome, for every room): the room's topic, if it has one, shown again. */
  announce(room: string): void {
    this.#read(room, true);
  }

  /** The topic of `room` now, from the store. */
  async current(room: string): Promise<TopicView | undefined> {
    const stored = await latestTopic(this.#options.store, room);
    return stored === undefined ? undefined : topicView(stored);
  }

  #read(room: string, always: boolean): void {
    this.#reads = this.#reads.then(async () => {
      if (!this.#options.rooms().has(room)) return;
      let topic: TopicView | undefined;
      try {
        const stored = await latestTopic(this.#options.store, room);
        if (stored === undefined) return;
        const id = `${stored.origin}-${stored.seq}`;
        if (!always && this.#shown.get(room) === id) return;
        this.#shown.set(room, id);
        topic = topicView(stored);
      } catch {
        return; // a store closing under a read: the next join or topic shows it
      }
      this.#options.topic(topic);
    });
  }

  /** Away with `reason`, or back (undefined): told to the relay now, and to every relay joined after. */
  setAway(reason: string | undefined): void {
    this.#away = reason === undefined ? undefined : { reason: [...reason].slice(0, DEFAULT_LIMITS.awayReasonChars).join('') };
    this.#options.send({ away: this.#away === undefined ? { away: false } : { away: true, reason: this.#away.reason } });
  }

  /**
   * Whether a presence is news: an away (or back) that only repeats what was last told, to a new relay
   * after a relay change, is not. Also keeps what it tells, and forgets a node that left the network.
   */
  presenceNews(view: PresenceView, nodeId: string): boolean {
    if (view.state === 'left' && view.room === null) this.#awayTold.delete(nodeId);
    if (view.state === 'away') {
      const repeat = this.#awayTold.get(nodeId) === (view.reason ?? '');
      this.#awayTold.set(nodeId, view.reason ?? '');
      return !repeat;
    }
    if (view.state === 'back') return this.#awayTold.delete(nodeId);
    return true;
  }

  /** A new relay's welcome: who its roster says is away was told; it does not know this user is away; the first shows the topics. */
  welcomed(): void {
    for (const peer of this.#options.roster().peers()) if (peer.away !== undefined) this.#awayTold.set(peer.nodeId, peer.away.reason);
    if (this.#away !== undefined) this.#options.send({ away: { away: true, reason: this.#away.reason } });
    // Topics are shown for every room at the first welcome, then after each join (announce).
    if (!this.#welcomed) for (const room of this.#options.rooms()) this.announce(room);
    this.#welcomed = true;
  }

  /** Tells `room` (one this user is in), or the person `nick`, that this user is typing; false: nobody to tell. */
  typing(target: { room: string } | { nick: string }): boolean {
    if ('room' in target) return this.#options.rooms().has(target.room) && this.#options.send({ typing: { room: target.room } });
    const peer = this.#options.roster().findByNick(target.nick);
    if (peer === undefined || peer.nodeId === this.#options.identity.nodeIdHex) return false;
    return this.#options.send({ typing: { to: { nodeId: Buffer.from(peer.nodeId, 'hex'), nick: peer.nick } } });
  }

  /** Asks the relay how long `nick` has been idle; the answer comes as a whois event. */
  whois(nick: string): boolean {
    const peer = this.#options.roster().findByNick(nick);
    if (peer === undefined) return this.#refuse({ code: 'NO_SUCH_NICK', nick, reason: 'offline' });
    if (!this.#options.send({ whois: { nodeId: Buffer.from(peer.nodeId, 'hex') } })) {
      this.#options.whois(this.#whoisView(peer.nodeId, null)!); // no relay: what the roster last said
      return true;
    }
    this.#asked.add(peer.nodeId);
    // A relay of an older lanchat ignores the question: the roster's answer, without the idle time, then.
    setTimeout(() => {
      if (!this.#asked.delete(peer.nodeId)) return;
      const view = this.#whoisView(peer.nodeId, null);
      if (view !== undefined) this.#options.whois(view);
    }, WHOIS_PATIENCE_MS).unref();
    return true;
  }

  /** A frame of the conversation from the relay; false for any other kind. */
  receive(frame: Frame): boolean {
    switch (frame.kind) {
      case 'typing': {
        const from = frame.typing.from;
        if (!from?.nodeId || from.nodeId.length !== 32) return true;
        const fromId = Buffer.from(from.nodeId).toString('hex');
        const peer = this.#options.roster().get(fromId);
        if (peer === undefined || fromId === this.#options.identity.nodeIdHex) return true;
        const room = frame.typing.room || null;
        if (room !== null && !this.#options.rooms().has(room)) return true;
        this.#options.typing({ nick: peer.nick, fromId, room });
        return true;
      }
      case 'whois': {
        const { nodeId, found, idleMs } = frame.whois;
        if (!nodeId || !frame.whois.answered) return true;
        const id = Buffer.from(nodeId).toString('hex');
        if (!this.#asked.delete(id)) return true; // never asked, or asked twice and answered already
        const view = this.#whoisView(id, found ? Number(idleMs ?? 0) : null);
        if (view === undefined) this.#options.problem({ code: 'NO_SUCH_NICK', nick: id.slice(0, 8), reason: 'offline' });
        else this.#options.whois(view);
        return true;
      }
      default:
        return false;
    }
  }

  #whoisView(nodeId: string, idleMs: number | null): WhoisView | undefined {
    const peer = this.#options.roster().get(nodeId);
    if (peer === undefined) return undefined;
    return {
      nick: peer.nick,
      nodeId,
      fingerprint: peer.fingerprint ?? null,
      addresses: [...peer.addresses],
      port: peer.port,
      onlineSince: Number(peer.rank.startedAt),
      idleMs,
      away: peer.away ?? null,
      rooms: [...peer.rooms].sort((a, b) => nickKey(a).localeCompare(nickKey(b))),
    };
  }
}

/** A stored topic message as shown. */
export function topicView(m: StoredMessage): TopicView {
  return { room: m.room ?? '', topic: m.shown.text ?? '', by: m.shown.nick ?? '', byId: m.origin, ts: m.time };
}
