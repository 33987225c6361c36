import type { Connection } from '../net/connection.js';
import type { SyncLink } from '../sync/sync-link.js';
import type { lanchat } from '../wire/protobuf.js';
import type { TalkMeter } from './talk-meter.js';

/** What the relay knows of a member from its hello: everything a roster entry or a presence repeats. */
export interface Seat {
  readonly nodeId: Buffer;
  readonly nodeIdHex: string;
  nick: string;
  readonly rooms: Set<string>;
  readonly addresses: string[];
  readonly port: number;
  readonly rank: lanchat.Rank.$Properties | null | undefined;
  readonly keys: lanchat.NodeKeys.$Properties | null | undefined;
  /** Set while the member is away (issue 17): in its roster entry for everyone. */
  away?: { reason: string; since: number } | undefined;
}

/** One member connected to the relay. */
export interface Session extends Seat {
  readonly conn: Connection;
  sync: SyncLink | undefined;
  /** Told to the others when the connection closes; set when the relay or the member ends it on purpose. */
  leaveReason: string | undefined;
  /**
   * The nick before the last rename: lines the member wrote before it saw the rename confirmed may still be
   * on their way (paced), signed with it.
   */
  formerNick?: string;
  /** Rates and idle time of its typing, away and whois frames (relay/talk.ts); made when it is admitted, so whois tells when it came. */
  talk: TalkMeter;
}

/** The roster entry of a member, as welcomes and presences carry it. */
export function peerOf(seat: Seat): lanchat.Peer.$Properties {
  return {
    nodeId: seat.nodeId,
    nick: seat.nick,
    addresses: seat.addresses,
    port: seat.port,
    rank: seat.rank ?? null,
    rooms: [...seat.rooms],
    keys: seat.keys ?? null,
    away: seat.away ?? null,
  };
}
