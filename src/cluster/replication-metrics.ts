/**
 * Feeds the broker's replication metrics (src/metrics/replication-stats.ts) from cluster mode:
 * under-replicated partitions (led here, ISR smaller than the replica set), offline partitions (no
 * leader; reported by the controller only, as Kafka's OfflinePartitionsCount), and ISR changes this
 * broker wrote as a leader.
 */
import type { ReplicationStats } from '../metrics/replication-stats.js';
import type { IsrWriter, PartitionState } from './contract.js';
import type { ClusterMetadata } from './metadata.js';

export function watchReplicationHealth(stats: ReplicationStats, metadata: ClusterMetadata, localNodeId: number): void {
  const states = () => [...metadata.topics.keys()].flatMap((topic) => metadata.partitionStates(topic));
  stats.underReplicatedPartitions = () => states().filter((s) => s.leader === localNodeId && s.isr.length < s.replicas.length).length;
  stats.offlinePartitions = () => (metadata.controllerId === localNodeId ? states().filter((s) => s.leader < 0).length : 0);
}

/** An IsrWriter that counts the shrinks and expansions it gets written. */
export function countingIsrWriter(writer: IsrWriter, stats: ReplicationStats): IsrWriter {
  return {
    async alterIsr(current: PartitionState, isr: number[]): Promise<PartitionState> {
      const next = await writer.alterIsr(current, isr);
      if (next.partitionEpoch !== current.partitionEpoch && next.leaderEpoch === current.leaderEpoch) {
        if (next.isr.length < current.isr.length) stats.isrShrunk();
        else if (next.isr.length > current.isr.length) stats.isrExpanded();
      }
      return next;
    },
  };
}
