/**
 * Protocol limits shared by every node. Where each figure comes from: docs/ARCHITECTURE.md ("A new limit");
 * what each does to a peer over it: the README's limits table, which gets a row for every new one.
 */

export const PROTOCOL_VERSION = 1;

/** A frame whose announced length exceeds this closes the connection before any byte of it is buffered. */
export const MAX_FRAME_BYTES = 256 * 1024;

/**
 * A frame must be whole within this of its first byte arriving, or the connection is closed
 * (FRAME_TIMEOUT). On a LAN the biggest frame takes milliseconds; a peer that sends one a byte at a time
 * (each byte proving the link alive) holds its buffer for this long at most, however it paces the bytes.
 */
export const FRAME_DEADLINE_MS = 10_000;

/**
 * Bytes held for unfinished frames by all the inbound connections of one listener together. Over it, the
 * connection holding the biggest unfinished frame is closed (FRAME_BUFFERS_FULL) until the rest fit. 32 MiB
 * is a hundred and twenty peers each half-way through a full frame at the same moment, far more than a LAN
 * relay sees (frames arrive whole or nearly in one read); without it, a few hundred connections each
 * sending most of a frame and stalling would hold MAX_FRAME_BYTES each until their deadline.
 */
export const PARTIAL_FRAMES_MAX_BYTES = 32 * 1024 * 1024;

/** Longest chat line, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16 * 1024;

/** A dialing peer must say hello within this, or the socket is closed. */
export const HELLO_TIMEOUT_MS = 5_000;

export const HEARTBEAT_INTERVAL_MS = 1_000;

/** Silence for this long (three missed heartbeats) means the peer is gone. */
export const PEER_DEAD_AFTER_MS = 3_000;

/** Above this many bytes queued for one peer, only chat traffic is still sent to it. */
export const SEND_BUFFER_SOFT_BYTES = 1024 * 1024;

/** Above this many bytes queued for one peer, or no progress for SEND_STALL_MS, the peer is dropped. */
export const SEND_BUFFER_HARD_BYTES = 8 * 1024 * 1024;
export const SEND_STALL_MS = 10_000;

/**
 * Per inbound connection: frames that the relay multiplies to everyone (chat lines, joins, parts, nick
 * changes) may arrive at this sustained rate, after a burst of RATE_LIMIT_BURST. A fast typist manages two
 * or three lines a second; a short pasted block fits in the burst. Other frames (sync, heartbeats) cost
 * RATE_LIMIT_OTHER_COST each: sync is already paced by the side that asks, so they are counted only so
 * that a flood of them cannot hide under the limit.
 */
export const RATE_LIMIT_PER_SEC = 10;
export const RATE_LIMIT_BURST = 20;
export const RATE_LIMIT_OTHER_COST = 0.1;

/**
 * Over the rate, the connection is not read until it is under again (nothing is lost, it is slowed). One
 * that stays over it this long without easing off is dropped (RATE_LIMITED): its lines are stored on its
 * side and reach the relay by the sync after it reconnects.
 */
export const RATE_LIMIT_DROP_MS = 10_000;

/**
 * Open connections from one address. A LAN host may run a few lanchat instances (one per network or
 * user), each with one connection to the relay, plus probes: 16 leaves room for that and stops one host
 * from holding hundreds of sockets. The node's own loopback address is exempt (see address-guard.ts).
 */
export const MAX_CONNECTIONS_PER_ADDRESS = 16;

/** This many failed handshakes from one address within the window earn it a ban of BAN_MS. */
export const FAILED_HANDSHAKES_TO_BAN = 5;
export const FAILED_HANDSHAKE_WINDOW_MS = 60_000;
export const BAN_MS = 60_000;

/**
 * Rooms one member may be in at once. Every join is announced to everyone and every room is listed in the
 * member's roster entry, so without a cap one member's joins could flood the others (IRC servers cap
 * channels per user the same way; 50 is well above what people sit in).
 */
export const MAX_ROOMS_PER_MEMBER = 50;
