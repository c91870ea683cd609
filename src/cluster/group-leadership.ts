/**
 * Cluster mode: the group coordinator follows leadership of __consumer_offsets. A broker answers
 * for a group only while it leads the group's partition and has replayed that partition since
 * becoming leader (other leaders may have written in between); everything else is NOT_COORDINATOR,
 * so clients look the coordinator up again (FindCoordinator answers with the partition's leader).
 */
import type { GroupService } from '../group/index.js';
import type { GroupSettings } from '../group/settings.js';
import type { Logger } from '../log/logger.js';
import { CoordinatorPartitions } from './coordinator-partitions.js';
import type { ClusterNode } from './cluster-node.js';

const OFFSETS_TOPIC = '__consumer_offsets';

export class GroupLeadership {
  private groups: GroupService | null = null;
  private readonly partitions: CoordinatorPartitions;

  constructor(cluster: ClusterNode, logger: Logger) {
    this.partitions = new CoordinatorPartitions(cluster, OFFSETS_TOPIC, (p) => this.groups?.loadPartition(p) ?? Promise.resolve(), logger);
  }

  /** The group settings with the ownership check installed. */
  settings(base: GroupSettings): GroupSettings {
    return { ...base, limits: { ...base.limits, ownsGroup: (groupId) => this.ownsGroup(groupId) } };
  }

  attach(groups: GroupService): void {
    this.groups = groups;
  }

  ownsGroup(groupId: string): boolean {
    return this.partitions.owns(groupId);
  }
}
