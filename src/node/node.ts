import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import type { Notice as NoticeData } from '../chat/views.js';
import { serveControl } from '../control/control-socket.js';
import { readableText } from '../identity/seal.js';
import type { Advert } from '../discovery/advert.js';
import { Discovery } from '../discovery/mdns.js';
import type { Role } from '../election/decide.js';
import type { Rank } from '../election/rank.js';
import type { Identity } from '../identity/identity.js';
import type { LostInfo, Member, MessageView, NextDial, RelayInfo } from '../member/member.js';
import type { Talk } from '../member/talk.js';
import type { Roster } from '../member/roster.js';
import type { Connection } from '../net/connection.js';
import { lanAddresses } from '../net/listener.js';
import type { NetworkSecret } from '../net/secret.js';
import { Relay } from '../relay/relay.js';
import type { Replica } from '../sync/replica.js';
import { type Limits, PROTOCOL_VERSION } from '../wire/limits.js';
import { FailoverDriver } from './failover-driver.js';
import { type HistoryCursor, latestHistory, olderHistory, privateHistory, searchHistory } from './history.js';
import { routeInbound } from './inbound.js';
import { newMember, type NodeParts, openParts } from './open.js';
import { watchOtherSecrets } from './other-secrets.js';
import { PinWatch } from './pin-watch.js';
import { RelayChange } from './relay-change.js';
import { RelayProbes } from './relay-probes.js';
import type { NodeEvents, NodeOptions } from './types.js';

export type { NodeEvents, NodeOptions, Role } from './types.js';
export type { Talk } from '../member/talk.js';
export type { Notice } from '../chat/views.js';
export { FOLLOW_PATIENCE_MS, UNREACHABLE_MS } from '../election/failover.js';
export { DISCOVERY_WINDOW_MS } from './failover-driver.js';
export { PROBE_INTERVAL_MS } from './relay-probes.js';

/** Messages of the current room shown on start. */
export const START_HISTORY = 50;

/**
 * One running lanchat: identity, TCP listener, discovery, election, and the roles. Every node is a member
 * (its user's chat client); a relay node also runs the Relay and its member dials it over loopback, so
 * chat takes one path whichever role a node has, and a node changes role without its user noticing.
 * This class puts the parts together; failover, probes, inbound links, pins and history have a file each.
 */
export class LanchatNode extends EventEmitter<NodeEvents> {
  readonly identity: Identity;
  readonly port: number;
  readonly #options: NodeOptions;
  readonly #limits: Readonly<Limits>;
  readonly #server: Server;
  readonly #releaseDataDir: () => Promise<void>;
  readonly #member: Member;
  readonly #discovery: Discovery | undefined;
  readonly #replica: Replica;
  readonly #secret: NetworkSecret | undefined;
  readonly #pins: PinWatch;
  readonly #nickPins: NodeParts['pins'];
  readonly #rank: Rank;
  readonly #failover: FailoverDriver;
  readonly #probes: RelayProbes;
  readonly #change: RelayChange;
  #startHistory: Promise<void> = Promise.resolve();
  #shown: { role: Exclude<Role, 'electing'>; relay: RelayInfo } | undefined;
  #stopping: Promise<void> | undefined;
  /** Where `lanchat history` reads this node's store while it runs (control-socket.ts). */
  #control: Server | undefined;
  /** Where this node's browser UI is served (lanchat --web), for `lanchat open` on the control socket. */
  webUrl: string | undefined;

  static async start(options: NodeOptions): Promise<LanchatNode> {
    let node: LanchatNode | undefined;
    const pending: Connection[] = [];
    const parts = await openParts(options, (conn) => (node === undefined ? pending.push(conn) : node.#onInbound(conn)));
    try {
      node = new LanchatNode(options, parts);
      for (const conn of pending) node.#onInbound(conn);
      node.#control = await serveControl(options.dataDir, parts.replica.store, undefined, () => node?.webUrl, (m) => readableText(m, parts.identity));
      return node;
    } catch (err) {
      await parts.replica.store.close();
      await parts.releaseDataDir();
      throw err;
    }
  }

  private constructor(options: NodeOptions, { identity, server, port, releaseDataDir, replica, chain, secret, pins, sealKeys, sealKeySaver, limits }: NodeParts) {
    super();
    this.#options = options;
    this.#limits = limits;
    this.#secret = secret;
    this.#replica = replica;
    this.identity = identity;
    this.#server = server;
    this.port = port;
    this.#releaseDataDir = releaseDataDir;
    const startedAt = Date.now();
    this.#rank = { forced: options.host, weight: 0, startedAt, nodeId: identity.nodeIdHex };
    const notice = (data: NoticeData): void => void this.emit('notice', data);
    this.#nickPins = pins;
    // A relay change is told once it is done (relay-change.ts): failover's losses go through it.
    const change = (this.#change = new RelayChange({
      self: identity.nodeIdHex, quietMs: limits.relayQuietMs, rejoinGraceMs: limits.rejoinGraceMs, notice,
      disconnected: (info) => this.emit('connection', { state: 'disconnected', ...info }),
      presence: (p) => this.emit('presence', p),
      nextDialInMs: () => this.#member.nextDialInMs(),
    }));
    this.#pins = new PinWatch({ dataDir: options.dataDir, selfId: identity.nodeIdHex, pins, sealKeys, sealKeySaver, proven: secret !== undefined, notice });
    // The failover driver decides where the member dials when its link is lost (it is built just below;
    // the member asks only once it runs).
    const reconnect = (lost: LostInfo): NextDial | undefined => this.#failover.reconnect(lost);
    const member = (this.#member = newMember(options, { identity, port, replica, chain, secret, pins, sealKeys, limits, reconnect }, startedAt));
    if (options.discovery) this.#discovery = new Discovery(options.network, secret?.tag);
    const discovery = this.#discovery;
    this.#failover = new FailoverDriver({
      self: { nodeId: identity.nodeIdHex, rank: this.#rank, port },
      member,
      discovery,
      discoveryWindowMs: limits.discoveryWindowMs,
      newRelay: (epoch) => this.#newRelay(epoch),
      advertise: (role, epoch) => void discovery?.update(this.#advert(role, epoch)),
      notice: (data) => change.notice(data),
      probeOtherRelays: (known) => this.#probes.probe(discovery?.peers() ?? [], known),
      verifyProbe: (to) => this.#probes.verify(to),
    });
    this.#probes = new RelayProbes({
      identity,
      network: options.network,
      port,
      secret,
      rank: this.#rank,
      role: () => this.#failover.role,
      epoch: () => this.#failover.epoch,
      onClaim: (claim, host, proof) => this.#failover.onProbe(claim, host, proof),
    });
    member.on('connected', (relay) => this.#onConnected(relay));
    // Before the failover driver hears of the loss (the member asks its reconnect policy after this).
    member.on('lost', (info) => change.lost(info, member.roster.peers()));
    member.on('disconnected', (info) => change.disconnected(info));
    member.on('message', (view) => this.emit('message', view));
    member.on('delivered', (id) => this.emit('delivered', id));
    member.on('caughtUp', ({ count, recent, away, first }) => {
      // Lines that came by sync while this user was here (a paste, a member back from offline) are
      // simply shown; a count only when some are left out.
      if (away || recent.length < count) notice({ code: 'CAUGHT_UP', count, shown: recent.length, away, first });
      for (const view of recent) this.emit('message', view);
    });
    member.on('presence', (p) => {
      const peer = p.self || p.state === 'left' ? undefined : member.roster.findByNick(p.nick);
      change.presence(p, peer?.nodeId);
      if (peer !== undefined) this.#pins.check([peer]);
    });
    member.on('problem', (p) => this.emit('problem', p));
    member.on('topic', (t) => this.emit('topic', t));
    member.on('typing', (t) => this.emit('typing', t));
    member.on('whois', (w) => this.emit('whois', w));
    member.on('notice', notice);
    discovery?.on('seen', (advert) => this.#failover.onAdvert(advert));
    discovery?.on('gone', (nodeId) => this.#failover.onGone(nodeId));
    discovery?.on('trouble', (text) => notice({ code: 'MDNS_TROUBLE', detail: text }));
    if (discovery !== undefined) watchOtherSecrets(discovery, { max: limits.otherSecretNodes, secret: secret !== undefined }, notice);
    replica.whenBound((reason, origin) =>
      notice(reason === 'HISTORY_FULL' ? { code: 'HISTORY_FULL', limitBytes: limits.historyBytes } : { code: 'ORIGIN_FULL', origin, nick: member.roster.get(origin)?.nick, limitBytes: limits.originBytes }),
    );
  }

  /**
   * Announces readiness, shows the recent history of the current room, and starts finding a relay.
   * Listeners for the node's events go on before this.
   */
  run(): void {
    this.emit('ready', { node: this.identity.nodeIdHex, nick: this.#member.nick, port: this.port, secret: this.#secret !== undefined });
    this.emit('notice', { code: this.#secret === undefined ? 'OPEN' : 'SECRET' });
    this.#startHistory = this.showHistory(this.#member.currentRoom, START_HISTORY);
    this.#discovery?.start(this.#advert(this.#failover.role, this.#failover.epoch));
    const { host, connect, discovery } = this.#options;
    this.#failover.start({ host, connect, discovery });
  }

  get nick(): string {
    return this.#member.nick;
  }

  get network(): string {
    return this.#options.network;
  }

  /** Whether the network has a room secret (every link TLS) or is open. */
  get secret(): boolean {
    return this.#secret !== undefined;
  }

  get role(): Role {
    return this.#failover.role;
  }

  get relay(): RelayInfo | undefined {
    return this.#shown?.relay;
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

  whisper(nick: string, text: string, options: { action?: true } = {}): boolean {
    return this.#member.whisper(nick, text, options);
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

  /** The node id of `nick`: of whoever has it online, else the one it is pinned to (seen before). */
  nodeIdOf(nick: string): { nodeId: string; nick: string } | undefined {
    const peer = this.#member.roster.findByNick(nick);
    if (peer !== undefined) return { nodeId: peer.nodeId, nick: peer.nick };
    const pinned = this.#nickPins.pinned(nick);
    return pinned === undefined ? undefined : { nodeId: pinned, nick };
  }

  /** Actions, topics, away, typing, whois (member/talk.ts). */
  get talk(): Talk {
    return this.#member.talk;
  }

  /** Emits the last `limit` stored messages (of `room`, or of everything) as history, oldest first. */
  async showHistory(room: string | undefined, limit: number): Promise<void> {
    for (const view of await latestHistory(this.#replica.store, this.identity, room, limit)) this.emit('message', view);
  }

  /** Stored messages whose text holds `query`, newest first (node/history.ts searchHistory). */
  searchMessages(query: string, room: string | undefined, limit: number): Promise<MessageView[]> {
    return searchHistory(this.#replica.store, this.identity, query, room, limit);
  }

  /** Stored messages of `room` before `before` (the latest when undefined), at most `count`, oldest first (history.ts). */
  olderMessages(room: string, count: number, before?: Pick<MessageView, 'id' | 'fromId'>): Promise<MessageView[]> {
    return olderHistory(this.#replica.store, this.identity, room, count, before);
  }

  /** This user's stored private lines with `nick`, before `before` (history.ts privateHistory). */
  privateMessages(nick: string, count: number, before?: HistoryCursor): Promise<{ messages: MessageView[]; resume: HistoryCursor | undefined }> {
    return privateHistory(this.#replica.store, this.identity, nick, count, before, this.#limits.privateScanMessages);
  }

  /**
   * Leaves cleanly: peers are told, a relay tells its members (who elect its successor), mDNS says
   * goodbye, and the data folder is freed.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#failover.stop();
      this.#change.stop();
      await this.#member.stop('quit');
      const relay = this.#failover.relay;
      relay?.stop();
      await this.#discovery?.stop();
      await new Promise<void>((resolve) => this.#server.close(() => resolve()));
      await new Promise<void>((resolve) => (this.#control === undefined ? resolve() : this.#control.close(() => resolve())));
      await relay?.stored();
      await this.#startHistory;
      await this.#pins.saved();
      await this.#replica.store.close();
      await this.#releaseDataDir();
    })();
    return this.#stopping;
  }

  #newRelay(epoch: number): Relay {
    const relay = new Relay({
      nodeId: this.identity.nodeId,
      identity: this.identity,
      nick: this.#member.nick,
      network: this.#options.network,
      epoch,
      replica: this.#replica,
      limits: this.#limits,
      awaitOwnMember: true, // its member dials it at once: others' first roster then holds this node's user
    });
    // What the relay learns by sync is news to its own user too (its member shares the store).
    relay.on('learned', (fresh) => this.#member.collectCaughtUp(fresh));
    relay.on('settled', () => this.#member.showCaughtUp());
    relay.on('storeFailed', (err, count) => this.emit('problem', { code: 'STORE_FAILED', what: 'relay', count, cause: err.message }));
    return relay;
  }

  #advert(role: Role, epoch: number): Advert {
    return advertOf({ nodeId: this.identity.nodeIdHex, nick: this.#member.nick, network: this.#options.network, rank: this.#rank, port: this.port, secret: this.#secret }, role, epoch);
  }

  #onConnected(relay: RelayInfo): void {
    this.emit('connection', { state: 'connected' });
    this.#pins.check(this.#member.roster.peers());
    this.#failover.onConnected(relay);
    this.#showRole(relay);
    this.#change.connected(relay, this.#member.roster.peers());
  }

  #showRole(relay: RelayInfo): void {
    const role = relay.id === this.identity.nodeIdHex ? 'relay' : 'member';
    const shown: RelayInfo = role === 'relay' ? { ...relay, host: lanAddresses()[0] ?? relay.host, port: this.port } : relay;
    const previous = this.#shown;
    if (previous?.role === role && previous.relay.id === shown.id && previous.relay.host === shown.host && previous.relay.port === shown.port) {
      return;
    }
    this.#shown = { role, relay: shown };
    this.emit('role', this.#shown);
  }

  #onInbound(conn: Connection): void {
    routeInbound(conn, {
      nodeId: this.identity.nodeId,
      network: this.#options.network,
      stopping: () => this.#stopping !== undefined,
      relay: () => this.#failover.relay,
      memberOf: () => (this.#member.isConnected && this.#failover.role === 'member' ? this.#member.relay : undefined),
      probe: (c, probe) => this.#probes.answer(c, probe),
    });
  }
}

/** What this node tells the LAN by mDNS: who it is, its role and how to reach it (its addresses are the advertiser's). */
function advertOf(node: { nodeId: string; nick: string; network: string; rank: Rank; port: number; secret: NetworkSecret | undefined }, role: Role, epoch: number): Advert {
  return {
    nodeId: node.nodeId,
    nick: node.nick,
    network: node.network,
    protocol: PROTOCOL_VERSION,
    role,
    epoch,
    rank: node.rank,
    port: node.port,
    addresses: [],
    ...(node.secret === undefined ? {} : { secretTag: node.secret.tag }),
  };
}
