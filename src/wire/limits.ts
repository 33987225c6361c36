/**
 * Every tunable that bounds what a peer can do, or how long something waits, in one frozen defaults object
 * (as ws's WebSocketServer and aedes's defaultOptions have one): each with its name, its value and why.
 * A node takes `limits?: Partial<Limits>` in its options and merges it over these once (resolveLimits),
 * then hands the result down to its relay, member, listener and connections; a module with no options
 * object reads its entry here. README.md's "Limits" table names every entry and states its value, and
 * test/wire/limits.test.ts holds the two to each other. Where the figures come from: docs/ARCHITECTURE.md
 * ("A new limit").
 */

export const PROTOCOL_VERSION = 1;

export interface Limits {
  // ---- frames and what is in them ----
  /** A frame whose announced length exceeds this closes the connection before any byte of it is buffered. */
  readonly frameBytes: number;
  /**
   * A frame must be whole within this of its first byte arriving, or the connection is closed
   * (FRAME_TIMEOUT). On a LAN the biggest frame takes milliseconds; a peer that sends one a byte at a time
   * (each byte proving the link alive) holds its buffer for this long at most, however it paces the bytes.
   */
  readonly frameDeadlineMs: number;
  /**
   * Bytes held for unfinished frames by all the inbound connections of one listener together. Over it, the
   * connection holding the biggest unfinished frame is closed (FRAME_BUFFERS_FULL) until the rest fit.
   * 32 MiB is a hundred and twenty peers each half-way through a full frame at the same moment, far more
   * than a LAN relay sees (frames arrive whole or nearly in one read); without it, a few hundred
   * connections each sending most of a frame and stalling would hold frameBytes each until their deadline.
   */
  readonly partialFramesBytes: number;
  /** Longest chat line, in UTF-8 bytes: a long paste, and a sixteenth of a frame. */
  readonly textBytes: number;
  /**
   * Biggest hello, encoded. A hello is a few hundred bytes; this leaves room for hundreds of rooms to
   * rejoin, and keeps it small enough to repeat in the welcomes and presences that carry it.
   */
  readonly helloBytes: number;
  /**
   * Rooms one member may be in at once. Every join is announced to everyone and every room is listed in the
   * member's roster entry, so without a cap one member's joins could flood the others (IRC servers cap
   * channels per user the same way; 50 is well above what people sit in). A hello asking for more gets
   * the first ones.
   */
  readonly roomsPerMember: number;
  /** Addresses a member announces beyond the one it is seen from: a host has a few, never hundreds. */
  readonly announcedAddresses: number;
  /** Longer announced addresses are dropped (an IPv6 address is at most 45 characters, before a zone id). */
  readonly announcedAddressChars: number;
  /** A leave reason ("quit", "timeout") is a sentence at most: longer ones are cut before they are relayed. */
  readonly leaveReasonChars: number;
  /** Longest nick, in characters: a name on a screen, not a sentence. */
  readonly nickChars: number;
  /** Longest room name, in characters, with its '#'. */
  readonly roomChars: number;

  // ---- conversation: topics, away, typing, whois (issue 17) ----
  /**
   * Longest room topic, in UTF-8 bytes: a line on a title bar, not a page. IRC servers announce a TOPICLEN of
   * 300 to 390; the topic is stored and replicated with the history, so every node checks it (message-rules.ts).
   */
  readonly topicBytes: number;
  /** An away reason is a sentence at most: longer ones are cut before the relay tells the others. */
  readonly awayReasonChars: number;
  /**
   * Away/back changes the relay passes on, per member a minute: each is told to everyone, so a member
   * flipping away and back cannot flood the others. Auto-away changes twice in ten minutes at most; the
   * rest is dropped silently (the roster keeps the last one told).
   */
  readonly awayChangesPerMinute: number;
  /**
   * The relay passes on one typing notice per member at most this often, after a burst of three (a member
   * sends one every 3 s while its user types), and only to the room's members or the one recipient: a member
   * sending them in a loop reaches nobody faster than this.
   */
  readonly typingIntervalMs: number;
  /** Whois questions the relay answers per member a minute; more are dropped (each answer is one small frame). */
  readonly whoisPerMinute: number;

  // ---- handshakes ----
  /** A dialing peer must say hello (and a member be welcomed) within this, or the socket is closed. */
  readonly helloTimeoutMs: number;
  /** A TLS handshake (with a room secret) not done within this is dropped, and counts towards a ban. */
  readonly tlsHandshakeTimeoutMs: number;
  /**
   * A new relay holds the hellos of others until its own user's member is in (over loopback, within a few
   * ms), so their first roster (the names line) holds that user; at most this long, in case it never comes.
   * Well under the 1.5 s dial timeout, so a held member's dial is never taken for a dead relay.
   */
  readonly ownMemberFirstMs: number;

  // ---- liveness and send buffers ----
  /** A heartbeat goes to every peer this often, so silence can mean death. */
  readonly heartbeatMs: number;
  /** Silence for this long (three missed heartbeats) means the peer is gone. */
  readonly peerDeadAfterMs: number;
  /** Above this many bytes queued for one peer, only chat traffic is still sent to it (heartbeats wait). */
  readonly sendSoftBytes: number;
  /** Above this many bytes queued for one peer, the peer is dropped (SLOW_CONSUMER); it reconnects. */
  readonly sendHardBytes: number;
  /** Bytes queued for a peer and none of them taken for this long: the peer is dropped as well. */
  readonly sendStallMs: number;

  // ---- rate, per inbound connection ----
  /**
   * Frames that the relay multiplies to everyone (chat lines, joins, parts, nick changes) may arrive at
   * this sustained rate a second, after a burst of rateBurst. A fast typist manages two or three lines a
   * second; a short pasted block fits in the burst.
   */
  readonly ratePerSec: number;
  readonly rateBurst: number;
  /**
   * What any other frame (sync, heartbeats) costs: sync is already paced by the side that asks, so they are
   * counted only so that a flood of them cannot hide under the limit.
   */
  readonly rateOtherCost: number;
  /**
   * Sync frames also draw on a bucket of bytes of their own, in proportion to their size: this many a
   * second, with a burst of as many. A full batch (200 KiB) is a fortieth of a second of it; a member
   * answering its relay's requests never feels it (the relay asks one batch at a time), one pushing
   * batches as fast as it can write is read at this pace and no faster. Over it, the connection is read
   * more slowly, not dropped: a failover merge of a large history is honest.
   */
  readonly syncReadBytes: number;
  /**
   * Over the rate, the connection is not read until it is under again (nothing is lost, it is slowed). One
   * that stays over it this long without easing off is dropped (RATE_LIMITED): its lines are stored on its
   * side and reach the relay by the sync after it reconnects.
   */
  readonly rateDropMs: number;

  // ---- addresses ----
  /**
   * Open connections from one address. A LAN host may run a few lanchat instances (one per network or
   * user), each with one connection to the relay, plus probes: 16 leaves room for that and stops one host
   * from holding hundreds of sockets. The node's own loopback address is exempt (see address-guard.ts).
   */
  readonly connectionsPerAddress: number;
  /** This many failed handshakes from one address within failedHandshakeWindowMs earn it a ban of banMs. */
  readonly failedHandshakesToBan: number;
  readonly failedHandshakeWindowMs: number;
  readonly banMs: number;

  // ---- the control socket (lanchat history on a running node) ----
  /**
   * History queries a node answers at once; one more is refused (TOO_MANY_QUERIES). Each holds a page of
   * the answer and the store's reading place for as long as its asker takes to read: a pager left open, or
   * a pipe into a reader that stopped, holds it for ever. Eight is more than one person runs at once, and
   * bounds what they can hold together.
   */
  readonly controlQueries: number;
  /**
   * How long `lanchat history` waits for a running node's answer before giving up, and how long a node
   * waits for the query of a connection on its control socket.
   */
  readonly controlTimeoutMs: number;
  /**
   * A `--limit` up to this many messages is read in one go (the store's newest first); a bigger one is read
   * as the whole history is, a chunk at a time, skipping what comes before the last N: `--limit 1000000000`
   * holds no more than no limit at all.
   */
  readonly historyReadAtOnce: number;

  // ---- sync ----
  /** A sync batch holds at most this many messages ... */
  readonly syncBatchMessages: number;
  /** ... and this many bytes of them (a frame is at most 256 KiB). */
  readonly syncBatchBytes: number;
  /** Besides on every connect, a member and its relay compare histories this often. */
  readonly syncIntervalMs: number;
  /** A sync request not answered within this is given up (the answer may come later and is still taken). */
  readonly syncAnswerTimeoutMs: number;
  /**
   * Sync batches received but not yet stored, at most: the next request goes out while a batch is verified
   * and written. At 2, a sync of 100k messages took 0.50-0.59 s; at 4, 0.42-0.44 s (bench:store, side by
   * side). It bounds what a catch-up holds: 4 batches of syncBatchBytes.
   */
  readonly syncPipelineDepth: number;
  /**
   * Sync batches that answer no request of this relay's (pushed unasked) that one connection may send:
   * each is dropped unread and counted; one more closes the connection (SYNC_ABUSE). A node only sends a
   * batch to answer a request, so an honest one sends none; a few cover an answer racing a give-up.
   */
  readonly unaskedBatches: number;
  /**
   * Sync requests of one connection waiting for their answers, at most (the one being answered
   * included). A node asks one batch at a time; past this a request is dropped and counted as above.
   */
  readonly syncAnswersQueued: number;

  // ---- what others can make a node store (sync/budget.ts) ----
  /**
   * Bytes of history a node keeps in all. At it, lines of others are no longer kept (shown, not stored);
   * nothing held is evicted, and the node's own lines are always kept. The user is told once (HISTORY_FULL).
   * 1 GiB is some three million lines of a hundred words: years of a busy LAN.
   */
  readonly historyBytes: number;
  /**
   * Bytes one origin (one node id) may hold in a node's history: past it, its lines are no longer kept
   * (ORIGIN_FULL, said once). 64 MiB is two hundred thousand lines: one identity cannot fill the history.
   */
  readonly originBytes: number;
  /**
   * Bytes of new messages the sync batches of one address's connections may bring into the relay's
   * store within addressSyncWindowMs (one window for all of them: reconnecting does not start a new one); the
   * rest is not kept, and is asked for again by a later round. New node ids cost nothing, so this bounds
   * a member however many identities it signs as. 32 MiB is a merge of a hundred thousand lines in one window.
   */
  readonly addressSyncBytes: number;
  readonly addressSyncWindowMs: number;
  /** Of a catch-up after being away, this many of the latest messages are shown (`/history` shows more). */
  readonly caughtUpShown: number;

  // ---- finding, joining and failing over ----
  /** A starting node listens this long for a relay before electing one. */
  readonly discoveryWindowMs: number;
  /** On a LAN a connection is up in milliseconds: a node silent this long is treated as unreachable. */
  readonly dialTimeoutMs: number;
  /** Dial timeout for a relay we had given up on (the dead relay a stale successor points us to). */
  readonly probablyGoneDialMs: number;
  /** A node that did not answer is left out of elections this long, or until it announces itself again. */
  readonly unreachableMs: number;
  /** A node we are told to join may answer NOT_RELAY while it notices it is the successor; this long. */
  readonly followPatienceMs: number;
  /**
   * A relay lost (or none reached yet at start) is not told as a loss for this long: a failover on a LAN
   * takes 0.1-0.5 s (a successor that does not answer costs a dial timeout, 1.5 s), and one that completes
   * within this is told as one "relay changed" line instead of a loss, retries and a stream of joins. Past
   * it the user is told the relay is lost and that lines are kept.
   */
  readonly relayQuietMs: number;
  /**
   * After a relay change, the people who were with the old relay have this long to reach the new one
   * (each goes through the same failover) before they are said to have left; those who come back in time
   * are not announced at all. The old relay's own user, unless it handed over, is said to have left at once.
   */
  readonly rejoinGraceMs: number;
  /** A relay dials every other relay it sees this often (partition heal), and that dial's timeout. */
  readonly probeIntervalMs: number;
  /** Redial delays start here and double, each with up to ±25 % jitter so members do not dial in step ... */
  readonly backoffFirstMs: number;
  /** ... up to this. */
  readonly backoffMaxMs: number;
  /** Redirects (NOT_RELAY, pointing elsewhere) followed in a row before a dial counts as failed. */
  readonly redirects: number;
  /** On a clean stop, lines no relay has taken yet wait this long for one (they are stored either way). */
  readonly flushOnStopMs: number;
  /** A remote clock more than this far ahead of ours is not believed (hybrid logical clock). */
  readonly clockSkewMs: number;
  /**
   * Distinct nodes with another room secret counted for the OTHER_SECRET notice. Node ids come from any
   * host's advert: past this many, more are not counted, so made-up ones cannot fill memory or the screen.
   */
  readonly otherSecretNodes: number;

  // ---- the full-screen UI ----
  /** Lines a window of the full-screen UI holds in memory; older ones leave it (the store keeps them). */
  readonly scrollbackLines: number;
  /**
   * A URL's hyperlink target, at most (bytes, percent-encoded); a longer URL is shown unlinked. VTE drops
   * targets over 2,083 bytes, and a link is repeated on every row a wrapped URL takes: a peer's 16 KiB
   * "URL" must not make every frame carry it dozens of times.
   */
  readonly linkBytes: number;

  // ---- search (/search, lanchat history --grep) ----
  /** Matches a search shows, the newest: a screenful or two; the store is read only until it holds them. */
  readonly searchResults: number;
  /** Longest search text, in characters: a phrase to find, not a paste. */
  readonly searchChars: number;
  /** Private lines a private conversation's history reads a time (to find those with one person among all the private lines held). */
  readonly privateScanMessages: number;

  // ---- people who are offline ----
  /**
   * Seal keys of nodes seen online kept in the data folder (private messages to someone offline are
   * sealed to theirs): a LAN's people many times over; the least lately seen leave first.
   */
  readonly knownSealKeys: number;
  // ---- the browser UI (lanchat --web): a page is one more input, bounded like a peer ----
  /** Biggest message a page may send over its WebSocket: a chat line (textBytes) and its JSON around it. */
  readonly webMessageBytes: number;
  /** Tabs (WebSockets) served at once: each is a subscriber holding its own send buffer. */
  readonly webTabs: number;
  /** Messages a tab may send a second, and in a burst: a fast typist sends a few; a runaway script is refused. */
  readonly webRatePerSec: number;
  readonly webRateBurst: number;
  /** Scroll-back requests a tab may have outstanding: each holds a read of the store until answered. */
  readonly webOlderPending: number;
  /** Messages in one page of scroll-back, and per room in a tab's first snapshot. */
  readonly webPageMessages: number;
  /** Bytes queued for a tab that does not read: over it the tab is closed (it reconnects and catches up). */
  readonly webSendBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  frameBytes: 256 * KiB,
  frameDeadlineMs: 10_000,
  partialFramesBytes: 32 * MiB,
  textBytes: 16 * KiB,
  helloBytes: 16 * KiB,
  roomsPerMember: 50,
  announcedAddresses: 8,
  announcedAddressChars: 64,
  leaveReasonChars: 200,
  nickChars: 32,
  roomChars: 50,
  topicBytes: 390,
  awayReasonChars: 200,
  awayChangesPerMinute: 10,
  typingIntervalMs: 1_000,
  whoisPerMinute: 30,

  helloTimeoutMs: 5_000,
  tlsHandshakeTimeoutMs: 5_000,
  ownMemberFirstMs: 500,

  heartbeatMs: 1_000,
  peerDeadAfterMs: 3_000,
  sendSoftBytes: 1 * MiB,
  sendHardBytes: 8 * MiB,
  sendStallMs: 10_000,

  ratePerSec: 10,
  rateBurst: 20,
  rateOtherCost: 0.1,
  syncReadBytes: 8 * MiB,
  rateDropMs: 10_000,

  connectionsPerAddress: 16,
  failedHandshakesToBan: 5,
  failedHandshakeWindowMs: 60_000,
  banMs: 60_000,

  controlQueries: 8,
  controlTimeoutMs: 10_000,
  historyReadAtOnce: 1_000,

  syncBatchMessages: 500,
  syncBatchBytes: 200 * KiB,
  syncIntervalMs: 10_000,
  syncAnswerTimeoutMs: 30_000,
  syncPipelineDepth: 4,
  unaskedBatches: 3,
  syncAnswersQueued: 2,
  historyBytes: 1024 * MiB,
  originBytes: 64 * MiB,
  addressSyncBytes: 32 * MiB,
  addressSyncWindowMs: 60_000,
  caughtUpShown: 50,

  discoveryWindowMs: 500,
  dialTimeoutMs: 1_500,
  probablyGoneDialMs: 300,
  unreachableMs: 10_000,
  followPatienceMs: 3_000,
  relayQuietMs: 4_000,
  rejoinGraceMs: 5_000,
  probeIntervalMs: 1_000,
  backoffFirstMs: 100,
  backoffMaxMs: 2_000,
  redirects: 3,
  flushOnStopMs: 3_000,
  clockSkewMs: 60_000,
  otherSecretNodes: 64,

  scrollbackLines: 5_000,
  linkBytes: 2_048,

  searchResults: 100,
  searchChars: 200,
  // A page of one person's private lines among up to this many others' (sealed to others, read unopened): ~5 ms of reads.
  privateScanMessages: 5_000,

  knownSealKeys: 1_000,
  webMessageBytes: 20 * KiB,
  webTabs: 16,
  webRatePerSec: 10,
  webRateBurst: 40,
  webOlderPending: 2,
  webPageMessages: 100,
  webSendBytes: 4 * MiB,
});

/** The defaults with `overrides` over them (an entry given as undefined keeps its default), frozen. */
export function resolveLimits(overrides: Partial<Limits> = {}): Readonly<Limits> {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(overrides) as [keyof Limits, number | undefined][]) {
    if (value !== undefined) (limits as Record<keyof Limits, number>)[name] = value;
  }
  return Object.freeze(limits);
}
