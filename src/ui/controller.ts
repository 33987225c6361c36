import type { MessageView } from '../chat/views.js';
import type { ChatSession, SessionEvent } from '../session/chat-session.js';
import { type Command, dispatch } from '../session/dispatch.js';
import { errorEvent, type HelpLine, messageEvent, topicEvent, type UiEvent, uiEvent } from './events.js';
import { noticeSentence } from './words.js';
import { ALIASES, commandsFor, parseInput } from './input.js';

export interface ControllerOptions {
  /** The face's keys, listed by /help (a face without keys, as --json, gives none). */
  keys?: readonly HelpLine[];
  /** The face shows each private conversation in a window of its own (the full screen): /help says so. */
  windows?: boolean;
  /** Shows the answer to /history itself (the full screen); otherwise its lines are message events. */
  history?: (room: string, messages: MessageView[]) => void;
}

/**
 * Connects a terminal face to a session: session events become UiEvents for `show`, and typed lines
 * become commands (session/dispatch.ts), whose answers are shown the same way. Line mode, --json mode and
 * the full screen differ only in how they show a UiEvent.
 */
export class ChatController {
  readonly #session: ChatSession;
  readonly #show: (event: UiEvent) => void;
  readonly #unsubscribe: () => void;
  readonly #keys: readonly HelpLine[] | undefined;
  readonly #windows: boolean;
  readonly #history: ControllerOptions['history'];
  /** The rooms were named once the first relay was known. */
  #named = false;

  constructor(session: ChatSession, show: (event: UiEvent) => void, options: ControllerOptions = {}) {
    this.#session = session;
    this.#keys = options.keys;
    this.#windows = options.windows ?? false;
    this.#history = options.history;
    this.#show = show;
    this.#unsubscribe = session.subscribe((event) => {
      show(uiEvent(event));
      for (const room of this.#roomsToName(event)) show(this.#whoEvent(room));
    });
  }

  /**
   * Who is here, unasked, as irssi's names line: for every room of the user once the first relay is known
   * (its roster came with the welcome), and for a room the user has just joined.
   */
  #roomsToName(event: SessionEvent): readonly string[] {
    if (event.type === 'role' && !this.#named) {
      this.#named = true;
      return this.#session.rooms;
    }
    const p = event.type === 'presence' ? event.presence : undefined;
    return p !== undefined && p.self && p.state === 'joined' && p.room !== null ? [p.room] : [];
  }

  #whoEvent(room: string): UiEvent {
    const answer = this.#session.who(room);
    return { event: 'who', room: answer.room, nicks: answer.nicks, ...(answer.away === undefined ? {} : { away: answer.away }) };
  }

  /** Acts on one typed line. Returns false when the user asked to quit. */
  /**
   * A typed line. In a private conversation (`privateTo`: the full screen's private window, the page's
   * private conversation) a plain line and /me go to its person, and /close without a name closes it.
   * Returns false when the user asked to quit.
   */
  handleLine(line: string, privateTo?: string): boolean {
    const input = parseInput(line);
    if (privateTo !== undefined) {
      if (input.kind === 'say') return this.run({ kind: 'msg', nick: privateTo, text: input.text });
      if (input.kind === 'me') return this.run({ kind: 'me', nick: privateTo, text: input.text });
      if (input.kind === 'close' && input.name === undefined) return this.run({ kind: 'close', name: privateTo });
    }
    switch (input.kind) {
      case 'empty':
        return true;
      case 'invalid':
        this.#show(errorEvent({ problem: { code: 'USAGE', detail: input.message } }));
        return true;
      default:
        return this.run(input);
    }
  }

  /** Carries out one command and shows its answer. Returns false when the user asked to quit. */
  run(command: Command): boolean {
    const show = this.#show;
    const answer = dispatch(this.#session, command);
    switch (answer.kind) {
      case 'quit':
        return false;
      case 'done':
        break;
      case 'help':
        show({ event: 'help', commands: commandsFor(this.#windows), aliases: [...ALIASES], ...(this.#keys === undefined ? {} : { keys: [...this.#keys] }) });
        break;
      case 'who':
        show(this.#whoEvent(answer.room));
        break;
      case 'rooms':
        show({ event: 'rooms', rooms: answer.rooms });
        break;
      case 'history':
        void answer.messages.then((messages) => {
          if (this.#history !== undefined) this.#history(answer.room, messages);
          else for (const message of messages) show(messageEvent(message));
        });
        break;
      case 'search':
        void answer.results.then(
          (results) => show({ event: 'search', query: answer.query, room: answer.room, results }),
          (err: unknown) => show(errorEvent({ problem: { code: 'SEARCH_FAILED', cause: (err as Error).message } })),
        );
        break;
      case 'query':
        show({ event: 'query', nick: answer.nick });
        break;
      case 'closed':
        show({ event: 'closed', nick: answer.name });
        break;
      case 'refused':
        show(errorEvent(answer, answer.command));
        break;
      // --- conversation (issue 17) ---
      case 'topic':
        void answer.topic.then((topic) => {
          if (topic !== undefined) return show(topicEvent(topic));
          const notice = { code: 'NO_TOPIC' as const, room: answer.room };
          show({ event: 'notice', code: notice.code, text: noticeSentence({ notice }) });
        });
        break;
      case 'ignored':
        show({ event: 'ignored', people: answer.people.map((p) => ({ nick: p.nick, node: p.nodeId })) });
        break;
    }
    return true;
  }

  /** Stops showing the session's events (the session goes on for the other faces). */
  close(): void {
    this.#unsubscribe();
  }
}
