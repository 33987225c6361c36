/**
 * Who should be the relay, decided without votes: every node compares the same ranks the same way, so
 * every node that sees the same candidates picks the same one.
 */

export interface Rank {
  /** Started with --host. */
  forced: boolean;
  /** Higher wins (for a future --weight; 0 today). */
  weight: number;
  /** ms since the epoch; the older node wins, as it has likely been up the longest and will stay. */
  startedAt: number;
  /** Hex node id: the last resort, so that no two ranks are ever equal. */
  nodeId: string;
}

/**
 * Negative when `a` outranks `b`, positive when `b` does; 0 only for the same node. Between two forced
 * nodes (two --host) age does not count, only the node id: which one keeps the relay must not depend on
 * who was started first.
 */
export function compareRank(a: Rank, b: Rank): number {
  if (a.forced !== b.forced) return a.forced ? -1 : 1;
  if (a.weight !== b.weight) return b.weight - a.weight;
  if (!a.forced && a.startedAt !== b.startedAt) return a.startedAt - b.startedAt;
  return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
}

/** The candidates, best first. */
export function byRank<T extends { rank: Rank }>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => compareRank(a.rank, b.rank));
}

export function best<T extends { rank: Rank }>(candidates: readonly T[]): T | undefined {
  let top: T | undefined;
  for (const c of candidates) if (top === undefined || compareRank(c.rank, top.rank) < 0) top = c;
  return top;
}
