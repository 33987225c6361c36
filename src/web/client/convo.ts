import type { Typers } from '../../chat/typing.js';
import type { MessageView } from '../../chat/views.js';
import type { Cursor, NotifySettings, StateView } from '../protocol.js';
import type { LineList } from './lines.js';

/** What the page holds (types only): its conversations, and what the panels around them show. model.ts changes it. */

/** One conversation of the side list: a room, or private lines with one person (`@nick`). */
export interface Convo {
  key: string;
  kind: 'room' | 'private';
  name: string;
  list: LineList;
  unread: number;
  mention: boolean;
  /** A room this user is in (a room left stays listed, greyed, until the page reloads). */
  joined: boolean;
  /** Older history: unknown (ask when scrolled to the top), being read, or none left. */
  older: 'unknown' | 'loading' | 'end';
  /** Lines added or removed before the first line held since the page last looked (for its span). */
  addedBefore: number;
  removedBefore: number;
  /** How far it was read (ms: the newest line seen), as the session keeps it across restarts and tabs. */
  read: number | undefined;
  /** Where the "new since you last looked" line stands: how far it was read when the reader came to it. */
  marker: number | undefined;
  /** A private conversation's scroll-back goes on from here (the store's private lines are read a share at a time). */
  resume: Cursor | undefined;
}

/** A room's topic as the header shows it. */
export interface TopicShown {
  topic: string;
  by: string;
  ts: number;
}

/** The answer to /search, shown in its panel until closed. */
export interface SearchShown {
  query: string;
  room: string | null;
  results: MessageView[];
}

export interface Model {
  state: StateView | undefined;
  convos: Map<string, Convo>;
  active: string | undefined;
  commands: string[];
  /** Lines a conversation keeps in the page; older ones leave (scrolling back reads them again). */
  maxLines: number;
  infoCount: number;
  topics: Map<string, TopicShown>;
  /** Who is typing where, until when (chat/typing.ts), by nick: the page knows people by nick. */
  typers: Typers;
  search: SearchShown | undefined;
  /** As the node runs notifications (--no-notify, --highlight). */
  notify: NotifySettings;
}

/** What an update asks of the page besides painting: a notification, for a private line or a mention. */
export interface Effects {
  notify: MessageView[];
}

