/**
 * Every failure lanchat reports carries a stable code, so callers and tests match the code and people
 * read the message.
 */
export const ErrorCode = {
  BAD_FRAME: 'BAD_FRAME',
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  HELLO_TIMEOUT: 'HELLO_TIMEOUT',
  HEARTBEAT_TIMEOUT: 'HEARTBEAT_TIMEOUT',
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  // A frame not whole within frameDeadlineMs (limits.ts) of its first byte.
  FRAME_TIMEOUT: 'FRAME_TIMEOUT',
  // Unfinished frames of all a listener's connections passed partialFramesBytes (limits.ts); this one held the biggest.
  FRAME_BUFFERS_FULL: 'FRAME_BUFFERS_FULL',
  // Sent frames faster than the rate limit for too long.
  RATE_LIMITED: 'RATE_LIMITED',
  // Refused at accept: that address holds too many connections, or is banned for failed handshakes.
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  BANNED: 'BANNED',
  PROTOCOL_VERSION: 'PROTOCOL_VERSION',
  WRONG_NETWORK: 'WRONG_NETWORK',
  UNEXPECTED_FRAME: 'UNEXPECTED_FRAME',
  NICK_IN_USE: 'NICK_IN_USE',
  NICK_INVALID: 'NICK_INVALID',
  ROOM_INVALID: 'ROOM_INVALID',
  TOO_MANY_ROOMS: 'TOO_MANY_ROOMS',
  SERVER_FULL: 'SERVER_FULL',
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  NO_SUCH_NICK: 'NO_SUCH_NICK',
  TEXT_INVALID: 'TEXT_INVALID',
  BAD_ORIGIN: 'BAD_ORIGIN',
  // A live line signed with a nick that is not its sender's (the session's nick, or the one it had just before).
  NOT_YOUR_NICK: 'NOT_YOUR_NICK',
  // A live line timed more than MAX_CLOCK_SKEW_MS ahead of the relay's clock: the author's clock is wrong.
  CLOCK_AHEAD: 'CLOCK_AHEAD',
  DUPLICATE_NODE: 'DUPLICATE_NODE',
  NOT_RELAY: 'NOT_RELAY',
  CONNECT_FAILED: 'CONNECT_FAILED',
  DATA_DIR_IN_USE: 'DATA_DIR_IN_USE',
  USAGE: 'USAGE',
  // A message whose signature, author key or chain does not hold: refused, never stored.
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  STORE_FAILED: 'STORE_FAILED',
  // Sync batches nobody asked for, or sync requests faster than they are answered, past unaskedBatches (limits.ts).
  SYNC_ABUSE: 'SYNC_ABUSE',
  // The control socket is answering controlQueries (limits.ts) history queries already.
  TOO_MANY_QUERIES: 'TOO_MANY_QUERIES',
  STORE_FORMAT: 'STORE_FORMAT',
  // The history folder cannot be read as it is (a file missing, truncated or garbled): never taken for a
  // new, empty one; `lanchat repair` keeps a copy of it, then recovers what it can.
  STORE_DAMAGED: 'STORE_DAMAGED',
  // The identity key file is empty or not a key: refused; `lanchat repair` moves it aside.
  IDENTITY_DAMAGED: 'IDENTITY_DAMAGED',
  // chain-head.json is empty or not a chain head: refused (it guards the numbering of one's own lines);
  // `lanchat repair` moves it aside.
  CHAIN_HEAD_DAMAGED: 'CHAIN_HEAD_DAMAGED',
  // A file or folder of the data folder cannot be read or written (permissions, a full disk, not a folder).
  DATA_DIR_ACCESS: 'DATA_DIR_ACCESS',
  // The room secret: the other side has another one, or none (or has one where this side has none).
  WRONG_SECRET: 'WRONG_SECRET',
  // A hello or welcome whose node id is not proven by a signature over this very TLS session.
  BAD_IDENTITY: 'BAD_IDENTITY',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * A file or folder that lanchat cannot use as it is, as data: what it is, where, and what is wrong with
 * it. The faces word it (ui/words.ts `fileProblemText`): a user reads what to do, never a system error code.
 */
export type FileProblem = DataFileProblem | NamedFileProblem;

/** A file or folder of the data folder. */
export interface DataFileProblem {
  what: 'data-folder' | 'identity' | 'chain-head' | 'history-folder' | 'web-token';
  path: string;
  /** The data folder it belongs to (for `lanchat repair --data ...`). */
  dataDir: string;
  trouble: FileTrouble;
  /** What lanchat was doing when the system refused. */
  doing?: 'read' | 'write';
}

/** A file the user named on the command line (`--secret-file`): only read, never lanchat's to repair. */
export interface NamedFileProblem {
  what: 'secret-file';
  path: string;
  trouble: FileTrouble;
  doing?: 'read';
}

/**
 * `missing`: it does not exist; `denied`: permissions; `read-only`: a read-only file system; `is-a-folder`:
 * a folder where a file should be; `not-a-folder`: a file where a folder should be; `full`: no space left;
 * `empty`/`garbled`: the file is there but does not hold what it should; `failed`: anything else the
 * system said.
 */
export type FileTrouble = 'missing' | 'denied' | 'read-only' | 'is-a-folder' | 'not-a-folder' | 'full' | 'empty' | 'garbled' | 'failed';

/** What a file system error code means to whoever has to fix it. */
export function fileTrouble(err: unknown): FileTrouble {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'missing';
    case 'EACCES':
    case 'EPERM':
      return 'denied';
    case 'EROFS':
      return 'read-only';
    case 'EISDIR':
      return 'is-a-folder';
    case 'ENOTDIR':
      return 'not-a-folder';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'full';
    default:
      return 'failed';
  }
}

/**
 * A port the user told lanchat to listen on (`--port`, `--web`) that it cannot take, as data: the faces
 * word it (ui/words.ts `portProblemText`), never as the system's code. `in-use`: another program has it;
 * `denied`: the system does not let this user take it (below 1024); `failed`: anything else.
 */
export interface PortProblem {
  option: '--port' | '--web';
  port: number;
  trouble: 'in-use' | 'denied' | 'failed';
}

/** What a listen error means to whoever chose the port. */
export function portTrouble(err: unknown): PortProblem['trouble'] {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' ? 'in-use' : code === 'EACCES' || code === 'EPERM' ? 'denied' : 'failed';
}

/** A port the user chose that lanchat cannot listen on: USAGE (exit 2), worded by the faces. */
export function portError(option: PortProblem['option'], port: number, cause: unknown): LanchatError {
  const problem: PortProblem = { option, port, trouble: portTrouble(cause) };
  return new LanchatError('USAGE', `${option} ${port}: ${problem.trouble}`, { cause, port: problem });
}

export class LanchatError extends Error {
  static override readonly name = 'LanchatError';
  readonly code: ErrorCode;
  /** The file or folder at fault, for the faces to word (the message is only a fallback then). */
  readonly file: FileProblem | undefined;
  /** The port at fault, for the faces to word (the message is only a fallback then). */
  readonly port: PortProblem | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; file?: FileProblem; port?: PortProblem }) {
    super(message, options);
    this.name = 'LanchatError';
    this.code = code;
    this.file = options?.file;
    this.port = options?.port;
  }
}

/** A LanchatError about a file or folder lanchat cannot use; its message is a plain fallback. */
export function fileError(code: ErrorCode, file: FileProblem, cause?: unknown): LanchatError {
  return new LanchatError(code, `${file.path}: ${file.trouble}${file.doing === undefined ? '' : ` (${file.doing})`}`, { cause, file });
}

export function isLanchatError(err: unknown, code?: ErrorCode): err is LanchatError {
  return err instanceof LanchatError && (code === undefined || err.code === code);
}
