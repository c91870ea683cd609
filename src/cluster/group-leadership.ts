/**
 * Cluster mode: the group coordinator follows leadership of __consumer_offsets. A broker answers
 * for a group only while it leads the group's partition and has replayed that partition since
 * becoming leader (other leaders may have written in between); everything else is NOT_COORDINATOR,
 * so clients look the coordinator up again (FindCoordinator answers with the partition's leader).
 */
import type { GroupService } from '../group/index.js';
import type { GroupSettings } from '../group/settings.js';
import { partitionForGroup } from '../group/coordinator-partition.js';
import type { Logger } from '../log/logger.js';
import type { PartitionState } from './contract.js';
import type { ClusterNode } from './cluster-node.js';

const OFFSETS_TOPIC = '__consumer_offsets';

export class GroupLeadership {
  /** __consumer_offsets partitions this broker leads and has loaded, with the epoch it loaded at. */
  private readonly loaded = new Map<number, number>();
  private groups: GroupService | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: ClusterNode,
    private readonly logger: Logger,
  ) {
    cluster.onPartitionState((state) => this.onState(state));
  }

  /** The group settings with the ownership check installed. */
  settings(base: GroupSettings): GroupSettings {
    return { ...base, limits: { ...base.limits, ownsGroup: (groupId) => this.ownsGroup(groupId) } };
  }

  attach(groups: GroupService): void {
    this.groups = groups;
  }

  ownsGroup(groupId: string): boolean {
    const count = this.cluster.metadata.topics.get(OFFSETS_TOPIC)?.topic.partitionCount ?? 0;
    if (count === 0) return false;
    const partition = partitionForGroup(groupId, count);
    const epoch = this.loaded.get(partition);
    return epoch !== undefined && this.cluster.leaderOf(OFFSETS_TOPIC, partition) === this.cluster.localNodeId && this.cluster.metadata.partition(OFFSETS_TOPIC, partition)?.state.leaderEpoch === epoch;
  }

  private onState(state: PartitionState): void {
    if (state.topic !== OFFSETS_TOPIC) return;
    if (state.leader !== this.cluster.localNodeId) {
      this.loaded.delete(state.partition);
      return;
    }
    if (this.loaded.get(state.partition) === state.leaderEpoch) return;
    this.chain = this.chain.then(async () => {
      try {
        await this.groups?.loadPartition(state.partition);
        this.loaded.set(state.partition, state.leaderEpoch);
        this.logger.info({ partition: state.partition, leaderEpoch: state.leaderEpoch }, 'coordinating the groups of this __consumer_offsets partition');
      } catch (err) {
        this.logger.error({ err: String(err), partition: state.partition }, 'loading a __consumer_offsets partition failed');
      }
    });
  }
}
