import { typingDue, type TypingSent } from '../chat/typing.js';
import type { MessageView, Notice, Problem } from '../chat/views.js';
import { type AwayClock, awayClock, nextTick, onCommand, onInput, onTick } from './away-timer.js';
import type { IgnoreList } from './ignore-list.js';

/** The reason an automatic away carries on the wire (a code, as a leave's "quit" or "timeout"). */
export const AUTO_AWAY_REASON = 'idle';

/** What the conversation uses of the node (node/node.ts TalkingNode, and member/talk.ts behind `talk`). */
export interface TalkingNode {
  readonly currentRoom: string | undefined;
  readonly identity: { readonly nodeIdHex: string };
  nodeIdOf(nick: string): { nodeId: string; nick: string } | undefined;
  readonly talk: {
    readonly away: { reason: string } | undefined;
    setAway(reason: string | undefined): void;
    typing(target: { room: string } | { nick: string }): boolean;
  };
}

export interface ConversationOptions {
  /** Minutes without input before this user is away by itself (--away-after); 0: never. */
  awayAfterMinutes: number;
  /** Tells the others when this user types (false: --no-typing). */
  sendTyping: boolean;
  ignoreList: IgnoreList | undefined;
  notice: (notice: Notice) => void;
  /** The time, ms since the epoch (injected in tests). */
  now?: () => number;
}

/**
 * The session's part of the conversation (issue 17) over one node: automatic away (session/away-timer.ts
 * with a timer), typing notices debounced (chat/typing.ts), and the ignore list. Pure decisions are in
 * those modules; this holds the state and the timer.
 */
export class Conversation {
  readonly #node: TalkingNode;
  readonly #options: ConversationOptions;
  readonly #now: () => number;
  #clock: AwayClock;
  #timer: NodeJS.Timeout | undefined;
  #lastTyping: TypingSent | undefined;
  #running = false;

  constructor(node: TalkingNode, options: ConversationOptions) {
    this.#node = node;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#clock = awayClock(this.#now());
  }

  get away(): { reason: string; auto: boolean } | undefined {
    const away = this.#node.talk.away;
    return away === undefined ? undefined : { reason: away.reason, auto: this.#clock.away === 'auto' };
  }

  start(): void {
    this.#running = true;
    this.#arm();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  /** The user gave input (a command, a keystroke): an automatic away ends, and the clock starts again. */
  input(): void {
    const { clock, action } = onInput(this.#clock, this.#now());
    this.#clock = clock;
    if (action === 'come-back') {
      this.#node.talk.setAway(undefined);
      this.#options.notice({ code: 'BACK' });
    }
    this.#arm();
  }

  /** /away REASON or /back (undefined or blank). */
  setAway(reason: string | undefined): void {
    const going = reason !== undefined && reason.trim() !== '';
    this.#clock = onCommand(this.#clock, going, this.#now());
    this.#node.talk.setAway(going ? reason.trim() : undefined);
    this.#arm();
  }

  /** A keystroke for `target`: input, and a typing notice if one is due. */
  typing(target: { room: string } | { nick: string } | undefined): void {
    this.input();
    if (!this.#options.sendTyping) return;
    const to = target ?? (this.#node.currentRoom === undefined ? undefined : { room: this.#node.currentRoom });
    if (to === undefined) return;
    const key = 'room' in to ? to.room : `@${to.nick.toLowerCase()}`;
    const now = this.#now();
    if (!typingDue(this.#lastTyping, key, now)) return;
    if (this.#node.talk.typing(to)) this.#lastTyping = { target: key, at: now };
  }

  /** A line was sent: the next keystroke starts a new notice at once. */
  sent(): void {
    this.#lastTyping = undefined;
  }

  /** Whether a line or typing from `fromId` is hidden (ignored). */
  hides(fromId: string): boolean {
    return this.#options.ignoreList?.has(fromId) ?? false;
  }

  /** Lines shown, without the ignored people's. */
  visible(views: MessageView[]): MessageView[] {
    return views.filter((v) => v.own || !this.hides(v.fromId));
  }

  ignore(nick: string): Problem | undefined {
    const list = this.#options.ignoreList;
    const who = this.#node.nodeIdOf(nick);
    if (who === undefined || list === undefined) return { code: 'NO_SUCH_NICK', nick, reason: 'unknown' };
    if (who.nodeId === this.#node.identity.nodeIdHex) return { code: 'NO_SUCH_NICK', nick, reason: 'self' };
    void list.add(who);
    this.#options.notice({ code: 'IGNORED', nick: who.nick, nodeId: who.nodeId });
    return undefined;
  }

  unignore(nick: string): Problem | undefined {
    const list = this.#options.ignoreList;
    const people = list?.people ?? [];
    // By the node id the nick has now, or by the nick it had when it was ignored.
    const nodeId = this.#node.nodeIdOf(nick)?.nodeId;
    const person = people.find((p) => p.nodeId === nodeId) ?? people.find((p) => p.nick.toLowerCase() === nick.toLowerCase());
    if (person === undefined || list === undefined) return { code: 'NOT_IGNORED', nick };
    list.remove(person.nodeId);
    this.#options.notice({ code: 'UNIGNORED', nick: person.nick, nodeId: person.nodeId });
    return undefined;
  }

  ignored(): { nick: string; nodeId: string }[] {
    return (this.#options.ignoreList?.people ?? []).map(({ nick, nodeId }) => ({ nick, nodeId }));
  }

  /** Resolves once the ignore list is written. */
  async saved(): Promise<void> {
    await this.#options.ignoreList?.saved();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (!this.#running) return;
    const afterMs = this.#options.awayAfterMinutes * 60_000;
    const at = nextTick(this.#clock, afterMs);
    if (at === undefined) return;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, at - this.#now()));
    this.#timer.unref();
  }

  #tick(): void {
    const { clock, action } = onTick(this.#clock, this.#now(), this.#options.awayAfterMinutes * 60_000);
    this.#clock = clock;
    if (action === 'go-away') {
      this.#node.talk.setAway(AUTO_AWAY_REASON);
      this.#options.notice({ code: 'AWAY', reason: AUTO_AWAY_REASON, auto: true });
    }
    this.#arm();
  }
}
