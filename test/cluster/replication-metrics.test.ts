/** Cluster mode feeds the replication metrics: under-replicated and offline partitions, ISR shrinks and expansions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationStats } from '../../src/metrics/replication-stats.js';
import { countingIsrWriter, watchReplicationHealth } from '../../src/cluster/replication-metrics.js';
import type { PartitionState } from '../../src/cluster/contract.js';
import type { ClusterMetadata } from '../../src/cluster/metadata.js';

const state = (partition: number, leader: number, isr: number[], epochs = { leaderEpoch: 1, partitionEpoch: 1 }): PartitionState => ({
  topic: 't', partition, topicId: 'id', replicas: [1, 2, 3], leader, isr, ...epochs,
});

test('under-replicated counts partitions led here with a short ISR; offline is reported by the controller only', () => {
  const states = [state(0, 1, [1, 2, 3]), state(1, 1, [1, 2]), state(2, 2, [2]), state(3, -1, [3])];
  const metadata = { topics: new Map([['t', {}]]), partitionStates: () => states, controllerId: 1 } as unknown as ClusterMetadata;
  const stats = new ReplicationStats();
  watchReplicationHealth(stats, metadata, 1);
  assert.equal(stats.underReplicatedPartitions(), 1);
  assert.equal(stats.offlinePartitions(), 1);
  (metadata as { controllerId: number }).controllerId = 2;
  assert.equal(stats.offlinePartitions(), 0);
});

test('ISR changes written as leader count as shrinks and expansions; stale proposals count nothing', async () => {
  const stats = new ReplicationStats();
  let answer: PartitionState = state(0, 1, [1, 2], { leaderEpoch: 1, partitionEpoch: 2 });
  const writer = countingIsrWriter({ alterIsr: async () => answer }, stats);
  await writer.alterIsr(state(0, 1, [1, 2, 3]), [1, 2]);
  assert.deepEqual([stats.isrShrinks, stats.isrExpands], [1, 0]);
  answer = state(0, 1, [1, 2, 3], { leaderEpoch: 1, partitionEpoch: 3 });
  await writer.alterIsr(state(0, 1, [1, 2], { leaderEpoch: 1, partitionEpoch: 2 }), [1, 2, 3]);
  assert.deepEqual([stats.isrShrinks, stats.isrExpands], [1, 1]);
  answer = state(0, 2, [2], { leaderEpoch: 2, partitionEpoch: 4 }); // a new leader meanwhile: not ours
  await writer.alterIsr(state(0, 1, [1, 2, 3], { leaderEpoch: 1, partitionEpoch: 3 }), [1, 2]);
  assert.deepEqual([stats.isrShrinks, stats.isrExpands], [1, 1]);
});
