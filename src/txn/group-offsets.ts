/**
 * The transaction side's view of the group coordinator (src/group), through the broker: where a
 * group's offsets live. TxnOffsetCommit's offsets are the group coordinator's: written there as
 * transactional records, decided by the markers this module's callers write to that partition.
 */
import type { Broker } from '../broker/broker.js';

export const OFFSETS_TOPIC_NAME = '__consumer_offsets';

/** The __consumer_offsets partition of the group, creating the topic if needed (markers go there). */
export async function offsetsPartitionFor(broker: Broker, groupId: string): Promise<number> {
  await broker.groups.ensureOffsetsTopic();
  return broker.groups.coordinator.partitionFor(groupId);
}
