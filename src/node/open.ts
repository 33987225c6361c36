import { portError } from '../wire/errors.js';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_ROOM } from '../chat/names.js';
import { type Identity, loadOrCreateIdentity } from '../identity/identity.js';
import { loadPins, type NickPins } from '../identity/nick-pins.js';
import { loadSealKeys, type SealKeyBook, SealKeySaver } from '../identity/seal-keys.js';
import { AddressGuard } from '../net/address-guard.js';
import { type Connection, connectionLimits } from '../net/connection.js';
import { PartialFrameBudget } from '../net/frame-budget.js';
import { Member, type Reconnect } from '../member/member.js';
import { lanAddresses, listen } from '../net/listener.js';
import { deriveSecret, type NetworkSecret } from '../net/secret.js';
import { furtherHead, loadChainHead, saveChainHead } from '../store/chain-head.js';
import { claimDataDir } from '../store/data-dir.js';
import type { HistoryStore, StoredMessage } from '../store/history-store.js';
import { LevelHistoryStore } from '../store/level-store.js';
import { Replica } from '../sync/replica.js';
import { learnSealKeys } from '../sync/seal-key-learning.js';
import { type Limits, resolveLimits } from '../wire/limits.js';
import type { NodeOptions } from './types.js';

/** What a node holds from its data folder and the network before it is built. */
export interface NodeParts {
  identity: Identity;
  server: Server;
  port: number;
  releaseDataDir: () => Promise<void>;
  replica: Replica;
  chain: { lastSeq: number; lastHash?: Buffer };
  secret: NetworkSecret | undefined;
  pins: NickPins;
  /** Seal keys of nodes seen online or in history (private messages to someone offline, issue 17 item 8). */
  sealKeys: SealKeyBook;
  /** Saves sealKeys to the data folder when it changes. */
  sealKeySaver: SealKeySaver;
  /** DEFAULT_LIMITS with the node's options over them: the one set every part of this node uses. */
  limits: Readonly<Limits>;
}

/**
 * Claims the data folder, loads the identity, the pins and the store, derives the room secret and
 * listens. `onInbound` takes the connections that arrive meanwhile. On failure, what was opened is closed.
 */
export async function openParts(options: NodeOptions, onInbound: (conn: Connection) => void): Promise<NodeParts> {
  const limits = resolveLimits({ ...options.limits, heartbeatMs: options.heartbeatMs, discoveryWindowMs: options.discoveryWindowMs });
  const releaseDataDir = await claimDataDir(options.dataDir);
  let store: HistoryStore | undefined;
  // scrypt runs on the thread pool while the identity and the store load.
  const deriving = options.secret === undefined ? undefined : deriveSecret(options.secret, options.network);
  deriving?.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  try {
    const identity = await loadOrCreateIdentity(options.dataDir);
    const pins = await loadPins(options.dataDir);
    const sealKeys = await loadSealKeys(options.dataDir);
    store = await LevelHistoryStore.open(join(options.dataDir, 'history'));
    const secret = await deriving;
    const { server, port } = await listen(
      options.port,
      onInbound,
      // Its own member dials from 127.0.0.1: never capped or banned, and unthrottled by the inbound router.
      {
        ...connectionLimits(limits),
        rateLimit: { ratePerSec: limits.ratePerSec, burst: limits.rateBurst, dropAfterMs: limits.rateDropMs, syncBytesPerSec: limits.syncReadBytes },
        frameBudget: new PartialFrameBudget(limits.partialFramesBytes),
        guard: new AddressGuard({
          maxPerAddress: limits.connectionsPerAddress,
          failuresToBan: limits.failedHandshakesToBan,
          failureWindowMs: limits.failedHandshakeWindowMs,
          banMs: limits.banMs,
          exempt: ['127.0.0.1'],
        }),
        ...(secret === undefined ? {} : { secret }),
      },
    ).catch((err: unknown) => {
      // A port the user chose (another program has it, or it needs privileges): said as such.
      throw options.port === 0 ? err : portError('--port', options.port, err);
    });
    const { historyBytes, originBytes, addressSyncBytes, addressSyncWindowMs } = limits;
    const sealKeySaver = new SealKeySaver(options.dataDir, sealKeys);
    // Keys carried by lines of history are learned as those lines are stored, live or by sync, by the
    // member or this node's relay (one replica). Lines stored before are not read again at start: only
    // nodes that learn them as they store them ever wrote lines with keys (sync/seal-key-learning.ts).
    const learn = async (messages: readonly StoredMessage[]): Promise<void> => {
      if (await learnSealKeys(messages, sealKeys, { self: identity.nodeIdHex })) sealKeySaver.changed();
    };
    const replica = new Replica(store, options.network, Date.now, { own: identity.nodeIdHex, limits: { historyBytes, originBytes, addressSyncBytes, addressSyncWindowMs }, learn });
    const chain = furtherHead(await replica.head(identity.nodeIdHex), await loadChainHead(options.dataDir));
    return { identity, server, port, releaseDataDir, replica, chain, secret, pins, sealKeys, sealKeySaver, limits };
  } catch (err) {
    await store?.close();
    await releaseDataDir();
    throw err;
  }
}

/**
 * This node's member: its user's chat client. It dials the --connect address, or this node's own
 * listener over loopback (where its relay will be, if it leads) until failover points it elsewhere.
 */
export function newMember(
  options: NodeOptions,
  { identity, port, replica, chain, secret, pins, sealKeys, limits, reconnect }: Pick<NodeParts, 'identity' | 'port' | 'replica' | 'chain' | 'secret' | 'pins' | 'sealKeys' | 'limits'> & {
    reconnect: Reconnect;
  },
  startedAt: number,
): Member {
  return new Member({
    identity,
    network: options.network,
    nick: options.nick,
    rooms: options.rooms ?? [DEFAULT_ROOM],
    listenPort: port,
    addresses: lanAddresses(),
    rank: { forced: options.host, weight: 0, startedAt },
    relay: options.connect ?? { host: '127.0.0.1', port },
    replica,
    ...chain,
    saveHead: (head) => saveChainHead(options.dataDir, head),
    reconnect,
    nickOwner: (nick) => pins.pinned(nick),
    // Someone offline: the node the nick is pinned to, else the one last seen with it, if its key is known.
    knownKey: (nick) => {
      const pinned = pins.pinned(nick);
      return pinned === undefined ? sealKeys.byNick(nick) : sealKeys.get(pinned);
    },
    requireRelayProof: true,
    limits,
    ...(secret === undefined ? {} : { secret }),
  });
}
