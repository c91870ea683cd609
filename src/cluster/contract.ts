/**
 * The seam between cluster coordination (etcd: brokers, controller, partition state) and data
 * replication (followers fetching from leaders, ISR, high watermark, leader epochs).
 *
 * Owners:
 * - The controller (src/cluster/controller.ts) owns leader elections: it alone changes a partition's
 *   leader and leader epoch, always with a compare-and-swap on the partition's etcd key.
 * - A partition's leader owns its ISR: it proposes shrink/expand through `IsrWriter`, which writes
 *   with compare-and-swap on `partitionEpoch` (Kafka's AlterPartition semantics).
 * - The ReplicaManager (src/cluster/replication/) owns each local replica's role (leader/follower),
 *   the follower fetchers and the leader's view of its followers.
 */

/** What etcd holds for one partition (Kafka's PartitionRecord / LeaderAndIsr). */
export interface PartitionState {
  topic: string;
  partition: number;
  topicId: string;
  /** Assigned replicas, preferred leader first. */
  replicas: number[];
  /** -1 when no replica can lead (all ISR members offline, unclean election off). */
  leader: number;
  /** Bumped by the controller on every leader change. */
  leaderEpoch: number;
  isr: number[];
  /** Bumped on every change of this record (leader or ISR): the CAS token for ISR writes. */
  partitionEpoch: number;
  /**
   * A reassignment in progress (AlterPartitionReassignments): replicas being added (following, not
   * yet all in the ISR) and being removed. `replicas` is then the full set, target first.
   */
  addingReplicas?: number[];
  removingReplicas?: number[];
}

/** A live broker as registered in etcd. */
export interface BrokerEndpoint {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Implemented by coordination; called by a leader to change its partition's ISR. */
export interface IsrWriter {
  /**
   * Proposes `isr` for a partition this broker leads at `leaderEpoch`, based on the state with
   * `partitionEpoch`. Resolves with the new state when written, or with the current state when
   * the proposal was stale (leader epoch or partition epoch moved on): the caller adopts it.
   */
  alterIsr(current: PartitionState, isr: number[]): Promise<PartitionState>;
}

/** Implemented by coordination; where to reach another broker. */
export interface BrokerDirectory {
  endpoint(nodeId: number): BrokerEndpoint | undefined;
  readonly localNodeId: number;
}

/** Implemented by replication; driven by coordination when etcd's partition state changes. */
export interface ReplicaRoleSink {
  /**
   * Applies the latest state of a partition that has a replica on this broker: becomes leader
   * (leader === localNodeId), follower (truncating as Kafka does, then fetching), or stops
   * replicating (not in replicas any more). Idempotent for a state already applied.
   */
  applyPartitionState(state: PartitionState): Promise<void>;
  /** Stops every fetcher and timer (broker shutdown). */
  close(): Promise<void>;
}
