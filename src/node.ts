import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { DEFAULT_ROOM } from './chat/names.js';
import { loadOrCreateIdentity, type Identity } from './identity/identity.js';
import {
  Member,
  type MessageView,
  type PresenceView,
  type Problem,
  type RelayAddress,
  type RelayInfo,
} from './member/member.js';
import type { Roster } from './member/roster.js';
import type { Connection } from './net/connection.js';
import { lanAddresses, listen } from './net/listener.js';
import { Relay } from './relay/relay.js';
import { claimDataDir } from './store/data-dir.js';
import { HELLO_TIMEOUT_MS } from './wire/limits.js';

export interface NodeOptions {
  nick: string;
  network: string;
  dataDir: string;
  /** Take the relay role (--host). */
  host: boolean;
  /** Join the relay (or any node, which points at its relay) at this address (--connect). */
  connect?: RelayAddress;
  /** TCP port to listen on; 0 for any free one. */
  port: number;
  rooms?: string[];
  heartbeatMs?: number;
}

export type Role = 'relay' | 'member';

export interface NodeEvents {
  ready: [info: { node: string; nick: string; port: number }];
  role: [info: { role: Role; relay: RelayInfo }];
  connection: [info: { state: 'connected' } | { state: 'disconnected'; reason: string; retryInMs: number }];
  message: [message: MessageView];
  presence: [presence: PresenceView];
  problem: [problem: Problem];
}

/**
 * One running lanchat: identity, TCP listener, and the roles. Every node is a member (its user's chat
 * client); a relay node also runs the Relay and its member dials it over loopback, so chat takes one path
 * whichever role a node has and a node can change role without its user noticing.
 */
export class LanchatNode extends EventEmitter<NodeEvents> {
  readonly identity: Identity;
  readonly port: number;
  readonly #options: NodeOptions;
  readonly #server: Server;
  readonly #releaseDataDir: () => Promise<void>;
  readonly #member: Member;
  #relay: Relay | undefined;
  #role: { role: Role; relay: RelayInfo } | undefined;
  #stopping: Promise<void> | undefined;

  static async start(options: NodeOptions): Promise<LanchatNode> {
    const release = await claimDataDir(options.dataDir);
    try {
      const identity = await loadOrCreateIdentity(options.dataDir);
      let node: LanchatNode | undefined;
      const pending: Connection[] = [];
      const { server, port } = await listen(
        options.port,
        (conn) => (node === undefined ? pending.push(conn) : node.#onInbound(conn)),
        { heartbeatMs: options.heartbeatMs },
      );
      node = new LanchatNode(options, identity, server, port, release);
      for (const conn of pending) node.#onInbound(conn);
      return node;
    } catch (err) {
      await release();
      throw err;
    }
  }

  private constructor(
    options: NodeOptions,
    identity: Identity,
    server: Server,
    port: number,
    release: () => Promise<void>,
  ) {
    super();
    this.#options = options;
    this.identity = identity;
    this.#server = server;
    this.port = port;
    this.#releaseDataDir = release;
    const becomesRelay = options.host || options.connect === undefined;
    if (becomesRelay) {
      this.#relay = new Relay({ nodeId: identity.nodeId, nick: options.nick, network: options.network });
    }
    this.#member = new Member({
      identity,
      network: options.network,
      nick: options.nick,
      rooms: options.rooms ?? [DEFAULT_ROOM],
      listenPort: port,
      addresses: lanAddresses(),
      rank: { forced: options.host, weight: 0, startedAt: Date.now() },
      relay: becomesRelay ? { host: '127.0.0.1', port } : options.connect!,
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    });
    this.#member.on('connected', (relay) => this.#onConnected(relay));
    this.#member.on('disconnected', (info) => this.emit('connection', { state: 'disconnected', ...info }));
    this.#member.on('message', (m) => this.emit('message', m));
    this.#member.on('presence', (p) => this.emit('presence', p));
    this.#member.on('problem', (p) => this.emit('problem', p));
  }

  /** Announces readiness and starts the roles. Listeners for the node's events go on before this. */
  run(): void {
    this.emit('ready', { node: this.identity.nodeIdHex, nick: this.#member.nick, port: this.port });
    this.#member.start();
  }

  get nick(): string {
    return this.#member.nick;
  }

  get network(): string {
    return this.#options.network;
  }

  get role(): Role | undefined {
    return this.#role?.role;
  }

  get relay(): RelayInfo | undefined {
    return this.#role?.relay;
  }

  get currentRoom(): string | undefined {
    return this.#member.currentRoom;
  }

  get rooms(): string[] {
    return this.#member.rooms;
  }

  get roster(): Roster {
    return this.#member.roster;
  }

  get isConnected(): boolean {
    return this.#member.isConnected;
  }

  say(text: string): boolean {
    return this.#member.say(text);
  }

  whisper(nick: string, text: string): boolean {
    return this.#member.whisper(nick, text);
  }

  join(room: string): boolean {
    return this.#member.join(room);
  }

  part(room?: string): boolean {
    return this.#member.part(room);
  }

  setNick(nick: string): boolean {
    return this.#member.setNick(nick);
  }

  /** Leaves cleanly: peers are told, the relay (if this is it) tells its members, the data folder is freed. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#member.stop('quit');
      this.#relay?.stop();
      await new Promise<void>((resolve) => this.#server.close(() => resolve()));
      await this.#releaseDataDir();
    })();
    return this.#stopping;
  }

  #onInbound(conn: Connection): void {
    if (this.#stopping !== undefined) {
      conn.close();
    } else if (this.#relay !== undefined) {
      this.#relay.accept(conn);
    } else {
      this.#redirect(conn);
    }
  }

  /** A member dialed by mistake points the caller at its relay (--connect works against any node). */
  #redirect(conn: Connection): void {
    const timer = setTimeout(() => conn.close('HELLO_TIMEOUT', 'no hello within the time limit'), HELLO_TIMEOUT_MS);
    timer.unref();
    conn.once('frame', (frame) => {
      clearTimeout(timer);
      const relay = this.#member.relay;
      if (frame.kind === 'hello' && relay !== undefined && this.#member.isConnected) {
        conn.sendFrame({ redirect: { relayId: Buffer.from(relay.id, 'hex'), host: relay.host, port: relay.port } });
        conn.close();
      } else {
        conn.close('NOT_RELAY', 'this node is not the relay and does not know one yet');
      }
    });
    conn.once('close', () => clearTimeout(timer));
  }

  #onConnected(relay: RelayInfo): void {
    this.emit('connection', { state: 'connected' });
    const role: Role = relay.id === this.identity.nodeIdHex ? 'relay' : 'member';
    const shown: RelayInfo = role === 'relay' ? { ...relay, host: lanAddresses()[0] ?? relay.host, port: this.port } : relay;
    const previous = this.#role;
    if (
      previous?.role === role &&
      previous.relay.id === shown.id &&
      previous.relay.host === shown.host &&
      previous.relay.port === shown.port
    ) {
      return;
    }
    this.#role = { role, relay: shown };
    this.emit('role', this.#role);
  }
}
