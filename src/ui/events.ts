import type { MessageView, PresenceView, Problem, RelayInfo } from '../member/member.js';
import type { NodeEvents, Notice } from '../node/node.js';

/** Everything a user interface shows: the node's events, plus the answers to local commands. */
export type UiEvent =
  | { event: 'ready'; node: string; nick: string; port: number; network: string; secret: boolean }
  | { event: 'role'; role: NodeEvents['role'][0]['role']; relay: RelayInfo }
  | ({ event: 'connection' } & NodeEvents['connection'][0])
  | ({ event: 'message' } & MessageView)
  | ({ event: 'presence' } & PresenceView)
  | ({ event: 'error' } & Problem)
  | ({ event: 'notice' } & Notice)
  | { event: 'who'; room: string; nicks: string[] }
  | { event: 'rooms'; rooms: { room: string; people: number; joined: boolean }[] }
  | { event: 'help'; commands: { usage: string; summary: string }[] }
  | { event: 'quit' };
