import type { HistoryStore, StoredMessage } from './history-store.js';
import { topicBucket } from './keys.js';

/**
 * The topic of `room` shown now: the newest topic message stored for it in display order (hybrid clock,
 * then origin, then seq), so every node that holds the same messages shows the same topic, whatever order
 * they came in. Undefined when the room never had one.
 */
export async function latestTopic(store: HistoryStore, room: string): Promise<StoredMessage | undefined> {
  const [latest] = await store.latest({ limit: 1, room: topicBucket(room) });
  return latest;
}
