import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { DEFAULT_ROOM } from './chat/names.js';
import type { Advert } from './discovery/advert.js';
import { Discovery } from './discovery/mdns.js';
import { type Candidate, decide, type Role, successors } from './election/decide.js';
import { compareRank, type Rank } from './election/rank.js';
import { probeClaim } from './election/probe.js';
import { loadOrCreateIdentity, type Identity } from './identity/identity.js';
import {
  type LostInfo,
  Member,
  type MessageView,
  type PresenceView,
  type Problem,
  type RelayAddress,
  type RelayInfo,
} from './member/member.js';
import type { PeerView, Roster } from './member/roster.js';
import { isLoopback, normalizeAddress } from './net/address.js';
import { AddressGuard } from './net/address-guard.js';
import type { Connection } from './net/connection.js';
import { dial } from './net/dial.js';
import { lanAddresses, listen } from './net/listener.js';
import { deriveSecret, type NetworkSecret } from './net/secret.js';
import { loadPins, NickPins, savePins } from './identity/nick-pins.js';
import { furtherHead, loadChainHead, saveChainHead } from './store/chain-head.js';
import { nodeKeysOf } from './identity/node-keys.js';
import { identityProven, proveIdentity } from './identity/proof.js';
import { Relay } from './relay/relay.js';
import { join } from 'node:path';
import { messageView } from './member/message-view.js';
import { claimDataDir } from './store/data-dir.js';
import type { DisplayPosition, HistoryStore } from './store/history-store.js';
import { decodeStored } from './store/stored-message.js';
import { LevelHistoryStore } from './store/level-store.js';
import { serveControl } from './control/control-socket.js';
import { Replica } from './sync/replica.js';
import type { Frame } from './wire/codec.js';
import { HELLO_TIMEOUT_MS, PROTOCOL_VERSION } from './wire/limits.js';
import type { lanchat } from './wire/protobuf.js';

export interface NodeOptions {
  nick: string;
  network: string;
  dataDir: string;
  /** Take the relay role, unseating a relay that was not started with --host. */
  host: boolean;
  /** Join the relay (or any node, which points at its relay) at this address (--connect). */
  connect?: RelayAddress;
  /** TCP port to listen on; 0 for any free one. */
  port: number;
  /** Find the others with mDNS and elect a relay. Off: --host, --connect, or a lone relay. */
  discovery: boolean;
  rooms?: string[];
  heartbeatMs?: number;
  /** How long a starting node listens for a relay before electing one. */
  discoveryWindowMs?: number;
  /** The room secret's passphrase (LANCHAT_SECRET or --secret-file): every link is TLS with its PSK. */
  secret?: string;
}

export type { Role };

/** Things the user should know that are neither chat nor errors. */
export interface Notice {
  code: 'SECRET' | 'OPEN' | 'NICK_KEY_CHANGED' | 'LOOKING' | 'RELAY_LOST' | 'TAKING_OVER' | 'HANDING_OVER' | 'TWO_FORCED' | 'MDNS_TROUBLE' | 'CAUGHT_UP';
  text: string;
}

export interface NodeEvents {
  ready: [info: { node: string; nick: string; port: number; secret: boolean }];
  role: [info: { role: Exclude<Role, 'electing'>; relay: RelayInfo }];
  connection: [info: { state: 'connected' } | { state: 'disconnected'; reason: string; retryInMs: number }];
  message: [message: MessageView];
  presence: [presence: PresenceView];
  problem: [problem: Problem];
  notice: [notice: Notice];
}

interface Following {
  candidate: Candidate;
  since: number;
  queue: Candidate[];
  /** It redirected us to a relay we had given up on, and we went there once. */
  triedRedirect?: boolean;
}

/** mDNS answers arrive within tens of ms on a LAN; a relay already up is joined as soon as seen. */
export const DISCOVERY_WINDOW_MS = 500;
/** Messages of the current room shown on start. */
export const START_HISTORY = 50;
/** Dial timeout for a relay we had given up on (the dead relay a stale successor points us to). */
const PROBABLY_GONE_DIAL_MS = 300;
/** A relay asks the other relays mDNS knows of who should step down this often. */
export const PROBE_INTERVAL_MS = 1_000;
/** A relay re-queries mDNS every this many probe rounds. */
const REQUERY_EVERY_PROBES = 2;
/** A node we are told to join may answer NOT_RELAY while it notices it is the successor; this long. */
export const FOLLOW_PATIENCE_MS = 3_000;
/** A node that did not answer is left out of elections this long, or until it announces itself again. */
export const UNREACHABLE_MS = 10_000;

/**
 * One running lanchat: identity, TCP listener, discovery, election, and the roles. Every node is a member
 * (its user's chat client); a relay node also runs the Relay and its member dials it over loopback, so
 * chat takes one path whichever role a node has, and a node changes role without its user noticing.
 */
export class LanchatNode extends EventEmitter<NodeEvents> {
  readonly identity: Identity;
  readonly port: number;
  readonly #options: NodeOptions;
  readonly #server: Server;
  readonly #releaseDataDir: () => Promise<void>;
  readonly #member: Member;
  readonly #discovery: Discovery | undefined;
  readonly #replica: Replica;
  readonly #secret: NetworkSecret | undefined;
  readonly #pins: NickPins;
  /** nick + node id pairs already warned about this run. */
  readonly #pinWarnings = new Set<string>();
  #savingPins: Promise<void> = Promise.resolve();
  #startHistory: Promise<void> = Promise.resolve();
  readonly #startedAt = Date.now();
  readonly #unreachable = new Map<string, number>();
  readonly #probing = new Set<string>();
  #role: Role = 'electing';
  #epoch = 0;
  #relay: Relay | undefined;
  #windowOpen = false;
  #windowTimer: NodeJS.Timeout | undefined;
  #probeTimer: NodeJS.Timeout | undefined;
  /** The node this one is dialing because the election chose it, and who to try after it. */
  #following: Following | undefined;
  #shown: { role: Exclude<Role, 'electing'>; relay: RelayInfo } | undefined;
  #stopping: Promise<void> | undefined;
  /** Where `lanchat history` reads this node's store while it runs (control-socket.ts). */
  #control: Server | undefined;

  static async start(options: NodeOptions): Promise<LanchatNode> {
    const release = await claimDataDir(options.dataDir);
    let store: HistoryStore | undefined;
    // scrypt runs on the thread pool while the identity and the store load.
    const deriving = options.secret === undefined ? undefined : deriveSecret(options.secret, options.network);
    deriving?.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    try {
      const identity = await loadOrCreateIdentity(options.dataDir);
      const pins = await loadPins(options.dataDir);
      store = await LevelHistoryStore.open(join(options.dataDir, 'history'));
      const secret = await deriving;
      let node: LanchatNode | undefined;
      const pending: Connection[] = [];
      const { server, port } = await listen(
        options.port,
        (conn) => (node === undefined ? pending.push(conn) : node.#onInbound(conn)),
        // Its own member dials from 127.0.0.1 (#loopback): never capped or banned, and unthrottled below.
        {
          heartbeatMs: options.heartbeatMs,
          rateLimit: {},
          guard: new AddressGuard({ exempt: ['127.0.0.1'] }),
          ...(secret === undefined ? {} : { secret }),
        },
      );
      const replica = new Replica(store, options.network);
      const head = furtherHead(await replica.head(identity.nodeIdHex), await loadChainHead(options.dataDir));
      node = new LanchatNode(options, identity, server, port, release, replica, head, secret, pins);
      for (const conn of pending) node.#onInbound(conn);
      node.#control = await serveControl(options.dataDir, store);
      return node;
    } catch (err) {
      await store?.close();
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
    replica: Replica,
    chain: { lastSeq: number; lastHash?: Buffer },
    secret: NetworkSecret | undefined,
    pins: NickPins,
  ) {
    super();
    this.#options = options;
    this.#secret = secret;
    this.#pins = pins;
    this.#replica = replica;
    this.identity = identity;
    this.#server = server;
    this.port = port;
    this.#releaseDataDir = release;
    this.#member = new Member({
      identity,
      network: options.network,
      nick: options.nick,
      rooms: options.rooms ?? [DEFAULT_ROOM],
      listenPort: port,
      addresses: lanAddresses(),
      rank: { forced: options.host, weight: 0, startedAt: this.#startedAt },
      relay: options.connect ?? this.#loopback(),
      replica: this.#replica,
      ...chain,
      saveHead: (head) => saveChainHead(options.dataDir, head),
      ...(secret === undefined ? {} : { secret }),
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    });
    this.#member.on('connected', (relay) => this.#onConnected(relay));
    this.#member.on('lost', (info) => this.#onLost(info));
    this.#member.on('disconnected', (info) => this.emit('connection', { state: 'disconnected', ...info }));
    this.#member.on('message', (view) => this.emit('message', view));
    this.#member.on('caughtUp', ({ count, recent, away }) => {
      const shown = recent.length < count ? ` (the last ${recent.length} below; /history for more)` : '';
      const plural = count === 1 ? '' : 's';
      // Lines that came by sync while this user was here (a paste, a member back from offline) are
      // simply shown; a count only when some are left out.
      if (away) this.emit('notice', { code: 'CAUGHT_UP', text: `${count} message${plural} while you were away${shown}` });
      else if (shown !== '') this.emit('notice', { code: 'CAUGHT_UP', text: `${count} message${plural} arrived at once${shown}` });
      for (const view of recent) this.emit('message', view);
    });
    this.#member.on('presence', (p) => {
      this.emit('presence', p);
      if (!p.self && (p.state === 'joined' || p.state === 'renamed')) {
        const peer = this.#member.roster.findByNick(p.nick);
        if (peer !== undefined) this.#checkPins([peer]);
      }
    });
    this.#member.on('problem', (p) => this.emit('problem', p));
    if (options.discovery) {
      this.#discovery = new Discovery(options.network, secret?.tag);
      this.#discovery.on('seen', (advert) => this.#onSeen(advert));
      this.#discovery.on('trouble', (text) => this.emit('notice', { code: 'MDNS_TROUBLE', text }));
    }
  }

  /**
   * Announces readiness, shows the recent history of the current room, and starts finding a relay.
   * Listeners for the node's events go on before this.
   */
  run(): void {
    this.emit('ready', { node: this.identity.nodeIdHex, nick: this.#member.nick, port: this.port, secret: this.#secret !== undefined });
    this.emit(
      'notice',
      this.#secret === undefined
        ? { code: 'OPEN', text: 'the network is open: anyone on this LAN can read it (for a room secret: LANCHAT_SECRET or --secret-file)' }
        : { code: 'SECRET', text: 'the network has a room secret: only those who know it can read or write' },
    );
    this.#startHistory = this.showHistory(this.#member.currentRoom, START_HISTORY);
    this.#discovery?.start(this.#advert());
    if (this.#options.host) {
      this.#lead(this.#nextEpoch());
    } else if (this.#options.connect !== undefined) {
      this.#member.start();
    } else if (this.#discovery === undefined) {
      this.#lead(1);
    } else {
      this.emit('notice', { code: 'LOOKING', text: 'looking for peers…' });
      this.#windowOpen = true;
      this.#windowTimer = setTimeout(() => {
        this.#windowOpen = false;
        this.#reconsider();
      }, this.#options.discoveryWindowMs ?? DISCOVERY_WINDOW_MS);
      this.#reconsider(); // a relay may already be known
    }
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
    return this.#role;
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

  /** Emits the last `limit` stored messages (of `room`, or of everything) as history, oldest first. */
  async showHistory(room: string | undefined, limit: number): Promise<void> {
    const stored = await this.#replica.store.latest({ limit, ...(room === undefined ? {} : { room }) });
    for (const m of stored) {
      const view = messageView(m.message, this.identity);
      if (view !== undefined) this.emit('message', { ...view, history: true });
    }
  }

  /**
   * Stored messages of `room` shown before the message `before` (the latest when undefined), at most
   * `count`, oldest first: what a scrolled-back window shows above the oldest line it holds.
   */
  async olderMessages(room: string, count: number, before?: Pick<MessageView, 'id' | 'fromId'>): Promise<MessageView[]> {
    const store = this.#replica.store;
    let position: DisplayPosition | undefined;
    if (before !== undefined) {
      // A view's id names its seq and its author's node id (fromId): the store knows its place in display order.
      const bytes = await store.get(before.fromId, Number(before.id.slice(before.id.lastIndexOf('-') + 1)));
      if (bytes === undefined) return [];
      position = decodeStored(bytes);
    }
    const stored = await store.latest({ room, limit: count, ...(position === undefined ? {} : { before: position }) });
    return stored
      .map((m) => messageView(m.message, this.identity))
      .filter((v) => v !== undefined)
      .map((v) => ({ ...v, history: true }));
  }

  /**
   * Leaves cleanly: peers are told, a relay tells its members (who elect its successor), mDNS says
   * goodbye, and the data folder is freed.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearTimeout(this.#windowTimer);
      clearInterval(this.#probeTimer);
      await this.#member.stop('quit');
      this.#relay?.stop();
      await this.#discovery?.stop();
      await new Promise<void>((resolve) => this.#server.close(() => resolve()));
      await new Promise<void>((resolve) => (this.#control === undefined ? resolve() : this.#control.close(() => resolve())));
      await this.#relay?.stored();
      await this.#startHistory;
      await this.#savingPins;
      await this.#replica.store.close();
      await this.#releaseDataDir();
    })();
    return this.#stopping;
  }

  // --- election -----------------------------------------------------------------------------------

  #rank(): Rank {
    return { forced: this.#options.host, weight: 0, startedAt: this.#startedAt, nodeId: this.identity.nodeIdHex };
  }

  #self(): Candidate {
    return { nodeId: this.identity.nodeIdHex, rank: this.#rank(), role: this.#role, epoch: this.#epoch, host: '127.0.0.1', port: this.port };
  }

  #advert(): Advert {
    return {
      nodeId: this.identity.nodeIdHex,
      nick: this.#member.nick,
      network: this.#options.network,
      protocol: PROTOCOL_VERSION,
      role: this.#role,
      epoch: this.#epoch,
      rank: this.#rank(),
      port: this.port,
      addresses: [],
      ...(this.#secret === undefined ? {} : { secretTag: this.#secret.tag }),
    };
  }

  #loopback(): RelayAddress {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Nodes of the network mDNS has seen, minus those that recently failed to answer. */
  #reachablePeers(): Candidate[] {
    const now = Date.now();
    return (this.#discovery?.peers() ?? [])
      .filter((a) => a.protocol === PROTOCOL_VERSION && a.addresses.length > 0 && !this.#isUnreachable(a.nodeId, now))
      .map((a) => ({ nodeId: a.nodeId, rank: a.rank, role: a.role, epoch: a.epoch, host: a.addresses[0]!, port: a.port }));
  }

  #isUnreachable(nodeId: string, now = Date.now()): boolean {
    const until = this.#unreachable.get(nodeId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#unreachable.delete(nodeId);
    return false;
  }

  #nextEpoch(): number {
    return Math.max(this.#epoch, ...this.#reachablePeers().map((p) => p.epoch)) + 1;
  }

  #setRole(role: Role, epoch = this.#epoch): void {
    if (role === this.#role && epoch === this.#epoch) return;
    this.#role = role;
    this.#epoch = epoch;
    void this.#discovery?.update(this.#advert());
  }

  #onSeen(advert: Advert): void {
    this.#unreachable.delete(advert.nodeId); // it announced itself again: worth another try
    // Two relays (nodes that elected at the same moment, a healed partition): settle it now.
    if (this.#role === 'relay' && advert.role === 'relay') this.#probeOtherRelays();
    this.#reconsider();
  }

  /** Not attached to a relay and not already dialing one the election chose: decide what to do. */
  #reconsider(): void {
    if (this.#stopping !== undefined || this.#role === 'relay' || this.#member.isConnected) return;
    if (this.#following !== undefined || this.#options.connect !== undefined) return;
    const decision = decide({ self: this.#self(), peers: this.#reachablePeers(), windowOpen: this.#windowOpen });
    if (decision.action === 'lead') this.#lead(decision.epoch);
    else if (decision.action === 'follow') this.#follow(decision.relay, []);
  }

  #lead(epoch: number): void {
    if (this.#stopping !== undefined) return;
    clearTimeout(this.#windowTimer);
    this.#windowOpen = false;
    this.#following = undefined;
    if (this.#relay === undefined) {
      this.#relay = new Relay({
        nodeId: this.identity.nodeId,
        identity: this.identity,
        nick: this.#member.nick,
        network: this.#options.network,
        epoch,
        replica: this.#replica,
      });
      // What the relay learns by sync is news to its own user too (its member shares the store).
      this.#relay.on('learned', (fresh) => this.#member.collectCaughtUp(fresh));
      this.#relay.on('settled', () => this.#member.showCaughtUp());
    }
    this.#setRole('relay', epoch);
    this.#member.retarget(this.#loopback(), { force: true });
    if (this.#discovery !== undefined && this.#probeTimer === undefined) {
      let ticks = 0;
      this.#probeTimer = setInterval(() => {
        // mDNS caches never refresh an unchanged answer, and miss changes made behind a partition:
        // a relay asks again now and then, so a healed partition shows its other relay.
        if (++ticks % REQUERY_EVERY_PROBES === 0) this.#discovery?.query();
        this.#probeOtherRelays();
      }, PROBE_INTERVAL_MS);
      this.#probeTimer.unref();
    }
  }

  #follow(candidate: Candidate, queue: Candidate[]): void {
    this.#following = { candidate, since: Date.now(), queue };
    this.#member.retarget({ host: candidate.host, port: candidate.port });
  }

  /** Tries the next successor in line; when there is none, falls back to what mDNS shows. */
  #tryNext(queue: Candidate[]): void {
    const next = queue.shift();
    if (next === undefined) {
      this.#following = undefined;
      this.#reconsider();
    } else if (next.nodeId === this.identity.nodeIdHex) {
      this.#lead(this.#epoch + 1);
    } else {
      this.#follow(next, queue);
    }
  }

  /**
   * Pins each of `peers` (everyone online by default) to its node id on first sight, and warns when a pinned nick shows up with
   * another node id: it may be someone else using that name.
   */
  #checkPins(peers: readonly PeerView[] = this.#member.roster.peers()): void {
    let pinned = false;
    for (const peer of peers) {
      if (peer.nodeId === this.identity.nodeIdHex) continue;
      const seen = this.#pins.see(peer.nick, peer.nodeId);
      if (seen.verdict === 'new') pinned = true;
      const warning = `${peer.nick}\0${peer.nodeId}`;
      if (seen.verdict !== 'changed' || this.#pinWarnings.has(warning)) continue;
      this.#pinWarnings.add(warning);
      this.emit('notice', {
        code: 'NICK_KEY_CHANGED',
        text:
          `warning: ${peer.nick} now comes with another key (node ${peer.nodeId.slice(0, 8)}, before: ${seen.pinned.slice(0, 8)}); ` +
          'it may be someone else using that nick' +
          // Without a secret no node id is proven: a node could also claim the pinned one.
          (this.#secret === undefined ? ' (on an open network node ids are not proven either)' : ''),
      });
    }
    if (pinned) {
      const dataDir = this.#options.dataDir;
      this.#savingPins = this.#savingPins.then(() => savePins(dataDir, this.#pins)).catch(() => undefined);
    }
  }

  #onConnected(relay: RelayInfo): void {
    this.#following = undefined;
    this.emit('connection', { state: 'connected' });
    this.#checkPins();
    const role = relay.id === this.identity.nodeIdHex ? 'relay' : 'member';
    if (role === 'member') this.#setRole('member', relay.epoch);
    const shown: RelayInfo =
      role === 'relay' ? { ...relay, host: lanAddresses()[0] ?? relay.host, port: this.port } : relay;
    const previous = this.#shown;
    if (
      previous?.role === role &&
      previous.relay.id === shown.id &&
      previous.relay.host === shown.host &&
      previous.relay.port === shown.port
    ) {
      return;
    }
    this.#shown = { role, relay: shown };
    this.emit('role', this.#shown);
  }

  #onLost(info: LostInfo): void {
    if (this.#stopping !== undefined) return;
    const following = this.#following;
    if (info.redirected) {
      // A successor that has not noticed yet that the relay is gone points us back at it. The relay may
      // be alive after all (only our path to it broke): try it once; after that, keep asking the successor.
      if (following !== undefined && info.redirectedTo !== undefined && this.#isUnreachable(info.redirectedTo)) {
        if (following.triedRedirect) this.#backTo(following);
        // On a LAN a live relay answers in milliseconds: do not wait long for one we had given up on.
        else this.#member.retarget(info.target, { dialTimeoutMs: PROBABLY_GONE_DIAL_MS });
        following.triedRedirect = true;
      }
      return;
    }
    const lost = info.relay;
    if (lost !== undefined) {
      if (lost.id === this.identity.nodeIdHex) return; // our own relay: the member just redials it
      this.#unreachable.set(lost.id, Date.now() + UNREACHABLE_MS);
      this.emit('notice', { code: 'RELAY_LOST', text: `lost the relay ${lost.nick} (${info.reason}); electing another…` });
      this.#setRole('electing');
      const viaLoopback = isLoopback(info.target.host);
      const roster = this.#member.roster.peers().map((p) => ({
        nodeId: p.nodeId,
        rank: p.rank,
        role: 'member' as const,
        epoch: lost.epoch,
        // A loopback address is only this machine's: use it only if the relay was on this machine too.
        host: p.addresses.find((a) => viaLoopback || !isLoopback(a)) ?? '',
        port: p.port,
      }));
      this.#following = undefined;
      this.#tryNext(successors(roster, lost.id).filter((c) => c.host !== '' || c.nodeId === this.identity.nodeIdHex));
      return;
    }
    if (following === undefined) {
      this.#reconsider();
      return;
    }
    const patient = Date.now() - following.since < FOLLOW_PATIENCE_MS;
    const { host, port } = following.candidate;
    if (info.target.host !== host || info.target.port !== port) {
      // The place the candidate sent us to did not answer: back to the candidate.
      if (patient) this.#backTo(following);
      else this.#skip(following);
      return;
    }
    // It answered but is not the relay yet: it may be noticing that it is the successor. Give it time.
    if (info.refusal === 'NOT_RELAY' && patient) return;
    this.#skip(following);
  }

  #backTo(following: Following): void {
    this.#member.retarget({ host: following.candidate.host, port: following.candidate.port }, { backoff: true });
  }

  /** The candidate did not answer (in time): leave it out for a while and try the next one. */
  #skip(following: Following): void {
    this.#unreachable.set(following.candidate.nodeId, Date.now() + UNREACHABLE_MS);
    this.#tryNext(following.queue);
  }

  // --- relays meeting each other ---------------------------------------------------------------

  /** This node's probe on `conn`; on a TLS link it proves the node id, for a probe can make a relay hand over. */
  #probeFrame(conn: Connection): lanchat.Frame.$Shape {
    const rank = this.#rank();
    const material = conn.proofMaterial();
    return {
      probe: {
        nodeId: this.identity.nodeId,
        network: this.#options.network,
        rank: { forced: rank.forced, weight: rank.weight, startedAt: rank.startedAt },
        relay: this.#role === 'relay',
        port: this.port,
        epoch: this.#epoch,
        ...(material === undefined ? {} : { keys: nodeKeysOf(this.identity), proof: proveIdentity(this.identity, material) }),
      },
    };
  }

  /** mDNS says these nodes are relays; ask them over TCP (mDNS may be stale) and let the lower step down. */
  #probeOtherRelays(): void {
    if (this.#role !== 'relay' || this.#stopping !== undefined) return;
    for (const advert of this.#discovery?.peers() ?? []) {
      if (advert.role !== 'relay' || this.#probing.has(advert.nodeId) || advert.addresses.length === 0) continue;
      const host = advert.addresses[0]!;
      this.#probing.add(advert.nodeId);
      const secret = this.#secret;
      void dial(host, advert.port, { heartbeatMs: 0, timeoutMs: PROBE_INTERVAL_MS, ...(secret === undefined ? {} : { secret }) })
        .then(
          (conn) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => conn.close(), PROBE_INTERVAL_MS);
              conn.once('frame', (frame) => {
                if (frame.kind === 'probe') this.#onProbe(frame.probe, conn, host);
                conn.close();
              });
              conn.once('close', () => {
                clearTimeout(timer);
                resolve();
              });
              conn.sendFrame(this.#probeFrame(conn));
            }),
        )
        .catch(() => undefined)
        .finally(() => this.#probing.delete(advert.nodeId));
    }
  }

  /** Another node's probe (or its answer to ours): if both are relays, the lower-ranked one steps down. */
  #onProbe(probe: lanchat.Probe.$Properties, conn: Connection, host: string): void {
    const claim = probeClaim(probe, this.#options.network);
    if (claim === undefined || this.#role !== 'relay' || claim.nodeId === this.identity.nodeIdHex) return;
    const material = conn.proofMaterial();
    if (material !== undefined && !identityProven(probe.nodeId!, probe.keys, probe.proof, material)) return;
    const other = claim.rank;
    const mine = this.#rank();
    const theyWin = compareRank(other, mine) < 0;
    if (other.forced && mine.forced) {
      const winner = theyWin ? `the node at ${host}` : 'this node';
      this.emit('notice', { code: 'TWO_FORCED', text: `another node was started with --host; ${winner} keeps the relay (the lower node id)` });
    }
    if (!theyWin) return;
    this.emit('notice', { code: 'HANDING_OVER', text: `another relay outranks this one; handing over to ${host}:${claim.port}` });
    clearInterval(this.#probeTimer);
    this.#probeTimer = undefined;
    const relay = this.#relay;
    this.#relay = undefined;
    this.#setRole('electing');
    const target = { nodeId: Buffer.from(claim.nodeId, 'hex'), host, port: claim.port };
    this.#following = {
      candidate: { nodeId: claim.nodeId, rank: other, role: 'relay', epoch: claim.epoch, host, port: claim.port },
      since: Date.now(),
      queue: [],
    };
    // Every member, this node's own included, is sent to the winner.
    relay?.handOver(target);
  }

  // --- inbound connections -------------------------------------------------------------------------

  #onInbound(conn: Connection): void {
    if (this.#stopping !== undefined) {
      conn.close();
      return;
    }
    const timer = setTimeout(() => conn.close('HELLO_TIMEOUT', 'no hello within the time limit'), HELLO_TIMEOUT_MS);
    timer.unref();
    conn.once('close', () => clearTimeout(timer));
    conn.once('frame', (frame) => {
      clearTimeout(timer);
      this.#onFirstFrame(conn, frame);
    });
  }

  #onFirstFrame(conn: Connection, frame: Frame): void {
    if (frame.kind === 'probe') {
      conn.sendFrame(this.#probeFrame(conn));
      conn.close();
      this.#onProbe(frame.probe, conn, normalizeAddress(conn.remoteAddress));
      return;
    }
    if (this.#relay !== undefined) {
      // The relay's own user is trusted with any rate: its member is this process.
      if (this.#isOwnMember(conn, frame)) conn.unthrottle();
      this.#relay.accept(conn, frame);
      return;
    }
    // A member dialed by mistake points the caller at its relay (--connect works against any node).
    const relay = this.#member.relay;
    if (frame.kind === 'hello' && relay !== undefined && this.#member.isConnected && this.#role === 'member') {
      conn.sendFrame({ redirect: { relayId: Buffer.from(relay.id, 'hex'), host: relay.host, port: relay.port } });
      conn.close();
    } else {
      conn.close('NOT_RELAY', 'this node is not the relay and does not know one yet');
    }
  }

  #isOwnMember(conn: Connection, frame: Frame): boolean {
    return frame.kind === 'hello' && isLoopback(conn.remoteAddress) && this.identity.nodeId.equals(frame.hello.nodeId ?? EMPTY);
  }
}

const EMPTY = Buffer.alloc(0);

