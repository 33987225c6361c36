import { userInfo } from 'node:os';
import { nickProblem, sanitizeNick } from '../chat/names.js';
import type { RelayAddress } from '../chat/views.js';
import { defaultDataDir } from '../session/data-folder.js';
import { DEFAULT_AWAY_AFTER_MINUTES } from '../session/node-session.js';
import { LanchatError } from '../wire/errors.js';

/** The options as commander hands them over: strings, unchecked. */
export interface RawOptions {
  name?: string;
  host?: boolean;
  connect?: string;
  port?: string;
  data?: string;
  network?: string;
  json?: boolean;
  plain?: boolean;
  discovery?: boolean;
  awayAfter?: string;
  typing?: boolean;
  /** false: --no-notify. */
  notify?: boolean;
  /** --highlight WORD,… */
  highlight?: string;
  /** `--web` alone: true; `--web PORT`: the port as typed. */
  web?: boolean | string;
}

export interface CliOptions {
  nick: string;
  host: boolean;
  connect: RelayAddress | undefined;
  port: number;
  dataDir: string;
  network: string;
  json: boolean;
  /** Line mode even on a terminal (no full-screen UI). */
  plain: boolean;
  discovery: boolean;
  /** Minutes without input before the user is away by itself; 0: never (--away-after). */
  awayAfterMinutes: number;
  /** Tell the others when the user types (--no-typing: false). */
  typing: boolean;
  /** Desktop notifications in the full-screen UI and line mode (--no-notify: none; --json never notifies). */
  notify: boolean;
  /** --highlight: words that count as a mention of you, besides your nick. */
  highlights: string[];
  /** Serve the browser UI on this port of 127.0.0.1 (0: any free one); undefined: no browser UI. */
  web: number | undefined;
}

/** --away-after: whole minutes, up to a week. */
const MAX_AWAY_AFTER_MINUTES = 7 * 24 * 60;
/** --highlight takes at most this many words, each at most HIGHLIGHT_CHARS characters. */
export const HIGHLIGHT_WORDS = 20;
export const HIGHLIGHT_CHARS = 32;

/** The words of --highlight WORD,…: refused when empty, too many or too long. */
export function parseHighlights(text: string | undefined): string[] {
  if (text === undefined) return [];
  const words = text.split(',').map((w) => w.trim());
  if (words.some((w) => w === '' || [...w].length > HIGHLIGHT_CHARS) || words.length > HIGHLIGHT_WORDS) {
    throw usage(`--highlight "${text}": up to ${HIGHLIGHT_WORDS} words of 1 to ${HIGHLIGHT_CHARS} characters, separated by commas`);
  }
  return words;
}

export const NETWORK_PATTERN = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** Checks everything the user typed before anything starts; throws a USAGE error naming the option. */
export function resolveOptions(raw: RawOptions, env: NodeJS.ProcessEnv = process.env): CliOptions {
  const network = raw.network ?? 'lanchat';
  if (!NETWORK_PATTERN.test(network)) {
    throw usage(`--network "${network}": 1 to 32 lowercase letters, digits, '.', '_' or '-'`);
  }
  const nick = raw.name ?? sanitizeNick(osUserName());
  const problem = nickProblem(nick);
  if (problem !== undefined) throw usage(`--name "${nick}": ${problem}`);
  if (raw.host && raw.connect !== undefined) throw usage('--host and --connect exclude each other');
  if (raw.json && raw.plain) throw usage('--json and --plain exclude each other');
  return {
    nick,
    host: raw.host === true,
    connect: raw.connect === undefined ? undefined : parseHostPort(raw.connect),
    port: raw.port === undefined ? 0 : parsePort(raw.port, '--port'),
    dataDir: raw.data ?? defaultDataDir(network, env),
    network,
    json: raw.json === true,
    plain: raw.plain === true,
    discovery: raw.discovery !== false,
    awayAfterMinutes: raw.awayAfter === undefined ? DEFAULT_AWAY_AFTER_MINUTES : parseMinutes(raw.awayAfter),
    typing: raw.typing !== false,
    notify: raw.notify !== false,
    highlights: parseHighlights(raw.highlight),
    web: raw.web === undefined || raw.web === false ? undefined : raw.web === true ? 0 : parsePort(raw.web, '--web'),
  };
}

function parseMinutes(text: string): number {
  const minutes = Number(text);
  if (!/^\d+$/.test(text) || minutes > MAX_AWAY_AFTER_MINUTES) {
    throw usage(`--away-after: "${text}" is not a number of minutes (0 to ${MAX_AWAY_AFTER_MINUTES}; 0: never)`);
  }
  return minutes;
}

/** "host:port", "[v6]:port" or "v6addr:port". */
export function parseHostPort(text: string): RelayAddress {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:\s]+|[0-9a-fA-F:.]+):(\d+)$/.exec(text);
  if (match === null) throw usage(`--connect "${text}": expected HOST:PORT, e.g. 192.168.1.20:40123`);
  return { host: match[1]!, port: parsePort(match[2]!, '--connect', false) };
}

function parsePort(text: string, option: string, allowZero = true): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535 || (!allowZero && port === 0)) {
    throw usage(`${option}: "${text}" is not a TCP port (${allowZero ? 0 : 1} to 65535)`);
  }
  return port;
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'anon';
  }
}

function usage(message: string): LanchatError {
  return new LanchatError('USAGE', message);
}
