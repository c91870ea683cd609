/**
 * Which partitions of a coordinator topic (__consumer_offsets for groups, __transaction_state for
 * transactions) this broker coordinates: those it leads and has replayed since it became their
 * leader (another leader may have written in between). A key (group or transactional id) belongs
 * to the partition Kafka hashes it to; replays run one at a time, in the order leadership arrived.
 */
import { partitionForGroup } from '../group/coordinator-partition.js';
import type { Logger } from '../log/logger.js';
import type { PartitionState } from './contract.js';
import type { ClusterNode } from './cluster-node.js';

export class CoordinatorPartitions {
  /** Partitions led and replayed here, with the leader epoch of the replay. */
  private readonly loaded = new Map<number, number>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: ClusterNode,
    private readonly topic: string,
    /** Replays one partition into the coordinator. */
    private readonly replay: (partition: number) => Promise<void>,
    private readonly logger: Logger,
  ) {
    cluster.onPartitionState((state) => this.onState(state));
  }

  /** Whether this broker coordinates `key` now. */
  owns(key: string): boolean {
    const count = this.cluster.metadata.topics.get(this.topic)?.topic.partitionCount ?? 0;
    if (count === 0) return false;
    const partition = partitionForGroup(key, count);
    const state = this.cluster.metadata.partition(this.topic, partition)?.state;
    return state !== undefined && state.leader === this.cluster.localNodeId && this.loaded.get(partition) === state.leaderEpoch;
  }

  private onState(state: PartitionState): void {
    if (state.topic !== this.topic) return;
    if (state.leader !== this.cluster.localNodeId) {
      this.loaded.delete(state.partition);
      return;
    }
    if (this.loaded.get(state.partition) === state.leaderEpoch) return;
    this.chain = this.chain.then(async () => {
      try {
        await this.replay(state.partition);
        this.loaded.set(state.partition, state.leaderEpoch);
        this.logger.info({ topic: this.topic, partition: state.partition, leaderEpoch: state.leaderEpoch }, 'coordinating this partition');
      } catch (err) {
        this.logger.error({ err: String(err), topic: this.topic, partition: state.partition }, 'loading a coordinator partition failed');
      }
    });
  }
}
