/**
 * The transaction side's view of the group coordinator (src/group), through the broker: where a
 * group's offsets live, and how the offsets of a committed transaction are handed over.
 */
import type { Broker } from '../broker/broker.js';
import type { CommitPartition, CommitRequest, PartitionErrors } from '../group/offset-manager.js';
import type { GroupOffsetsSink, PendingGroupOffsets } from './txn-offsets.js';

export const OFFSETS_TOPIC_NAME = '__consumer_offsets';

/** The __consumer_offsets partition of the group, creating the topic if needed (markers go there). */
export async function offsetsPartitionFor(broker: Broker, groupId: string): Promise<number> {
  await broker.groups.ensureOffsetsTopic();
  return broker.groups.coordinator.partitionFor(groupId);
}

type Topics = CommitRequest['topics'];

/**
 * A coordinator method that writes a committed transaction's offsets without member/generation
 * checks (Kafka materialises them on the commit marker, having checked the member at
 * TxnOffsetCommit time). Used when src/group offers it.
 */
interface TxnOffsetsCapable {
  commitTxnOffsets?(groupId: string, topics: Topics): Promise<PartitionErrors>;
}

export function groupOffsetsSink(broker: Broker): GroupOffsetsSink {
  return {
    async apply(groupId: string, pending: PendingGroupOffsets): Promise<number> {
      const coordinator = broker.groups.coordinator as typeof broker.groups.coordinator & TxnOffsetsCapable;
      const topics = byTopic(pending);
      let result: PartitionErrors;
      if (coordinator.commitTxnOffsets) {
        result = await coordinator.commitTxnOffsets(groupId, topics);
      } else {
        // Otherwise an ordinary commit as the member that sent TxnOffsetCommit (v3+ carry it);
        // without one it only succeeds while the group has no members.
        result = await coordinator.commitOffsets({
          groupId,
          generationId: pending.generationId,
          memberId: pending.memberId,
          groupInstanceId: pending.groupInstanceId,
          retentionTimeMs: -1,
          topics,
          missingGroupIsNotFound: false,
        });
      }
      for (const t of result) for (const p of t.partitions) if (p.errorCode !== 0) return p.errorCode;
      return 0;
    },
  };
}

function byTopic(pending: PendingGroupOffsets): Topics {
  const topics = new Map<string, CommitPartition[]>();
  for (const o of pending.offsets) {
    let list = topics.get(o.topic);
    if (!list) topics.set(o.topic, (list = []));
    list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, commitTimestampMs: -1, committedMetadata: o.metadata });
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}
