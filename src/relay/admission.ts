import { nickKey, nickProblem, normalizeRoom, suggestNick } from '../chat/names.js';
import { normalizeAddress } from '../net/address.js';
import type { Limits } from '../wire/limits.js';
import { lanchat } from '../wire/protobuf.js';
import type { Seat } from './session.js';

/**
 * Admission, the relay's precondition gate: a pure function of a connection's first frame and the relay's
 * state, deciding whether a session opens (and with which nick, rooms and addresses) or the connection is
 * refused. No socket, no timer, no signature check: the relay checks the identity proof and passes the
 * verdict in, then carries the answer out; a refusal is data, worded by describeRefusal.
 */

/** The limits admission applies (their values and reasons are in wire/limits.ts). */
export type AdmissionLimits = Pick<Limits, 'helloBytes' | 'roomsPerMember' | 'announcedAddresses' | 'announcedAddressChars'>;

/**
 * What the TLS session says of the hello's node id: 'no-tls' on an open network (nothing to bind a proof
 * to), else whether the hello's keys hash to its node id and sign this session's keying material.
 */
export type ProofVerdict = 'no-tls' | 'proven' | 'unproven';

/** The sessions open now, as admission needs them: by node id (hex) and by nickKey of their nick. */
export interface OpenSessions {
  readonly byId: ReadonlyMap<string, { readonly nick: string }>;
  readonly byNick: ReadonlyMap<string, { readonly nodeIdHex: string }>;
}

export interface AdmissionState {
  network: string;
  protocolVersion: number;
  sessions: OpenSessions;
  proof: ProofVerdict;
  /** Where the relay sees the connection come from. */
  remoteAddress: string;
  limits: Readonly<AdmissionLimits>;
}

/** A session to open. */
export interface Admitted extends Seat {
  /** A session of the same node id is open: that node reconnected, and its old connection is stale. */
  readonly replaces: boolean;
  /** The nick the hello asked for, when someone else holds it: the member is given `nick` and told why. */
  readonly nickTaken: string | undefined;
}

/** Why a connection is turned away: a stable code, and what its message names. */
export type Refusal =
  | { readonly code: 'UNEXPECTED_FRAME' }
  | { readonly code: 'PROTOCOL_VERSION'; readonly asked: number; readonly served: number }
  | { readonly code: 'WRONG_NETWORK'; readonly asked: string; readonly served: string }
  | { readonly code: 'BAD_FRAME'; readonly problem: 'node-id' }
  | { readonly code: 'BAD_FRAME'; readonly problem: 'too-big'; readonly maxBytes: number }
  | { readonly code: 'BAD_IDENTITY' }
  | { readonly code: 'NICK_INVALID'; readonly problem: string }
  /** The welcome, roster included, no longer fits in a frame: found by the relay as it encodes it. */
  | { readonly code: 'SERVER_FULL' };

export type Admission = Admitted | Refusal;

export function isRefusal(admission: Admission): admission is Refusal {
  return 'code' in admission;
}

/** Checks, in order: a hello, of this protocol and network, from a well-formed node id, proven, with a valid nick. */
export function admit(first: lanchat.Frame.$Shape, state: AdmissionState): Admission {
  if (first.kind !== 'hello') return { code: 'UNEXPECTED_FRAME' };
  const hello = first.hello;
  if (hello.protocolVersion !== state.protocolVersion) {
    return { code: 'PROTOCOL_VERSION', asked: hello.protocolVersion ?? 0, served: state.protocolVersion };
  }
  if ((hello.network ?? '') !== state.network) {
    return { code: 'WRONG_NETWORK', asked: hello.network ?? '', served: state.network };
  }
  const nodeId = hello.nodeId;
  if (!(nodeId instanceof Uint8Array) || nodeId.length !== 32) return { code: 'BAD_FRAME', problem: 'node-id' };
  // What a hello announces goes into every welcome and presence about its node: near the frame limit
  // itself, those frames would not encode, and the throw would leave a session behind or, on leaving,
  // escape a close handler.
  if (lanchat.Hello.encode(hello).len > state.limits.helloBytes) {
    return { code: 'BAD_FRAME', problem: 'too-big', maxBytes: state.limits.helloBytes };
  }
  if (state.proof === 'unproven') return { code: 'BAD_IDENTITY' };
  const askedNick = hello.nick ?? '';
  const problem = nickProblem(askedNick);
  if (problem !== undefined) return { code: 'NICK_INVALID', problem };

  const nodeIdHex = Buffer.from(nodeId).toString('hex');
  // The session this one replaces gives its nick up: the same node asking for it again keeps it.
  const taken = (nick: string): boolean => {
    const holder = state.sessions.byNick.get(nickKey(nick));
    return holder !== undefined && holder.nodeIdHex !== nodeIdHex;
  };
  const nickTaken = taken(askedNick);
  const rooms = new Set<string>();
  for (const asked of hello.rooms ?? []) {
    const room = normalizeRoom(asked);
    if (room !== undefined && rooms.size < state.limits.roomsPerMember) rooms.add(room);
  }
  return {
    nodeId: Buffer.from(nodeId),
    nodeIdHex,
    nick: nickTaken ? suggestNick(askedNick, taken) : askedNick,
    rooms,
    addresses: reachableAddresses(state.remoteAddress, hello.addresses ?? [], state.limits),
    port: hello.listenPort ?? 0,
    rank: hello.rank,
    keys: hello.keys,
    replaces: state.sessions.byId.has(nodeIdHex),
    nickTaken: nickTaken ? askedNick : undefined,
  };
}

/** The message of a refusal's error frame: what old nodes show and what the tests read. */
export function describeRefusal(refusal: Refusal): string {
  switch (refusal.code) {
    case 'UNEXPECTED_FRAME':
      return 'the first frame must be a hello';
    case 'PROTOCOL_VERSION':
      return `protocol ${refusal.asked} is not ${refusal.served}; upgrade lanchat`;
    case 'WRONG_NETWORK':
      return `this relay serves network "${refusal.served}", not "${refusal.asked}"`;
    case 'BAD_FRAME':
      return refusal.problem === 'node-id' ? 'a hello needs a 32-byte node id' : `a hello is at most ${refusal.maxBytes} bytes`;
    case 'BAD_IDENTITY':
      return 'the hello does not prove its node id (a signature over this TLS session)';
    case 'NICK_INVALID':
      return refusal.problem;
    case 'SERVER_FULL':
      return 'the roster of this relay no longer fits in a welcome';
  }
}

/** The message of the NICK_IN_USE that follows the welcome of a member whose nick was taken. */
export function describeNickTaken(asked: string, given: string): string {
  return `the nick ${asked} is taken; you are ${given}`;
}

/**
 * Where other members can reach a node: first the address the relay saw it connect from (on the LAN the
 * members share; loopback when it runs on the relay's machine), then the addresses it announced.
 */
function reachableAddresses(remote: string, announced: readonly string[], limits: Readonly<AdmissionLimits>): string[] {
  const seen = normalizeAddress(remote);
  const others = announced.filter((a) => a !== seen && a.length <= limits.announcedAddressChars).slice(0, limits.announcedAddresses);
  return seen === '' ? others : [seen, ...others];
}
