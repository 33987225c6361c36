import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { decodeStored } from '../../src/store/stored-message.js';
import { latestTopic } from '../../src/store/topics.js';
import { signMessage } from '../../src/sync/signature.js';
import { freshAuthor } from '../helpers/authored.js';

const NET = 'topics';
const T = 1_800_000_000_000;
const ann = freshAuthor();
const bob = freshAuthor();

function topic(author: typeof ann, seq: number, time: number, counter: number, text: string, room = '#dev'): Buffer {
  return signMessage({ origin: author.nodeId, seq, time, counter, nick: author === ann ? 'ann' : 'bob', room, text, topic: true }, author, NET);
}

// Real LevelDB: the topic shown is the newest by the hybrid clock, whatever order the topics were stored in.
describe('the topic of a room in the store', () => {
  let dir: string;
  let store: LevelHistoryStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lanchat-topics-'));
    store = await LevelHistoryStore.open(join(dir, 'history'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is none for a room that never had one', async () => {
    expect(await latestTopic(store, '#dev')).toBeUndefined();
  });

  it('is the latest by hybrid clock, then origin, not the last stored', async () => {
    const newest = topic(bob, 1, T + 2_000, 0, 'newest');
    const older = topic(ann, 1, T + 1_000, 5, 'older');
    const sameMsLater = topic(ann, 2, T + 2_000, 1, 'same ms, later counter');
    await store.append([decodeStored(newest)]);
    await store.append([decodeStored(older)]);
    expect((await latestTopic(store, '#dev'))?.shown.text).toBe('newest');
    await store.append([decodeStored(sameMsLater)]);
    expect((await latestTopic(store, '#dev'))?.shown.text).toBe('same ms, later counter');
  });

  it('is kept apart from the room: its lines and its count do not hold topics', async () => {
    const line = signMessage({ origin: bob.nodeId, seq: 2, time: T + 5_000, counter: 0, nick: 'bob', room: '#dev', text: 'a line' }, bob, NET);
    await store.append([decodeStored(line)]);
    const lines = await store.latest({ limit: 10, room: '#dev' });
    expect(lines.map((m) => m.shown.text)).toEqual(['a line']);
    expect(await store.count({ room: '#dev' })).toBe(1);
    expect(await latestTopic(store, '#ops')).toBeUndefined();
    expect((await latestTopic(store, '#dev'))?.shown).toMatchObject({ topic: true, nick: 'ann' });
  });
});
