import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LevelHistoryStore } from '../../src/store/level-store.js';
import { Replica, type ReplicaOptions } from '../../src/sync/replica.js';

/** A replica on a real LevelDB in a fresh temporary folder; `close` removes it. */
export async function tempReplica(network = 'test', options: ReplicaOptions = {}): Promise<{ replica: Replica; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lanchat-replica-'));
  const store = await LevelHistoryStore.open(join(dir, 'history'));
  return {
    replica: new Replica(store, network, Date.now, options),
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
