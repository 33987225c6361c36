import { normalizeRoom, roomProblem } from '../chat/names.js';
import type { LanchatNode } from '../node/node.js';
import type { UiEvent } from './events.js';
import { COMMANDS, parseInput } from './input.js';

/**
 * Connects a user interface to a node: node events become UiEvents for `show`, and typed lines become
 * actions on the node. Line mode and --json mode differ only in how they show a UiEvent.
 */
export class ChatController {
  readonly #node: LanchatNode;
  readonly #show: (event: UiEvent) => void;

  constructor(node: LanchatNode, show: (event: UiEvent) => void) {
    this.#node = node;
    this.#show = show;
    node.on('ready', (info) => show({ event: 'ready', ...info, network: node.network }));
    node.on('role', (info) => show({ event: 'role', ...info }));
    node.on('connection', (info) => show({ event: 'connection', ...info }));
    node.on('message', (message) => show({ event: 'message', ...message }));
    node.on('presence', (presence) => show({ event: 'presence', ...presence }));
    node.on('problem', (problem) => show({ event: 'error', ...problem }));
    node.on('notice', (notice) => show({ event: 'notice', ...notice }));
  }

  /** Acts on one typed line. Returns false when the user asked to quit. */
  handleLine(line: string): boolean {
    const input = parseInput(line);
    const node = this.#node;
    switch (input.kind) {
      case 'empty':
        return true;
      case 'say':
        node.say(input.text);
        return true;
      case 'msg':
        node.whisper(input.nick, input.text);
        return true;
      case 'join':
        node.join(input.room);
        return true;
      case 'part':
        node.part(input.room);
        return true;
      case 'nick':
        node.setNick(input.nick);
        return true;
      case 'who':
        this.#who(input.room);
        return true;
      case 'rooms': {
        const joined = new Set(node.rooms);
        const rooms = node.roster.rooms().map((r) => ({ ...r, joined: joined.has(r.room) }));
        this.#show({ event: 'rooms', rooms });
        return true;
      }
      case 'help':
        this.#show({ event: 'help', commands: [...COMMANDS] });
        return true;
      case 'history': {
        const room = input.room === undefined ? node.currentRoom : normalizeRoom(input.room);
        if (room === undefined) {
          this.#show({ event: 'error', code: 'ROOM_INVALID', message: roomProblem(input.room ?? '') });
          return true;
        }
        void node.showHistory(room, input.count);
        return true;
      }
      case 'quit':
        return false;
      case 'invalid':
        this.#show({ event: 'error', code: 'USAGE', message: input.message });
        return true;
    }
  }

  #who(input: string | undefined): void {
    const room = input === undefined ? this.#node.currentRoom : normalizeRoom(input);
    if (room === undefined) {
      const message = input === undefined ? 'you are in no room; /who #room' : roomProblem(input);
      this.#show({ event: 'error', code: input === undefined ? 'NOT_IN_ROOM' : 'ROOM_INVALID', message });
      return;
    }
    this.#show({ event: 'who', room, nicks: this.#node.roster.inRoom(room) });
  }
}
