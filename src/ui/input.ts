import type { Command } from '../session/dispatch.js';
import { conversationHelp } from './words.js';

/** What one line typed by the user (or fed on stdin in --json mode) asks for. Pure parsing, no effects. */
export type Input = Command | { kind: 'empty' } | { kind: 'invalid'; message: string };

/** The commands as /help lists them in a face without a window per conversation (line mode); see `commandsFor`. */
export const COMMANDS: readonly { usage: string; summary: string }[] = [
  { usage: '/help', summary: 'list the commands' },
  { usage: '/nick NICK', summary: 'change your nick' },
  { usage: '/join #ROOM', summary: 'join a room (created on first join) and make it current' },
  { usage: '/part [#ROOM]', summary: 'leave a room (the current one by default)' },
  { usage: '/msg NICK TEXT', summary: 'send a private message (also: @NICK TEXT)' },
  { usage: '/who [#ROOM]', summary: 'who is in a room (the current one by default)' },
  { usage: '/rooms', summary: 'list the rooms with people in them' },
  { usage: '/history [#ROOM] [N]', summary: 'show the last N (default 50) stored messages of a room' },
  { usage: '/me TEXT', summary: 'say what you do: "/me waves" shows "* NICK waves" to the room' },
  { usage: '/action NICK TEXT', summary: 'a private /me: only NICK sees it (irssi\'s /action)' },
  { usage: '/topic [#ROOM] [TEXT]', summary: "show a room's topic, or set it (the current room by default)" },
  { usage: '/away [REASON]', summary: 'say you are away (without a reason: you are back)' },
  { usage: '/back', summary: 'say you are back' },
  { usage: '/whois NICK', summary: "who someone is: node, key, address, online since, idle, away, rooms" },
  { usage: '/ignore [NICK]', summary: 'hide what someone writes, whatever their nick (without a nick: the list)' },
  { usage: '/unignore NICK', summary: 'stop ignoring someone' },
  { usage: '/typing [#ROOM|NICK]', summary: 'tell others you are typing (the full screen does it by itself)' },
  { usage: '/query NICK [TEXT]', summary: conversationHelp(false).query },
  { usage: '/close [NICK|#ROOM]', summary: conversationHelp(false).close },
  { usage: '/search TEXT [#ROOM]', summary: 'find stored messages that hold TEXT (any case), newest first' },
  { usage: '/quit', summary: 'leave the chat (also Ctrl-D)' },
];

/** The commands as /help lists them in a face that has a window per private conversation (`windows`) or not. */
export function commandsFor(windows: boolean): { usage: string; summary: string }[] {
  if (!windows) return [...COMMANDS];
  const words = conversationHelp(true);
  const summaries: Record<string, string | undefined> = { '/query': words.query, '/close': words.close, '/me': words.me };
  return COMMANDS.map((c) => {
    const summary = summaries[c.usage.split(' ')[0]!];
    return summary === undefined ? c : { ...c, summary };
  });
}

/** Other spellings of the commands (irssi's and IRC's), and `//`: listed by /help after the commands. */
export const ALIASES: readonly { usage: string; summary: string }[] = [
  { usage: '/j', summary: 'same as /join' },
  { usage: '/leave', summary: 'same as /part' },
  { usage: '/names', summary: 'same as /who' },
  { usage: '/list', summary: 'same as /rooms' },
  { usage: '/exit', summary: 'same as /quit' },
  { usage: '/?', summary: 'same as /help' },
  { usage: '//TEXT', summary: 'send a line that starts with / ("//help" sends "/help")' },
];

const DEFAULT_HISTORY = 50;

export function parseInput(line: string): Input {
  const text = line.replace(/[\r\n]+$/, '');
  if (text.trim() === '') return { kind: 'empty' };
  if (text.startsWith('//')) return { kind: 'say', text: text.slice(1) };
  if (text.startsWith('@')) {
    // A colon cannot be in a nick, so "@bob:hi" and "@bob: hi" (the seeds' and IRC's spelling) say the same.
    const match = /^@([^\s:]+)(?::\s*|\s+)(.*\S.*)$/s.exec(text);
    if (match === null) return { kind: 'invalid', message: 'usage: @NICK TEXT' };
    return { kind: 'msg', nick: match[1]!, text: match[2]! };
  }
  if (!text.startsWith('/')) return { kind: 'say', text };

  const [, name = '', rest = ''] = /^\/(\S*)\s*(.*)$/s.exec(text) ?? [];
  const args = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
  switch (name.toLowerCase()) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    case 'rooms':
    case 'list':
      return { kind: 'rooms' };
    case 'history': {
      const room = args.find((a) => a.startsWith('#'));
      const numbers = args.filter((a) => !a.startsWith('#'));
      const count = numbers.length === 0 ? DEFAULT_HISTORY : Number(numbers[0]);
      if (numbers.length > 1 || !Number.isInteger(count) || count < 1 || count > 10_000) {
        return { kind: 'invalid', message: 'usage: /history [#ROOM] [N] (N from 1 to 10000)' };
      }
      return room === undefined ? { kind: 'history', count } : { kind: 'history', room, count };
    }
    case 'nick':
      return args.length === 1 ? { kind: 'nick', nick: args[0]! } : { kind: 'invalid', message: 'usage: /nick NICK' };
    case 'join':
    case 'j':
      return args.length === 1 ? { kind: 'join', room: args[0]! } : { kind: 'invalid', message: 'usage: /join #ROOM' };
    case 'part':
    case 'leave':
      if (args.length > 1) return { kind: 'invalid', message: 'usage: /part [#ROOM]' };
      return args.length === 1 ? { kind: 'part', room: args[0]! } : { kind: 'part' };
    case 'who':
    case 'names':
      if (args.length > 1) return { kind: 'invalid', message: 'usage: /who [#ROOM]' };
      return args.length === 1 ? { kind: 'who', room: args[0]! } : { kind: 'who' };
    case 'me':
    case 'away':
    case 'back':
    case 'topic':
    case 'whois':
    case 'ignore':
    case 'unignore':
    case 'typing':
      return talkInput(name.toLowerCase(), rest.trim(), args);
    case 'query': {
      const match = /^(\S+)(?:\s+(.*\S.*))?$/s.exec(rest.trim());
      if (match === null) return { kind: 'invalid', message: 'usage: /query NICK [TEXT]' };
      return match[2] === undefined ? { kind: 'query', nick: match[1]! } : { kind: 'query', nick: match[1]!, text: match[2] };
    }
    case 'close':
      if (args.length > 1) return { kind: 'invalid', message: 'usage: /close [NICK|#ROOM]' };
      return args.length === 1 ? { kind: 'close', name: args[0]! } : { kind: 'close' };
    case 'msg': {
      const match = /^(\S+)\s+(.*\S.*)$/s.exec(rest);
      if (match === null) return { kind: 'invalid', message: 'usage: /msg NICK TEXT' };
      return { kind: 'msg', nick: match[1]!, text: match[2]! };
    }
    case 'action': {
      const match = /^([^\s#]\S*)\s+(.*\S.*)$/s.exec(rest);
      if (match === null) return { kind: 'invalid', message: 'usage: /action NICK TEXT (in a room: /me TEXT)' };
      return { kind: 'me', nick: match[1]!, text: match[2]! };
    }
    case 'search': {
      // A last word that is a room names where to look: "/search lunch #dev".
      const room = args.length > 1 && args.at(-1)!.startsWith('#') ? args.at(-1)! : undefined;
      const words = room === undefined ? rest.trim() : rest.trim().slice(0, rest.trim().length - room.length).trim();
      if (words === '') return { kind: 'invalid', message: 'usage: /search TEXT [#ROOM]' };
      return room === undefined ? { kind: 'search', text: words } : { kind: 'search', text: words, room };
    }
    default:
      return { kind: 'invalid', message: `unknown command /${name}; /help lists the commands` };
  }
}

/** The conversation's commands (issue 17). */
function talkInput(name: string, rest: string, args: string[]): Input {
  switch (name) {
    case 'me':
      return rest === '' ? { kind: 'invalid', message: 'usage: /me TEXT' } : { kind: 'me', text: rest };
    case 'away':
      return rest === '' ? { kind: 'away' } : { kind: 'away', reason: rest };
    case 'back':
      return { kind: 'back' };
    case 'topic': {
      const [first = '', ...others] = args;
      if (!first.startsWith('#')) return rest === '' ? { kind: 'topic' } : { kind: 'topic', text: rest };
      const text = rest.slice(first.length).trim();
      return others.length === 0 ? { kind: 'topic', room: first } : { kind: 'topic', room: first, text };
    }
    case 'whois':
      return args.length === 1 ? { kind: 'whois', nick: args[0]! } : { kind: 'invalid', message: 'usage: /whois NICK' };
    case 'ignore':
      if (args.length > 1) return { kind: 'invalid', message: 'usage: /ignore [NICK]' };
      return args.length === 1 ? { kind: 'ignore', nick: args[0]! } : { kind: 'ignore' };
    case 'unignore':
      return args.length === 1 ? { kind: 'unignore', nick: args[0]! } : { kind: 'invalid', message: 'usage: /unignore NICK' };
    default: {
      if (args.length > 1) return { kind: 'invalid', message: 'usage: /typing [#ROOM|NICK]' };
      const target = args[0];
      if (target === undefined) return { kind: 'typing' };
      return target.startsWith('#') ? { kind: 'typing', room: target } : { kind: 'typing', nick: target };
    }
  }
}
