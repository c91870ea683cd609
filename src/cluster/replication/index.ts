/**
 * Replication for cluster mode (see ../README.md): createReplicaManager is what broker startup
 * passes as `replication` when it runs with etcd.
 */
import { countingIsrWriter, watchReplicationHealth } from '../replication-metrics.js';
import type { ClusterMetadata } from '../metadata.js';
import type { Broker } from '../../broker/broker.js';
import type { BrokerDirectory, IsrWriter, PartitionState } from '../contract.js';
import { NetworkReplicaTransport } from './network-transport.js';
import { ReplicaManager } from './replica-manager.js';
import type { ReplicationSettings } from './settings.js';

export { ReplicaManager } from './replica-manager.js';
export { NetworkReplicaTransport } from './network-transport.js';
export { defaultReplicationSettings, type ReplicationSettings } from './settings.js';
export type { ReplicaTransport } from './transport.js';

/**
 * The broker's ReplicaManager: fetches over the network from the brokers `cluster` knows, writes
 * ISR changes through it, opens local replicas from the broker's topic registry (coordination
 * creates the local topic before applying its partition states), and drops a partition's
 * producer state whenever replication changed its log.
 */
export function createReplicaManager(broker: Broker, cluster: IsrWriter & BrokerDirectory & { metadata?: ClusterMetadata }, settings: Partial<ReplicationSettings> = {}): ReplicaManager {
  if (cluster.metadata) watchReplicationHealth(broker.metrics.replication, cluster.metadata, cluster.localNodeId);
  return new ReplicaManager({
    localId: cluster.localNodeId,
    isrWriter: countingIsrWriter(cluster, broker.metrics.replication),
    transport: new NetworkReplicaTransport({ directory: cluster }),
    openReplica: async (state: PartitionState) => {
      const partition = broker.topics.get(state.topic)?.partitions[state.partition];
      if (!partition) throw new Error(`no local replica of ${state.topic}-${state.partition}: the topic must exist locally first`);
      return partition;
    },
    onLogReset: (replica, validBelowOffset) => broker.txn.partitionStates.for(replica).invalidate(validBelowOffset),
    settings,
    logger: broker.logger,
  });
}
