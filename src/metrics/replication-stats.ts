/**
 * Replication health as Kafka reports it: under-replicated and offline partitions (gauges) and
 * ISR shrinks/expands (counters). A single node leads every partition with itself as the only
 * replica, so all read 0; in cluster mode src/cluster/replication-metrics.ts sets the gauges and
 * counts the ISR changes. `broker.metrics.replication` is the instance the endpoint reads.
 */
export class ReplicationStats {
  /** Partitions led here with fewer in-sync replicas than replicas (Kafka: UnderReplicatedPartitions). */
  underReplicatedPartitions: () => number = () => 0;
  /** Partitions without a live leader, as the controller sees them (Kafka: OfflinePartitionsCount). */
  offlinePartitions: () => number = () => 0;
  isrShrinks = 0;
  isrExpands = 0;

  isrShrunk(): void {
    this.isrShrinks++;
  }

  isrExpanded(): void {
    this.isrExpands++;
  }
}
