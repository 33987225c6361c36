import { createHash } from 'node:crypto';
import { nickKey } from '../chat/names.js';
import type { AwayView } from '../chat/views.js';
import type { Rank } from '../election/rank.js';
import { provenSealKey } from '../identity/node-keys.js';
import { lanchat } from '../wire/protobuf.js';

/** What a member knows of one node online. */
export interface PeerView {
  nodeId: string;
  nick: string;
  rooms: string[];
  addresses: string[];
  port: number;
  rank: Rank;
  /** Its X25519 seal key, proven by its signature; private messages to it need one. */
  sealKey: Buffer | undefined;
  /** Set while they are away (the relay keeps it: Peer.away). */
  away: AwayView | undefined;
  /** Of their Ed25519 key, when it hashes to their node id: `SHA256:` + base64, as ssh shows keys. */
  fingerprint: string | undefined;
}

/**
 * Who is online and in which rooms, as a member sees it: the relay's roster at welcome, kept current by
 * presence frames. No I/O; the member feeds it.
 */
export class Roster {
  readonly #peers = new Map<string, PeerView>();

  static fromWire(roster: lanchat.Roster.$Properties | null | undefined): Roster {
    const result = new Roster();
    for (const peer of roster?.peers ?? []) result.#put(peer);
    return result;
  }

  get size(): number {
    return this.#peers.size;
  }

  peers(): PeerView[] {
    return [...this.#peers.values()];
  }

  get(nodeId: string): PeerView | undefined {
    return this.#peers.get(nodeId);
  }

  findByNick(nick: string): PeerView | undefined {
    const key = nickKey(nick);
    for (const peer of this.#peers.values()) if (nickKey(peer.nick) === key) return peer;
    return undefined;
  }

  /** Nicks in `room`, sorted case-insensitively. */
  inRoom(room: string): string[] {
    return this.peers()
      .filter((p) => p.rooms.includes(room))
      .map((p) => p.nick)
      .sort(byNick);
  }

  /** Every room with at least one person in it, with how many, sorted by name. */
  rooms(): { room: string; people: number }[] {
    const counts = new Map<string, number>();
    for (const peer of this.#peers.values()) {
      for (const room of peer.rooms) counts.set(room, (counts.get(room) ?? 0) + 1);
    }
    return [...counts].map(([room, people]) => ({ room, people })).sort((a, b) => a.room.localeCompare(b.room));
  }

  apply(presence: lanchat.Presence.$Properties): void {
    const peer = presence.peer;
    if (!peer?.nodeId) return;
    const id = Buffer.from(peer.nodeId).toString('hex');
    const room = presence.room ?? '';
    switch (presence.state) {
      case lanchat.Presence.State.JOINED:
      case lanchat.Presence.State.RENAMED:
      case lanchat.Presence.State.AWAY:
      case lanchat.Presence.State.BACK:
        this.#put(peer);
        return;
      case lanchat.Presence.State.LEFT:
        if (room === '') this.#peers.delete(id);
        else this.#put(peer);
        return;
      default:
        return;
    }
  }

  #put(peer: lanchat.Peer.$Properties): void {
    if (!peer.nodeId) return;
    const nodeId = Buffer.from(peer.nodeId).toString('hex');
    this.#peers.set(nodeId, {
      nodeId,
      nick: peer.nick ?? '',
      rooms: [...(peer.rooms ?? [])],
      addresses: [...(peer.addresses ?? [])],
      port: peer.port ?? 0,
      rank: {
        forced: peer.rank?.forced ?? false,
        weight: peer.rank?.weight ?? 0,
        startedAt: peer.rank?.startedAt ?? 0,
        nodeId,
      },
      sealKey: provenSealKey(peer.nodeId, peer.keys),
      away: peer.away ? { reason: peer.away.reason ?? '', since: Number(peer.away.since ?? 0) } : undefined,
      fingerprint: fingerprintOf(nodeId, peer.keys?.publicKey),
    });
  }
}

function byNick(a: string, b: string): number {
  return nickKey(a).localeCompare(nickKey(b));
}

/** `SHA256:` and the base64 of the key's hash, when the key is the node id's (its hash is the node id). */
export function fingerprintOf(nodeId: string, publicKey: Uint8Array | null | undefined): string | undefined {
  if (!publicKey || publicKey.length !== 32) return undefined;
  const digest = createHash('sha256').update(publicKey).digest();
  if (digest.toString('hex') !== nodeId) return undefined;
  return `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;
}
