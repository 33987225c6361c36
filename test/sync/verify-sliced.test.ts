import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/store/history-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import type { Replica } from '../../src/sync/replica.js';
import { verifyMessages } from '../../src/sync/signature.js';
import { VERIFY_SLICE_CHECKS, verifySliced } from '../../src/sync/verify-sliced.js';
import { authored, freshAuthor, oneLineEach } from '../helpers/authored.js';
import { tempReplica } from '../helpers/replica.js';

const ORIGINS = 5_000;
/** One line from each of 5,000 authors, as a fresh member's sync brings a wide history: 5,000 signature checks. */
const wide = oneLineEach(ORIGINS, 'net');
/** The turns of the event loop that verifying them must leave to others, at least (one per slice). */
const TURNS = Math.floor(ORIGINS / VERIFY_SLICE_CHECKS) - 1;

/** Counts turns of the event loop (a setImmediate that queues itself again) until stopped. */
function turnCounter(): { readonly turns: number; stop: () => void } {
  const counter = { turns: 0, running: true };
  const spin = (): void => {
    if (!counter.running) return;
    counter.turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return {
    get turns() {
      return counter.turns;
    },
    stop: () => void (counter.running = false),
  };
}

describe('verifySliced', () => {
  it(`gives the event loop a turn every ${VERIFY_SLICE_CHECKS} signature checks, and the verdict of verifyMessages`, { timeout: 60_000 }, async () => {
    const messages = wide.map(decodeStored);
    // One altered message among them: refused, the rest accepted, as in one go.
    const altered = Buffer.from(wide[2_500]!);
    altered[altered.indexOf(Buffer.from('line 1'))] = 'X'.charCodeAt(0);
    messages[2_500] = decodeStored(altered);
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const counter = turnCounter();
    const verdict = await verifySliced(messages, 'net');
    counter.stop();
    expect(counter.turns).toBeGreaterThanOrEqual(TURNS);
    expect(timerRan).toBe(true);
    expect(verdict.accepted).toEqual(messages.filter((m) => m !== messages[2_500]));
    expect(verdict.refused.map((r) => [r.message, r.reason])).toEqual([[messages[2_500], 'bad signature']]);
  });

  it('checks a chain once, however long: a bulk sync of chains runs in one go, as verifyMessages', async () => {
    const chain = authored(freshAuthor(), 'net', 500).map(decodeStored);
    const counter = turnCounter();
    const verdict = await verifySliced(chain, 'net');
    counter.stop();
    expect(verdict).toEqual(verifyMessages(chain, 'net'));
    expect(verdict.accepted).toHaveLength(500);
    expect(counter.turns).toBe(0);
  });
});

describe('Replica.ingest of a sync batch of many origins (real LevelDB)', () => {
  let replica: Replica;
  let close: () => Promise<void>;
  beforeEach(async () => ({ replica, close } = await tempReplica('net')));
  afterEach(() => close());

  it('lets the event loop run (heartbeats, reads) between slices of its verification, before it stores', { timeout: 60_000 }, async () => {
    const store = replica.store;
    const append = store.append.bind(store);
    let turnsBeforeStore = -1;
    const counter = turnCounter();
    store.append = (messages: readonly StoredMessage[]) => {
      if (turnsBeforeStore < 0) turnsBeforeStore = counter.turns;
      return append(messages);
    };
    const result = await replica.ingest(wide, { whole: true });
    counter.stop();
    expect(result.refused).toEqual([]);
    expect(result.fresh).toHaveLength(ORIGINS);
    expect(turnsBeforeStore).toBeGreaterThanOrEqual(TURNS);
  });
});
