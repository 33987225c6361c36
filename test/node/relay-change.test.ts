import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notice, PresenceView, RelayInfo } from '../../src/chat/views.js';
import type { LostInfo } from '../../src/member/member.js';
import { type Disconnected, RelayChange } from '../../src/node/relay-change.js';
import type { RosterEntry } from '../../src/node/roster-diff.js';

// This node is cat; the relay was hal; ann and ben are members; the successor is ann.
const SELF = 'cc';
const peer = (nodeId: string, nick: string): RosterEntry => ({ nodeId, nick, rooms: ['#lobby'] });
const HAL = peer('ff', 'hal');
const ANN = peer('aa', 'ann');
const BEN = peer('bb', 'ben');
const CAT = peer(SELF, 'cat');
const relay = (p: RosterEntry, epoch = 1): RelayInfo => ({ id: p.nodeId, nick: p.nick, epoch, host: '10.0.0.1', port: 4000 });
const QUIET = 4_000;
const GRACE = 5_000;

type Told = { notice: Notice } | { disconnected: Disconnected } | { presence: PresenceView };

function lostInfo(from: RelayInfo | undefined, how: Partial<LostInfo> = {}): LostInfo {
  return { reason: 'the relay closed the connection', relay: from, target: { host: '10.0.0.1', port: 4000 }, refusal: undefined, left: false, redirected: false, redirectedTo: undefined, ...how };
}

const joinedAgain = (p: RosterEntry): PresenceView => ({ nick: p.nick, state: 'joined', room: null, self: false, rooms: p.rooms as string[] });
const gone = (p: RosterEntry, reason: string) => ({ presence: { nick: p.nick, state: 'left', room: null, self: false, reason } });

describe('RelayChange: what a node says while its relay changes', () => {
  let told: Told[];
  let change: RelayChange;
  /** The member's next dial, as RelayChange reads it when it tells a held disconnection. */
  let nextDial: number;

  beforeEach(() => {
    vi.useFakeTimers();
    told = [];
    nextDial = 0;
    change = new RelayChange({
      self: SELF,
      quietMs: QUIET,
      rejoinGraceMs: GRACE,
      notice: (notice) => told.push({ notice }),
      disconnected: (disconnected) => told.push({ disconnected }),
      presence: (presence) => told.push({ presence }),
      nextDialInMs: () => nextDial,
    });
  });
  afterEach(() => {
    change.stop();
    vi.useRealTimers();
  });

  /** Connected to hal with everyone, then hal is lost the way `how` says, and failover says so. */
  function loseHal(how: Partial<LostInfo> = {}): void {
    change.connected(relay(HAL), [HAL, ANN, BEN, CAT]);
    change.lost(lostInfo(relay(HAL), how), [HAL, ANN, BEN, CAT]);
    change.notice({ code: 'RELAY_LOST', relay: 'hal', reason: 'the relay closed the connection' });
    change.disconnected({ reason: 'the relay closed the connection', retryInMs: 0 });
  }

  it('a quick failover: one line, the dead relay gone, the others not announced again', () => {
    loseHal();
    vi.advanceTimersByTime(QUIET - 1);
    expect(told).toEqual([]);
    change.connected(relay(ANN, 2), [ANN, CAT]);
    change.presence(joinedAgain(BEN), BEN.nodeId);
    vi.advanceTimersByTime(GRACE * 2);
    expect(told).toEqual([
      { notice: { code: 'RELAY_CHANGED', from: 'hal', to: 'ann', self: false, planned: false } },
      gone(HAL, 'connection lost'),
    ]);
  });

  it('this node takes over: "you"', () => {
    loseHal();
    change.connected(relay(CAT, 2), [CAT]);
    expect(told[0]).toEqual({ notice: { code: 'RELAY_CHANGED', from: 'hal', to: 'cat', self: true, planned: false } });
  });

  it('someone who does not reach the new relay in time is said to have left, once', () => {
    loseHal();
    change.connected(relay(ANN, 2), [ANN, CAT]);
    vi.advanceTimersByTime(GRACE);
    change.presence(joinedAgain(BEN), BEN.nodeId); // too late: a real arrival
    expect(told.slice(1)).toEqual([gone(HAL, 'connection lost'), gone(BEN, 'connection lost'), { presence: joinedAgain(BEN) }]);
  });

  it('someone new on the new relay is announced', () => {
    loseHal();
    const dan = peer('dd', 'dan');
    change.connected(relay(ANN, 2), [ANN, BEN, CAT, dan]);
    expect(told.slice(1)).toEqual([{ presence: joinedAgain(dan) }, gone(HAL, 'connection lost')]);
  });

  it('a clean stop of the relay is a hand-over, and its user quit', () => {
    loseHal({ left: true, reason: 'the relay left (relay stopping)' });
    change.connected(relay(ANN, 2), [ANN, BEN, CAT]);
    expect(told).toEqual([{ notice: { code: 'RELAY_CHANGED', from: 'hal', to: 'ann', self: false, planned: true } }, gone(HAL, 'quit')]);
  });

  it('a relay that steps down: a hand-over, and its user follows everyone to the new relay', () => {
    change.connected(relay(HAL), [HAL, ANN, BEN, CAT]);
    change.lost(lostInfo(relay(HAL), { redirected: true }), [HAL, ANN, BEN, CAT]);
    change.disconnected({ reason: 'the relay handed over to 10.0.0.9:4000', retryInMs: 0 });
    const top = peer('99', 'top');
    change.connected(relay(top, 3), [top, CAT]);
    for (const p of [HAL, ANN, BEN]) change.presence(joinedAgain(p), p.nodeId);
    vi.advanceTimersByTime(GRACE * 2);
    expect(told).toEqual([{ notice: { code: 'RELAY_CHANGED', from: 'hal', to: 'top', self: false, planned: true } }, { presence: joinedAgain(top) }]);
  });

  it('the relay node that hands over says it once, as a hand-over', () => {
    change.connected(relay(CAT), [ANN, CAT]);
    change.notice({ code: 'HANDING_OVER', host: '10.0.0.9', port: 4000 });
    change.lost(lostInfo(relay(CAT), { redirected: true }), [ANN, CAT]);
    const top = peer('99', 'top');
    change.connected(relay(top, 3), [top, CAT]);
    change.presence(joinedAgain(ANN), ANN.nodeId);
    expect(told).toEqual([{ notice: { code: 'RELAY_CHANGED', from: 'cat', to: 'top', self: false, planned: true } }, { presence: joinedAgain(top) }]);
  });

  it('a hand-over that comes to nothing (the node keeps the relay): nothing to tell', () => {
    change.connected(relay(CAT), [ANN, CAT]);
    change.notice({ code: 'HANDING_OVER', host: '10.0.0.9', port: 4000 });
    change.lost(lostInfo(relay(CAT), { redirected: true }), [ANN, CAT]);
    change.lost(lostInfo(undefined), []); // the place it was sent to never welcomed it
    change.connected(relay(CAT, 2), [CAT]);
    change.presence(joinedAgain(ANN), ANN.nodeId);
    vi.advanceTimersByTime(QUIET + GRACE);
    expect(told).toEqual([]);
  });

  it('no relay within the quiet time: the loss is told as it came, then the change when it ends', () => {
    loseHal();
    vi.advanceTimersByTime(QUIET);
    expect(told).toEqual([
      { notice: { code: 'RELAY_LOST', relay: 'hal', reason: 'the relay closed the connection' } },
      { disconnected: { reason: 'the relay closed the connection', retryInMs: 0 } },
    ]);
    change.disconnected({ reason: 'connect ECONNREFUSED', retryInMs: 400 });
    expect(told).toHaveLength(3);
    change.connected(relay(ANN, 2), [ANN, BEN, CAT]);
    expect(told[3]).toEqual({ notice: { code: 'RELAY_CHANGED', from: 'hal', to: 'ann', self: false, planned: false } });
  });

  it('a fresh start: failed dials before the first relay are no alarm, and no change is told', () => {
    change.disconnected({ reason: 'NOT_RELAY', retryInMs: 100 });
    change.lost(lostInfo(undefined), []);
    change.disconnected({ reason: 'NOT_RELAY', retryInMs: 200 });
    vi.advanceTimersByTime(QUIET - 1);
    change.connected(relay(ANN), [ANN, BEN, CAT]);
    vi.advanceTimersByTime(QUIET + GRACE);
    expect(told).toEqual([]);
  });

  it('a start that finds no relay says so once the quiet time is over, with the wait for the next dial as it is then', () => {
    change.disconnected({ reason: 'connect ECONNREFUSED 127.0.0.1:4000', retryInMs: 100 });
    // The 100 ms were over long ago: the dials went on, and the next is due in 1.3 s.
    nextDial = 1_300;
    vi.advanceTimersByTime(QUIET);
    expect(told).toEqual([{ disconnected: { reason: 'connect ECONNREFUSED 127.0.0.1:4000', retryInMs: 1_300 } }]);
    // Once told, a disconnection goes out as it comes.
    change.disconnected({ reason: 'connect ECONNREFUSED 127.0.0.1:4000', retryInMs: 2_000 });
    expect(told[1]).toEqual({ disconnected: { reason: 'connect ECONNREFUSED 127.0.0.1:4000', retryInMs: 2_000 } });
  });

  it('back on the same relay (a blip): no change told, nobody announced', () => {
    loseHal();
    change.connected(relay(HAL), [HAL, CAT]);
    change.presence(joinedAgain(ANN), ANN.nodeId);
    change.presence(joinedAgain(BEN), BEN.nodeId);
    vi.advanceTimersByTime(GRACE * 2);
    expect(told).toEqual([]);
  });

  it('other presences pass as they come', () => {
    const parted: PresenceView = { nick: 'ann', state: 'left', room: '#lobby', self: false };
    const me: PresenceView = { nick: 'cat2', state: 'renamed', room: null, from: 'cat', self: true };
    change.presence(parted, ANN.nodeId);
    change.presence(me, undefined);
    change.notice({ code: 'LOOKING' });
    expect(told).toEqual([{ presence: parted }, { presence: me }, { notice: { code: 'LOOKING' } }]);
  });
});
