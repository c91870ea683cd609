/**
 * Reads consumer group metrics from the group coordinator (src/group) at scrape time: state and
 * member count from describeGroups, committed offsets from fetchOffsets. Typed structurally so
 * this file depends on the coordinator's answers, not on its class.
 */
import type { GroupMetricsSource, GroupSnapshot } from './broker-view.js';

export interface CoordinatorLike {
  listGroups(statesFilter: string[], typesFilter: string[]): { groupId: string }[];
  describeGroups(groupIds: string[]): { groupId: string; groupState: string; members: unknown[] }[];
  fetchOffsets(
    groupId: string,
    topics: null,
  ): { errorCode: number; topics: { name: string; partitions: { partitionIndex: number; committedOffset: number; errorCode: number }[] }[] };
}

export function groupSourceFrom(coordinator: CoordinatorLike): GroupMetricsSource {
  return {
    groups(): GroupSnapshot[] {
      const ids = coordinator.listGroups([], []).map((g) => g.groupId);
      if (ids.length === 0) return [];
      return coordinator.describeGroups(ids).map((g) => ({
        groupId: g.groupId,
        state: g.groupState,
        members: g.members.length,
        offsets: committedOffsets(coordinator, g.groupId),
      }));
    },
  };
}

function committedOffsets(coordinator: CoordinatorLike, groupId: string): GroupSnapshot['offsets'] {
  const fetched = coordinator.fetchOffsets(groupId, null);
  if (fetched.errorCode !== 0) return [];
  const out: { topic: string; partition: number; committedOffset: number }[] = [];
  for (const topic of fetched.topics) {
    for (const p of topic.partitions) {
      if (p.errorCode === 0 && p.committedOffset >= 0) out.push({ topic: topic.name, partition: p.partitionIndex, committedOffset: p.committedOffset });
    }
  }
  return out;
}
