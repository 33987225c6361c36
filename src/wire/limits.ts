/** Protocol limits shared by every node. See DESIGN.md (Limits) for where each figure comes from. */

export const PROTOCOL_VERSION = 1;

/** A frame whose announced length exceeds this closes the connection before any byte of it is buffered. */
export const MAX_FRAME_BYTES = 256 * 1024;

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
