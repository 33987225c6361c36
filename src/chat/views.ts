/**
 * What the faces (full-screen UI, line mode, --json, and next the browser and the IRC gateway) are shown:
 * plain data, no sentences. Each face words these itself (src/ui/). They live at the bottom of the import
 * graph because the layers that produce them (member, relay, node) and the faces that show them all use them.
 */

export interface RelayAddress {
  host: string;
  port: number;
}

export interface RelayInfo extends RelayAddress {
  /** The relay's node id, hex. */
  id: string;
  nick: string;
  /** How many relays the network has had, as that relay counts. */
  epoch: number;
}

export interface MessageView {
  id: string;
  from: string;
  fromId: string;
  room: string | null;
  to: string | null;
  text: string;
  /** Author's hybrid-clock time, ms since the epoch. */
  ts: number;
  /** Written by this node. */
  own: boolean;
  /** From the store (shown on start, on request, or caught up after being away), not live. */
  history?: boolean;
  /**
   * An own line written while no relay was reachable: stored, not delivered yet. A `delivered` event with
   * the same id follows once a relay holds it.
   */
  pending?: boolean;
  /**
   * The nick `from` is pinned (trust on first use, identity/nick-pins.ts) to this other node id: the line
   * is not from the person this node knows by that nick. Faces show the nick as not theirs (ui/shown-nick.ts
   * shownNick: `bob?1a2b3c4d`, the author's node id prefix after a question mark).
   */
  nickPinnedTo?: string;
  /** "/me waves": shown `* alice waves`. */
  action?: true;
  /** A room's topic set (in `text`); live topics come as TopicView, this is how history shows one. */
  topic?: true;
}

export interface PresenceView {
  nick: string;
  /** `away` (with `reason`) and `back`: ephemeral, never stored (the relay keeps it in the roster). */
  state: 'joined' | 'left' | 'renamed' | 'away' | 'back';
  /** The room joined or left; null for the network as a whole. */
  room: string | null;
  /** For a rename: the nick before. */
  from?: string;
  /** Why a node left the network, or why it is away. */
  reason?: string;
  /** For a node joining the network: the rooms it is in. */
  rooms?: string[];
  /** It is about this node's own user. */
  self: boolean;
}

// ---- conversation (issue 17): topics, typing, away, whois ----

/** A room's topic: the newest by display order (hybrid clock, origin, seq), the same on every node. */
export interface TopicView {
  room: string;
  topic: string;
  /** Who set it: their nick then, and node id. */
  by: string;
  byId: string;
  /** When, by the setter's hybrid clock, ms since the epoch. */
  ts: number;
}

/** Someone is typing in `room`, or to this user when `room` is null; forgotten after TYPING_EXPIRES_MS. */
export interface TypingView {
  nick: string;
  fromId: string;
  room: string | null;
}

/** Away, as the relay keeps it: why, and since when (ms since the epoch). */
export interface AwayView {
  reason: string;
  since: number;
}

/** What /whois tells of someone online. */
export interface WhoisView {
  nick: string;
  nodeId: string;
  /** Of their Ed25519 key: `SHA256:` and its hash in base64, as ssh shows keys. */
  fingerprint: string | null;
  /** The address the relay sees them at first, then those they announced. */
  addresses: string[];
  port: number;
  /** When their node started, ms since the epoch. */
  onlineSince: number;
  /** Since their last line, as their relay saw it; null when the relay did not say (none, or an older one). */
  idleMs: number | null;
  away: AwayView | null;
  rooms: string[];
}

/** Why a nick is refused (chat/names.ts `nickRule`). */
export type NickRule = 'empty' | 'too-long' | 'characters' | 'invisible' | 'mixed-scripts';

/**
 * Things the user should know that are neither chat nor errors: a code and the data to word it with.
 * `reason`, `cause` and `detail` fields carry what a lower layer or a library said (a socket error, a
 * verification failure), for the face to show after its own words.
 */
export type Notice =
  | { code: 'OPEN' }
  | { code: 'SECRET' }
  | { code: 'LOOKING' }
  /**
   * The relay `relay` was lost and no other was reached within relayQuietMs (wire/limits.ts): a change that
   * completes sooner is told as one RELAY_CHANGED instead.
   */
  | { code: 'RELAY_LOST'; relay: string; reason: string }
  /**
   * The relay changed, said once: `from` (its nick) is gone and `to` took over, or `from` handed over to `to`
   * (`planned`: a clean stop or a relay that stepped down for a better one). `self`: `to` is this node.
   */
  | { code: 'RELAY_CHANGED'; from: string; to: string; self: boolean; planned: boolean }
  | { code: 'HANDING_OVER'; host: string; port: number }
  | { code: 'TWO_FORCED'; keeper: 'self' | 'other'; host: string }
  | { code: 'MDNS_TROUBLE'; detail: string }
  /**
   * `nodes` lanchat nodes of this network announce another room secret (or none, where `secret`: this node
   * has one; or one, where it has none): another group, which this one neither sees nor joins. Said once,
   * and again only when there are more.
   */
  | { code: 'OTHER_SECRET'; nodes: number; secret: boolean }
  /** A pinned nick came with another node id; `proven`: node ids are proven on this network (a secret). */
  | { code: 'NICK_KEY_CHANGED'; nick: string; nodeId: string; pinned: string; proven: boolean }
  /**
   * Messages a sync brought: `count` in all, the last `shown` of them follow as message events. `away`:
   * what happened while this node was not connected; otherwise lines that came at once while it was.
   */
  /** `first`: the store held nothing before: the network's earlier messages, not what happened while away. */
  | { code: 'CAUGHT_UP'; count: number; shown: number; away: boolean; first: boolean }
  /** /topic for a room that has none. */
  | { code: 'NO_TOPIC'; room: string }
  /** /ignore and /unignore done, and the list; `nodeId` is what is ignored, whatever the nick. */
  | { code: 'IGNORED'; nick: string; nodeId: string }
  | { code: 'UNIGNORED'; nick: string; nodeId: string }
  /** This user went away (`auto`: after --away-after minutes without input) or came back. */
  | { code: 'AWAY'; reason: string; auto: boolean }
  | { code: 'BACK' }
  /** A private line to `nick`, who is offline: sealed and stored, it reaches them when their node next syncs. */
  | { code: 'OFFLINE_DELIVERY'; nick: string }
  /** The history holds `limitBytes`: lines of others are shown, no longer kept (sync/budget.ts). Said once a run. */
  | { code: 'HISTORY_FULL'; limitBytes: number }
  /** One node id holds `limitBytes` of the history: its lines are shown, no longer kept. Said once a run. */
  | { code: 'ORIGIN_FULL'; origin: string; nick?: string | undefined; limitBytes: number };

export type NoticeCode = Notice['code'];

/**
 * Something the user asked for that failed, or something that went wrong: a stable code and its data.
 * `remote` is an error frame from the relay: its code, and the relay's own words as a fallback for codes
 * this node does not know how to word. Tell the two apart with `'remote' in problem` before switching on
 * the code.
 */
export type Problem =
  /** `asked`: what the user tried without a room (the words differ); `room`: the room named, if one was. */
  | { code: 'NOT_IN_ROOM'; room: string | null; asked?: 'say' | 'part' | 'who' }
  | { code: 'NO_SUCH_NICK'; nick: string; reason: 'offline' | 'self' | 'unsealable' | 'unknown' | 'ambiguous' }
  /** /unignore of someone not ignored. */
  | { code: 'NOT_IGNORED'; nick: string }
  | { code: 'ROOM_INVALID'; room: string }
  | { code: 'NICK_INVALID'; nick: string; rule: NickRule }
  | { code: 'TEXT_INVALID'; maxBytes: number }
  /** Lines stored but not delivered when the node stopped: they go out on a later run. */
  | { code: 'CONNECT_FAILED'; undelivered: number }
  /** `relay`: what members sent to this node's relay (shown, not kept here). */
  | { code: 'STORE_FAILED'; what: 'own' | 'received' | 'relay'; count: number; cause: string }
  | { code: 'BAD_SIGNATURE'; what: 'sync' | 'message'; origin?: string; seq?: number; reason: string }
  | { code: 'BAD_IDENTITY'; host: string; port: number }
  | { code: 'WRONG_SECRET'; host: string; port: number; network: string; cause: 'mismatch' | 'maybe-needed'; detail?: string }
  | { code: 'BAD_FRAME'; detail: string }
  | { code: 'USAGE'; detail: string }
  /** A search text empty or longer than `maxChars`. */
  | { code: 'SEARCH_INVALID'; maxChars: number }
  /** The store could not be searched; `cause`: what it said. */
  | { code: 'SEARCH_FAILED'; cause: string }
  | { code: string; remote: { message: string; suggestion?: string } };

/** A node as `lanchat doctor`'s verdict names it: its nick and where it is (address:port). */
export interface DoctorNode {
  nick: string;
  at: string;
}

/**
 * What `lanchat doctor` concludes (discovery/verdict.ts), as a cause and its data; ui/words.ts
 * `verdictText` words it. `otherSecret`: the nodes seen of another room secret (or none), and whether
 * doctor was given a secret, named after most causes.
 */
export type DoctorVerdict = { network: string; otherSecret: { nodes: number; secret: boolean } } & (
  | { cause: 'OK'; relay: DoctorNode }
  | { cause: 'NO_INTERFACE' }
  /** `sendError`: what the system said to the first query. */
  | { cause: 'MULTICAST_UNSENDABLE'; sendError: string }
  | { cause: 'SILENT_NETWORK' }
  | { cause: 'ALONE' }
  /** `mine`: the nicks of this machine's own nodes, the only ones of the group seen. */
  | { cause: 'ONLY_SELF'; mine: string[] }
  | { cause: 'TWO_RELAYS'; relays: DoctorNode[] }
  | { cause: 'OTHER_SECRET' }
  /** `networks`: the networks the nodes seen are on. */
  | { cause: 'OTHER_NETWORK'; networks: string[] }
  /** `nodes`: how many of the group are seen, none of them the relay. */
  | { cause: 'ELECTING'; nodes: number }
  /** `port`: what trying the relay's port said ('untested' when it was not tried). */
  | { cause: 'RELAY_PORT_CLOSED'; relay: DoctorNode; port: string }
);
