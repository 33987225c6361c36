import { describe, expect, it } from 'vitest';
import type { RelayAddress, RelayInfo } from '../../src/chat/views.js';
import type { Candidate, Role } from '../../src/election/decide.js';
import {
  type FailoverAction,
  type FailoverEvent,
  type FailoverSelf,
  type FailoverState,
  FOLLOW_PATIENCE_MS,
  initialState,
  knownRelays,
  type LinkLost,
  linkLost,
  type ProbeProof,
  PROBABLY_GONE_DIAL_MS,
  type RosterPeer,
  step,
  UNREACHABLE_MS,
  UNREACHABLE_PLACE_MS,
} from '../../src/election/failover.js';
import type { ProbeClaim } from '../../src/election/probe.js';
import type { Rank } from '../../src/election/rank.js';

// The cast, best rank first: ann (oldest), ben, dan, then this node (cat), then eve (youngest).
const rank = (nodeId: string, startedAt: number, forced = false): Rank => ({ forced, weight: 0, startedAt, nodeId });
const node = (nodeId: string, nick: string, startedAt: number, last: number) => ({
  nodeId,
  nick,
  rank: rank(nodeId, startedAt),
  address: { host: `10.0.0.${last}`, port: 4000 + last },
});
const ANN = node('aa', 'ann', 100, 1);
const BEN = node('bb', 'ben', 200, 2);
const DAN = node('dd', 'dan', 300, 4);
const CAT = node('cc', 'cat', 400, 3);
const EVE = node('ee', 'eve', 500, 5);
type Cast = typeof ANN;

const SELF: FailoverSelf = { nodeId: CAT.nodeId, rank: CAT.rank, port: CAT.address.port };
const LOOP: RelayAddress = { host: '127.0.0.1', port: SELF.port };

// --- events ---------------------------------------------------------------------------------------

const start = (now: number, how: { host?: boolean; connect?: RelayAddress; discovery?: boolean } = {}): FailoverEvent => ({
  type: 'start',
  now,
  host: how.host ?? false,
  connect: how.connect,
  discovery: how.discovery ?? true,
});
const windowClosed = (now: number): FailoverEvent => ({ type: 'window-closed', now });
const candidate = (who: Cast, role: Role, epoch = 0, rankOf = who.rank): Candidate => ({
  nodeId: who.nodeId,
  rank: rankOf,
  role,
  epoch,
  ...who.address,
});
const advert = (now: number, who: Cast, role: Role, epoch = 0, electable = true): FailoverEvent => ({
  type: 'advert',
  now,
  peer: candidate(who, role, epoch),
  electable,
});
const relayInfo = (who: Cast, epoch: number): RelayInfo => ({ id: who.nodeId, nick: who.nick, epoch, ...who.address });
const connected = (now: number, who: Cast, epoch: number): FailoverEvent => ({ type: 'connected', now, relay: relayInfo(who, epoch) });
/** The roster every member of ann's relay holds. */
const ROSTER: RosterPeer[] = [ANN, BEN, CAT, DAN, EVE].map((p) => ({ nodeId: p.nodeId, rank: p.rank, addresses: [p.address.host], port: p.address.port }));
const lost = (now: number, info: Partial<LinkLost> & { target: RelayAddress }, roster: RosterPeer[] = ROSTER): Extract<FailoverEvent, { type: 'lost' }> => ({
  type: 'lost',
  now,
  info: { reason: 'connect failed', relay: undefined, refusal: undefined, left: false, redirected: false, redirectedTo: undefined, ...info },
  roster,
});
/** The relay we were attached to went silent. */
const relayLost = (now: number, who: Cast, epoch: number, roster = ROSTER) =>
  lost(now, { reason: 'no heartbeat', relay: relayInfo(who, epoch), target: who.address }, roster);
/** A dial to `who` failed (nobody answered), or it refused the hello. */
const silent = (now: number, who: Cast) => lost(now, { target: who.address });
const refused = (now: number, who: Cast, refusal = 'NOT_RELAY') => lost(now, { target: who.address, reason: 'refused', refusal });
/** `by` sent us to `to` (the member is already on its way there). */
const redirect = (now: number, to: Cast) => lost(now, { reason: 'redirected', target: to.address, redirected: true, redirectedTo: to.nodeId });
const claim = (who: Cast, epoch: number, rankOf = who.rank): ProbeClaim => ({ nodeId: who.nodeId, rank: rankOf, port: who.address.port, epoch });
const probe = (now: number, who: Cast, epoch: number, rankOf = who.rank, proof: ProbeProof = 'none'): FailoverEvent => ({
  type: 'probe',
  now,
  claim: claim(who, epoch, rankOf),
  host: who.address.host,
  proof,
});

// --- actions --------------------------------------------------------------------------------------

const dial = (who: Cast, delay: 'now' | 'backoff' = 'now'): FailoverAction => ({ type: 'dial', target: who.address, delay });
const setRole = (role: Role, epoch: number): FailoverAction => ({ type: 'set-role', role, epoch });
const lead = (epoch: number): FailoverAction[] => [
  { type: 'lead', epoch },
  setRole('relay', epoch),
  { type: 'dial', target: LOOP, delay: 'now', force: true },
];
const LOOKING: FailoverAction = { type: 'notice', notice: { code: 'LOOKING' } };
const relayLostNotice = (who: Cast, reason = 'no heartbeat'): FailoverAction => ({ type: 'notice', notice: { code: 'RELAY_LOST', relay: who.nick, reason } });
/** A probe said `who` outranks this relay: go and ask it, where it says it listens. */
const verify = (who: Cast): FailoverAction => ({ type: 'verify-probe', to: { nodeId: who.nodeId, ...who.address } });
const handingOver = (who: Cast): FailoverAction[] => [
  { type: 'notice', notice: { code: 'HANDING_OVER', ...who.address } },
  setRole('electing', 1),
  { type: 'hand-over', to: { nodeId: who.nodeId, ...who.address } },
];

// --- the table runner -----------------------------------------------------------------------------

/** What a row checks of the state: the parts failover decides by; the marks it holds, as node ids. */
interface View {
  role: Role;
  epoch: number;
  windowOpen: boolean;
  connected: boolean;
  following: string | undefined;
  queue: string[];
  triedRedirect: boolean;
  unreachable: string[];
}

function view(state: FailoverState): View {
  return {
    role: state.role,
    epoch: state.epoch,
    windowOpen: state.windowOpen,
    connected: state.connected,
    following: state.following?.candidate.nodeId,
    queue: (state.following?.queue ?? []).map((c) => c.nodeId),
    triedRedirect: state.following?.triedRedirect ?? false,
    unreachable: [...state.unreachable.keys()].sort(),
  };
}

/** One event, the actions it must produce (all of them, in order), and what the state must then show. */
interface Row {
  event: FailoverEvent;
  actions: FailoverAction[];
  state?: Partial<View>;
}

function play(rows: readonly Row[], from: FailoverState = initialState(SELF)): FailoverState {
  let state = from;
  rows.forEach((row, i) => {
    const before = structuredClone(state);
    const next = step(state, row.event);
    expect(state, `row ${i} (${row.event.type}) must not change the state it was given`).toEqual(before);
    expect(next.actions, `row ${i} (${row.event.type}): actions`).toEqual(row.actions);
    if (row.state !== undefined) expect(view(next.state), `row ${i} (${row.event.type}): state`).toMatchObject(row.state);
    state = next.state;
  });
  return state;
}

/** A member of ann's relay, epoch 3, found through mDNS at start. */
const MEMBER_OF_ANN: Row[] = [
  { event: start(0), actions: [LOOKING], state: { role: 'electing', windowOpen: true } },
  { event: advert(10, ANN, 'relay', 3), actions: [dial(ANN)], state: { following: ANN.nodeId, windowOpen: true } },
  { event: connected(20, ANN, 3), actions: [setRole('member', 3)], state: { role: 'member', epoch: 3, connected: true, following: undefined } },
  { event: windowClosed(500), actions: [], state: { windowOpen: false } },
];
/** The same member just after ann's relay went silent: dialing ben, the first successor. */
const AFTER_ANN_LOST: Row[] = [
  ...MEMBER_OF_ANN,
  {
    event: relayLost(1_000, ANN, 3),
    actions: [relayLostNotice(ANN), setRole('electing', 3), dial(BEN)],
    state: { role: 'electing', connected: false, following: BEN.nodeId, queue: [DAN.nodeId, CAT.nodeId, EVE.nodeId], unreachable: [ANN.nodeId] },
  },
];
/** This node leads alone: nobody answered mDNS within the discovery window. */
const LONE_RELAY: Row[] = [
  { event: start(0), actions: [LOOKING] },
  { event: windowClosed(500), actions: lead(1), state: { role: 'relay', epoch: 1, windowOpen: false } },
];

describe('failover (pure: state + event -> actions)', () => {
  it('relay lost: every member dials the successor from the roster', () => {
    play(AFTER_ANN_LOST);
  });

  it('a successor that does not answer is skipped for the next one, and marked', () => {
    play([
      ...AFTER_ANN_LOST,
      { event: silent(2_500, BEN), actions: [dial(DAN)], state: { following: DAN.nodeId, queue: [CAT.nodeId, EVE.nodeId], unreachable: [ANN.nodeId, BEN.nodeId] } },
    ]);
  });

  it('everybody gone: after the successors before it, this node leads with the next epoch', () => {
    play([
      ...AFTER_ANN_LOST,
      { event: silent(2_500, BEN), actions: [dial(DAN)] },
      { event: silent(4_000, DAN), actions: lead(4), state: { role: 'relay', epoch: 4, following: undefined } },
    ]);
  });

  it('everybody gone and no roster: the election among what mDNS shows picks this node', () => {
    play([
      ...MEMBER_OF_ANN,
      { event: advert(30, EVE, 'member', 3), actions: [] },
      // ann is marked, eve ranks below this node: it leads, above every epoch seen.
      { event: relayLost(1_000, ANN, 3, []), actions: [relayLostNotice(ANN), setRole('electing', 3), ...lead(4)] },
    ]);
  });

  it('a stale successor that redirects to the dead relay: that relay is tried once, briefly, then the successor again', () => {
    play([
      ...AFTER_ANN_LOST,
      // ben has not noticed yet that ann is gone, and sends us back to ann.
      {
        event: redirect(1_010, ANN),
        actions: [{ type: 'dial', target: ANN.address, delay: 'now', dialTimeoutMs: PROBABLY_GONE_DIAL_MS }],
        state: { following: BEN.nodeId, triedRedirect: true },
      },
      // ann does not answer: back to ben, after the usual backoff (ben is given time, not skipped).
      { event: silent(1_310, ANN), actions: [dial(BEN, 'backoff')], state: { following: BEN.nodeId, unreachable: [ANN.nodeId] } },
      // ben has become the relay.
      { event: connected(1_500, BEN, 4), actions: [setRole('member', 4)], state: { role: 'member', following: undefined, connected: true } },
    ]);
  });

  it('a redirect loop: the dead relay is not dialed twice; the successor is asked again until it leads', () => {
    play([
      ...AFTER_ANN_LOST,
      { event: redirect(1_010, ANN), actions: [{ type: 'dial', target: ANN.address, delay: 'now', dialTimeoutMs: PROBABLY_GONE_DIAL_MS }] },
      { event: silent(1_310, ANN), actions: [dial(BEN, 'backoff')] },
      { event: redirect(1_500, ANN), actions: [dial(BEN, 'backoff')], state: { following: BEN.nodeId } },
      { event: redirect(1_800, ANN), actions: [dial(BEN, 'backoff')], state: { following: BEN.nodeId } },
      // Past the patience, a redirect still goes back to ben: it answers, so it is alive.
      { event: redirect(1_000 + FOLLOW_PATIENCE_MS + 1, ANN), actions: [dial(BEN, 'backoff')], state: { following: BEN.nodeId } },
      { event: connected(4_500, BEN, 4), actions: [setRole('member', 4)] },
    ]);
  });

  it('a redirect to a relay not given up on is followed at once', () => {
    play([
      ...AFTER_ANN_LOST,
      { event: redirect(1_010, DAN), actions: [dial(DAN)], state: { following: BEN.nodeId, triedRedirect: false } },
    ]);
  });

  it('NOT_RELAY patience: a candidate that answers NOT_RELAY is waited for, then skipped', () => {
    play([
      ...AFTER_ANN_LOST,
      // ben answers but is not the relay yet (it is noticing it is the successor): the member's default, same target after backoff.
      { event: refused(1_200, BEN), actions: [], state: { following: BEN.nodeId, unreachable: [ANN.nodeId] } },
      { event: refused(1_000 + FOLLOW_PATIENCE_MS - 1, BEN), actions: [], state: { following: BEN.nodeId } },
      { event: refused(1_000 + FOLLOW_PATIENCE_MS, BEN), actions: [dial(DAN)], state: { following: DAN.nodeId, unreachable: [ANN.nodeId, BEN.nodeId] } },
    ]);
  });

  it('another refusal than NOT_RELAY skips the candidate at once', () => {
    play([...AFTER_ANN_LOST, { event: refused(1_200, BEN, 'BANNED'), actions: [dial(DAN)], state: { following: DAN.nodeId } }]);
  });

  it('a node we gave up on comes back elsewhere (restarted on a new port): its advert clears the mark', () => {
    const annAgain: Cast = { ...ANN, address: { ...ANN.address, port: 4100 } };
    play([
      { event: start(0), actions: [LOOKING] },
      { event: advert(10, ANN, 'relay', 3), actions: [dial(ANN)] },
      // ann does not answer: marked; with the window still open and no other relay, wait.
      { event: silent(100, ANN), actions: [], state: { following: undefined, unreachable: [ANN.nodeId], windowOpen: true } },
      { event: advert(150, BEN, 'member'), actions: [], state: { unreachable: [ANN.nodeId] } },
      // ann announces herself again at the place that did not answer: still left out (finding 6).
      { event: advert(200, ANN, 'relay', 4), actions: [], state: { following: undefined, unreachable: [] } },
      // ann announces herself again from elsewhere: worth another try.
      { event: advert(250, annAgain, 'relay', 4), actions: [dial(annAgain)], state: { following: ANN.nodeId, unreachable: [] } },
    ]);
  });

  it('finding 6: forged relay adverts that never answer, their epoch changing each time, are each tried once', () => {
    const forged = (n: number): Cast => ({ nodeId: `0${n}`, nick: 'fake', rank: rank(`0${n}`, 1, true), address: { host: '10.0.0.66', port: 5000 + n } });
    const [f1, f2, f3] = [forged(1), forged(2), forged(3)];
    let epoch = 900;
    const fake = (now: number, who: Cast): FailoverEvent => advert(now, who, 'relay', ++epoch);
    play([
      { event: start(0), actions: [LOOKING] },
      { event: fake(10, f1), actions: [dial(f1)] },
      { event: fake(11, f2), actions: [] },
      { event: fake(12, f3), actions: [] },
      { event: advert(20, BEN, 'member'), actions: [] },
      { event: windowClosed(500), actions: [] },
      // Each accepts TCP and never answers a hello: skipped for the next one.
      { event: silent(5_100, f1), actions: [dial(f2)] },
      { event: fake(5_200, f1), actions: [] },
      { event: silent(10_200, f2), actions: [dial(f3)] },
      { event: fake(10_300, f1), actions: [] },
      { event: fake(10_300, f2), actions: [] },
      // All three failed: whatever their adverts say next, the election goes on without them.
      { event: silent(15_300, f3), actions: [dial(BEN)], state: { following: BEN.nodeId } },
      { event: fake(15_400, f1), actions: [] },
      { event: fake(15_400, f2), actions: [] },
      { event: fake(15_400, f3), actions: [] },
      { event: connected(15_500, BEN, 1), actions: [setRole('member', 1)], state: { role: 'member' } },
    ]);
  });

  it('marked nodes are left out of the election, a relay among them', () => {
    play([
      { event: start(0), actions: [LOOKING] },
      { event: advert(10, ANN, 'relay', 3), actions: [dial(ANN)] },
      { event: silent(100, ANN), actions: [] },
      { event: advert(150, BEN, 'member'), actions: [] },
      // The window closes with ann still marked: ben is the best of what is left.
      { event: windowClosed(500), actions: [dial(BEN)], state: { following: BEN.nodeId } },
      // Nobody left: this node leads, above every epoch it still sees (none).
      { event: silent(600, BEN), actions: lead(1), state: { unreachable: [ANN.nodeId, BEN.nodeId] } },
    ]);
  });

  it('a mark runs out after UNREACHABLE_MS, the mark of the place after UNREACHABLE_PLACE_MS', () => {
    play([
      { event: start(0), actions: [LOOKING] },
      { event: advert(10, ANN, 'relay', 3), actions: [dial(ANN)] },
      { event: silent(100, ANN), actions: [], state: { unreachable: [ANN.nodeId] } },
      // (The window is left open so that only the mark decides: no relay but ann, so wait while it is marked.)
      { event: advert(100 + UNREACHABLE_MS - 1, EVE, 'member'), actions: [], state: { unreachable: [ANN.nodeId] } },
      // Her node id is no longer marked, but she still advertises the place that did not answer (finding 6).
      { event: advert(100 + UNREACHABLE_MS, EVE, 'member'), actions: [], state: { unreachable: [], following: undefined } },
      { event: advert(100 + UNREACHABLE_PLACE_MS - 1, EVE, 'member'), actions: [], state: { following: undefined } },
      { event: advert(100 + UNREACHABLE_PLACE_MS, EVE, 'member'), actions: [dial(ANN)], state: { unreachable: [], following: ANN.nodeId } },
    ]);
  });

  it('two relays meet (partition healed): the lower one steps down and hands its members over', () => {
    const state = play([
      ...LONE_RELAY,
      // mDNS shows another relay: ask it over TCP.
      { event: advert(2_000, ANN, 'relay', 5), actions: [{ type: 'probe' }] },
      // ann's answer to our probe, proven over our challenge, from where mDNS said she listens.
      { event: probe(2_010, ANN, 5, ANN.rank, 'verified'), actions: handingOver(ANN), state: { role: 'electing', following: ANN.nodeId } },
      // Our own relay sent our own member to ann.
      { event: redirect(2_020, ANN), actions: [dial(ANN)] },
      { event: connected(2_030, ANN, 5), actions: [setRole('member', 5)], state: { role: 'member', following: undefined } },
    ]);
    expect(state.role).toBe('member');
  });

  it('two relays meet: the higher one stays', () => {
    play([
      ...LONE_RELAY,
      { event: advert(2_000, EVE, 'relay', 5), actions: [{ type: 'probe' }] },
      { event: probe(2_010, EVE, 5), actions: [], state: { role: 'relay' } },
    ]);
  });

  it('a probe whose node id proof fails is ignored; a proven one is checked where it says it listens; a verified one counts', () => {
    play([
      ...LONE_RELAY,
      { event: probe(2_000, ANN, 5, ANN.rank, 'refuted'), actions: [], state: { role: 'relay' } },
      { event: probe(2_010, ANN, 5, ANN.rank, 'proven'), actions: [verify(ANN)], state: { role: 'relay', following: undefined } },
      { event: probe(2_020, ANN, 5, ANN.rank, 'verified'), actions: handingOver(ANN) },
    ]);
  });

  it('finding 5: an unproven probe claiming forced and oldest changes nothing until the node it names proves it', () => {
    const forcedOldest = rank(ANN.nodeId, 1, true);
    const forcedSelf: FailoverSelf = { ...SELF, rank: rank(CAT.nodeId, CAT.rank.startedAt, true) };
    for (const from of [play(LONE_RELAY), play([{ event: start(0, { host: true }), actions: lead(1) }], initialState(forcedSelf))]) {
      play(
        [
          // One TCP connection, no proof: only a reason to dial the port it names. No notice, no hand-over.
          { event: probe(2_000, ANN, 1, forcedOldest, 'none'), actions: [verify(ANN)], state: { role: 'relay', following: undefined } },
          // Nobody there proved it (a dead port answers nothing; a liar cannot sign): nothing more.
          { event: probe(2_100, ANN, 1, forcedOldest, 'refuted'), actions: [], state: { role: 'relay', following: undefined } },
        ],
        from,
      );
    }
  });

  it('finding 5: a probe of a lower rank is not even checked', () => {
    play([...LONE_RELAY, { event: probe(2_000, EVE, 1, EVE.rank, 'none'), actions: [], state: { role: 'relay' } }]);
  });

  it('a probe reaching a node that is not the relay changes nothing', () => {
    play([...MEMBER_OF_ANN, { event: probe(100, BEN, 5), actions: [], state: { role: 'member' } }]);
  });

  it('--host arrives: an unforced relay hands over to it, whatever their ages', () => {
    const forcedEve = rank(EVE.nodeId, EVE.rank.startedAt, true);
    play([
      ...LONE_RELAY,
      { event: probe(2_000, EVE, 1, forcedEve), actions: [verify(EVE)], state: { role: 'relay' } },
      { event: probe(2_050, EVE, 1, forcedEve, 'verified'), actions: handingOver(EVE) },
    ]);
  });

  it('--host: the node leads at once, above every epoch it sees', () => {
    play([{ event: start(0, { host: true }), actions: lead(1), state: { role: 'relay', windowOpen: false } }]);
  });

  it('two forced relays: both warned, the lower node id keeps the relay', () => {
    const forcedSelf: FailoverSelf = { ...SELF, rank: rank(CAT.nodeId, CAT.rank.startedAt, true) };
    const hosting = play([{ event: start(0, { host: true }), actions: lead(1) }], initialState(forcedSelf));
    const twoForced = (keeper: 'self' | 'other', who: Cast): FailoverAction => ({ type: 'notice', notice: { code: 'TWO_FORCED', keeper, host: who.address.host } });
    // Between two forced nodes age does not count: eve (started long before) has the higher node id, so this node keeps it.
    play([{ event: probe(1_000, EVE, 1, rank(EVE.nodeId, 1, true), 'verified'), actions: [twoForced('self', EVE)], state: { role: 'relay' } }], hosting);
    // eve's own probe reaching this node (unverified): it keeps the relay, and says so.
    play([{ event: probe(1_000, EVE, 1, rank(EVE.nodeId, 1, true), 'none'), actions: [twoForced('self', EVE)], state: { role: 'relay' } }], hosting);
    // ann's node id is lower: this node hands over, once she proved it.
    play([{ event: probe(1_000, ANN, 1, rank(ANN.nodeId, 9_999, true), 'verified'), actions: [twoForced('other', ANN), ...handingOver(ANN)] }], hosting);
  });

  it('--connect: the member stays on that address and never elects', () => {
    const there = { host: '192.168.1.20', port: 40123 };
    play([
      { event: start(0, { connect: there }), actions: [{ type: 'dial', target: there, delay: 'now' }] },
      { event: lost(100, { target: there }), actions: [], state: { role: 'electing', following: undefined } },
    ]);
  });

  it('finding 5: a --connect member sent to a place that does not answer goes back to its --connect address', () => {
    const there = { host: '192.168.1.20', port: 40123 };
    const dead = { host: '192.168.1.66', port: 7999 };
    play([
      { event: start(0, { connect: there }), actions: [{ type: 'dial', target: there, delay: 'now' }] },
      { event: connected(50, ANN, 1), actions: [setRole('member', 1)] },
      // The relay handed over to a place nobody answers at (its members were redirected there).
      { event: lost(100, { reason: 'redirected', target: dead, redirected: true, redirectedTo: BEN.nodeId }), actions: [{ type: 'dial', target: dead, delay: 'now' }] },
      { event: lost(200, { target: dead }), actions: [{ type: 'dial', target: there, delay: 'backoff' }], state: { following: undefined } },
      // Back home, the old relay answers NOT_RELAY or a redirect: the member's default (redial home) stands.
      { event: lost(300, { target: there, refusal: 'NOT_RELAY' }), actions: [] },
    ]);
  });

  it('finding 7b: a relay keeps probing where a relay was once reached, and merges with one back there', () => {
    const there = ANN.address;
    const catAndEve = ROSTER.filter((p) => p.nodeId === CAT.nodeId || p.nodeId === EVE.nodeId);
    const took = play([
      { event: start(0, { connect: there }), actions: [dial(ANN)] },
      { event: connected(50, ANN, 1), actions: [setRole('member', 1)] },
      // ann (--host) is gone; this node is first in the roster: it takes over.
      { event: relayLost(1_000, ANN, 1, catAndEve), actions: [relayLostNotice(ANN), setRole('electing', 1), ...lead(2)], state: { role: 'relay' } },
    ]);
    // No mDNS: without this, nothing would ever probe ann's address again.
    expect(knownRelays(took)).toEqual([there]);
    // ann restarted there with --host: her answer to our probe there, verified, outranks this node.
    const forcedAnn = rank(ANN.nodeId, 5_000, true);
    play(
      [
        {
          event: probe(6_000, ANN, 1, forcedAnn, 'verified'),
          actions: [
            { type: 'notice', notice: { code: 'HANDING_OVER', ...there } },
            setRole('electing', 2),
            { type: 'hand-over', to: { nodeId: ANN.nodeId, ...there } },
          ],
          state: { following: ANN.nodeId },
        },
      ],
      took,
    );
  });

  it('known relays: the lost relays, most recent first, never this node itself', () => {
    const state = play([
      { event: start(0), actions: [LOOKING] },
      { event: advert(10, BEN, 'relay', 1), actions: [dial(BEN)] },
      { event: connected(20, BEN, 1), actions: [setRole('member', 1)] },
      { event: relayLost(1_000, BEN, 1), actions: [relayLostNotice(BEN), setRole('electing', 1), dial(ANN)] },
      { event: connected(1_100, ANN, 2), actions: [setRole('member', 2)] },
      { event: relayLost(2_000, ANN, 2), actions: [relayLostNotice(ANN), setRole('electing', 2), dial(BEN)] },
    ]);
    expect(knownRelays(state)).toEqual([ANN.address, BEN.address]);
    expect(knownRelays(play([{ event: start(0, { connect: LOOP }), actions: [{ type: 'dial', target: LOOP, delay: 'now' }] }]))).toEqual([]);
  });

  it('no discovery and no --connect: a lone relay', () => {
    play([{ event: start(0, { discovery: false }), actions: lead(1) }]);
  });

  it('the relay of this node lost (its own loopback link): the member just redials it', () => {
    play([
      ...LONE_RELAY,
      { event: connected(600, CAT, 1), actions: [] },
      { event: lost(700, { relay: relayInfo(CAT, 1), target: LOOP }), actions: [], state: { role: 'relay' } },
    ]);
  });

  it('successors: a loopback address is used only when the relay was on this machine too', () => {
    const roster: RosterPeer[] = [
      { nodeId: ANN.nodeId, rank: ANN.rank, addresses: ['10.0.0.1'], port: 4001 },
      { nodeId: BEN.nodeId, rank: BEN.rank, addresses: ['127.0.0.1', '10.0.0.2'], port: 4002 },
    ];
    play([...MEMBER_OF_ANN, { event: relayLost(1_000, ANN, 3, roster), actions: [relayLostNotice(ANN), setRole('electing', 3), dial(BEN)] }]);
  });

  it('after stop nothing more is decided', () => {
    play([
      ...AFTER_ANN_LOST,
      { event: { type: 'stop', now: 1_100 }, actions: [] },
      { event: silent(1_200, BEN), actions: [] },
      { event: advert(1_300, DAN, 'relay', 4), actions: [] },
    ]);
  });
});

describe('linkLost (the member reconnect policy)', () => {
  const at = (rows: Row[]): FailoverState => play(rows);

  it('hands the dial apart from the other actions', () => {
    const { actions, next } = linkLost(at(MEMBER_OF_ANN), relayLost(1_000, ANN, 3));
    expect(next).toEqual({ target: BEN.address, delay: 'now' });
    expect(actions).toEqual([relayLostNotice(ANN), setRole('electing', 3)]);
  });

  it('says when to cut a dial short, and when to wait the backoff', () => {
    const following = at(AFTER_ANN_LOST);
    const first = linkLost(following, redirect(1_010, ANN));
    expect(first.next).toEqual({ target: ANN.address, delay: 'now', dialTimeoutMs: PROBABLY_GONE_DIAL_MS });
    expect(linkLost(first.state, silent(1_310, ANN)).next).toEqual({ target: BEN.address, delay: 'backoff' });
  });

  it('leaves the member its default (same target after backoff) while a candidate is waited for', () => {
    expect(linkLost(at(AFTER_ANN_LOST), refused(1_200, BEN)).next).toBeUndefined();
  });

  it('sends the member to its own relay at once when this node leads', () => {
    const annAndSelf = ROSTER.filter((p) => p.nodeId === CAT.nodeId || p.nodeId === ANN.nodeId);
    const { next, actions } = linkLost(at(MEMBER_OF_ANN), relayLost(1_000, ANN, 3, annAndSelf));
    expect(next).toEqual({ target: LOOP, delay: 'now' });
    expect(actions).toEqual([relayLostNotice(ANN), setRole('electing', 3), { type: 'lead', epoch: 4 }, setRole('relay', 4)]);
  });
});
