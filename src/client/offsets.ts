/** ListOffsets helpers shared by Consumer and Admin: earliest/latest/by-timestamp per partition. */
import { Api } from './apis.js';
import type { Cluster } from './cluster.js';
import { throwIfError } from './errors.js';
import { withRetries } from './retry.js';

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export interface OffsetQuery {
  topic: string;
  partition: number;
  /** -2 earliest, -1 latest, else a timestamp in ms (first offset with timestamp >= it). */
  timestamp: number;
}

/** Resolves each query to an offset (-1 when no record is at or after the timestamp), grouped per leader. */
export async function listOffsets(cluster: Cluster, queries: OffsetQuery[], isolationLevel = 0): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (queries.length === 0) return out;
  await withRetries(
    cluster.options,
    async () => {
      for (const q of queries) await cluster.topic(q.topic);
      const byLeader = new Map<number, OffsetQuery[]>();
      for (const q of queries) {
        const leader = cluster.leaderOf(q.topic, q.partition);
        let list = byLeader.get(leader);
        if (!list) byLeader.set(leader, (list = []));
        list.push(q);
      }
      await Promise.all(
        [...byLeader].map(async ([leader, list]) => {
          const byTopic = new Map<string, OffsetQuery[]>();
          for (const q of list) {
            let l = byTopic.get(q.topic);
            if (!l) byTopic.set(q.topic, (l = []));
            l.push(q);
          }
          const conn = await cluster.connectionTo(leader);
          const res = await conn.send(Api.listOffsets, {
            replicaId: -1,
            isolationLevel,
            topics: [...byTopic].map(([name, qs]) => ({ name, partitions: qs.map((q) => ({ partitionIndex: q.partition, currentLeaderEpoch: -1, timestamp: q.timestamp, maxNumOffsets: 1 })) })),
          });
          for (const t of res.topics) {
            for (const p of t.partitions) {
              throwIfError(p.errorCode, `ListOffsets ${t.name}-${p.partitionIndex}`);
              out.set(`${t.name}\0${p.partitionIndex}`, p.offset ?? p.oldStyleOffsets?.[0] ?? -1);
            }
          }
        }),
      );
    },
    () => cluster.refresh(),
  );
  return out;
}
