import type { MessageView } from '../../src/chat/views.js';
import type { ChatSession, Refusal } from '../../src/session/chat-session.js';

/** A session that records the commands it is given and refuses what `refuse` says. */
export function fakeSession(state: { currentRoom?: string } = {}, refuse: Refusal | undefined = undefined): ChatSession & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  const act = (name: string, ...args: unknown[]): Refusal | undefined => {
    calls.push([name, ...args]);
    return refuse;
  };
  const stored: MessageView = { id: 'a-1', from: 'ann', fromId: 'a', room: '#dev', to: null, text: 'hi', ts: 1, own: false, history: true };
  return {
    calls,
    nodeId: 'a',
    nick: 'ann',
    network: 'lanchat',
    secret: false,
    role: 'member',
    relay: undefined,
    rooms: state.currentRoom === undefined ? [] : [state.currentRoom],
    currentRoom: state.currentRoom,
    connected: true,
    people: () => [],
    subscribe: () => () => undefined,
    run: () => undefined,
    stop: async () => undefined,
    say: (text) => act('say', text),
    whisper: (nick, text) => act('whisper', nick, text),
    join: (room) => act('join', room),
    part: (room) => act('part', room),
    setNick: (nick) => act('setNick', nick),
    who: (room) => (calls.push(['who', room]), { room, nicks: ['ann', 'bob'] }),
    roomList: () => [{ room: '#dev', people: 2, joined: true }],
    history: async (room, count) => (calls.push(['history', room, count]), [stored]),
    older: async () => [],
    privateHistory: async () => ({ messages: [], resume: undefined }),
    act: (text, nick) => (nick === undefined ? act('act', text) : act('act', text, nick)),
    setTopic: (room, text) => act('setTopic', room, text),
    topic: async (room) => (calls.push(['topic', room]), { room, topic: 'plans', by: 'ann', byId: 'a', ts: 5 }),
    setAway: (reason) => act('setAway', reason),
    away: undefined,
    typing: (target) => void calls.push(['typing', target]),
    whois: (nick) => act('whois', nick),
    ignore: (nick) => act('ignore', nick),
    unignore: (nick) => act('unignore', nick),
    ignored: () => [{ nick: 'bob', nodeId: 'b' }],
    search: async (text, room) => (calls.push(['search', text, room]), [stored]),
    conversations: ['bob'],
    openConversation: (nick) => act('openConversation', nick),
    closeConversation: (nick) => (calls.push(['closeConversation', nick]), nick === 'bob'),
    lastRead: () => undefined,
    markRead: () => undefined,
  };
}
