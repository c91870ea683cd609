/**
 * The transaction side's view of the group coordinator (src/group), through the broker: where a
 * group's offsets live, and how the offsets of a committed transaction are handed over.
 */
import type { Broker } from '../broker/broker.js';
import type { CommitPartition, CommitRequest } from '../group/offset-manager.js';
import type { GroupOffsetsSink, PendingGroupOffsets } from './txn-offsets.js';

export const OFFSETS_TOPIC_NAME = '__consumer_offsets';

/** The __consumer_offsets partition of the group, creating the topic if needed (markers go there). */
export async function offsetsPartitionFor(broker: Broker, groupId: string): Promise<number> {
  await broker.groups.ensureOffsetsTopic();
  return broker.groups.coordinator.partitionFor(groupId);
}

export function groupOffsetsSink(broker: Broker): GroupOffsetsSink {
  return {
    async apply(groupId: string, pending: PendingGroupOffsets): Promise<number> {
      const result = await broker.groups.coordinator.commitTxnOffsets(groupId, byTopic(pending));
      for (const t of result) for (const p of t.partitions) if (p.errorCode !== 0) return p.errorCode;
      return 0;
    },
  };
}

function byTopic(pending: PendingGroupOffsets): CommitRequest['topics'] {
  const topics = new Map<string, CommitPartition[]>();
  for (const o of pending.offsets) {
    let list = topics.get(o.topic);
    if (!list) topics.set(o.topic, (list = []));
    list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, commitTimestampMs: -1, committedMetadata: o.metadata });
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}
