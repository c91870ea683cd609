/** Where a group's offsets live, asked of the group coordinator (src/group) through the broker. */
import type { Broker } from '../broker/broker.js';

export const OFFSETS_TOPIC_NAME = '__consumer_offsets';

/** The __consumer_offsets partition of the group, creating the topic if needed (markers go there). */
export async function offsetsPartitionFor(broker: Broker, groupId: string): Promise<number> {
  await broker.groups.ensureOffsetsTopic();
  return broker.groups.coordinator.partitionFor(groupId);
}
