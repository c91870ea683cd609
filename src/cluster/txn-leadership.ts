/**
 * Cluster mode for the transaction coordinator (src/txn):
 * - it answers for a transactional id only while this broker leads the id's __transaction_state
 *   partition and has replayed the log since (another leader may have written meanwhile); other
 *   ids get NOT_COORDINATOR and clients ask FindCoordinator again;
 * - markers for partitions led elsewhere go to their leader with WriteTxnMarkers (Kafka's
 *   TransactionMarkerChannelManager); a failure leaves the transaction in Prepare*, and the
 *   coordinator's timeout pass retries it.
 */
import { Connection } from '../client/connection.js';
import type { ApiDef } from '../client/apis.js';
import * as g from '../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { partitionForGroup } from '../group/coordinator-partition.js';
import type { Logger } from '../log/logger.js';
import type { Marker } from '../txn/markers.js';
import type { PartitionState } from './contract.js';
import type { ClusterNode } from './cluster-node.js';

const TXN_TOPIC = '__transaction_state';
const WRITE_TXN_MARKERS_VERSION = 1;
const REQUEST_TIMEOUT_MS = 10_000;

const writeTxnMarkers: ApiDef<g.WriteTxnMarkersRequest, g.WriteTxnMarkersResponse> = {
  key: 27,
  name: 'WriteTxnMarkers',
  minVersion: 0,
  maxVersion: 1,
  encode: g.encodeWriteTxnMarkersRequest,
  decode: g.decodeWriteTxnMarkersResponse,
};

export class TxnLeadership {
  /** __transaction_state partitions led and replayed here, with the leader epoch of the replay. */
  private readonly loaded = new Map<number, number>();
  private readonly connections = new Map<number, Promise<Connection>>();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly cluster: ClusterNode,
    private readonly logger: Logger,
    /** Replays __transaction_state into the coordinator (after a leadership gain). */
    private readonly reload: () => Promise<void>,
  ) {
    cluster.onPartitionState((state) => this.onState(state));
  }

  ownsTransactionalId(transactionalId: string): boolean {
    const count = this.cluster.metadata.topics.get(TXN_TOPIC)?.topic.partitionCount ?? 0;
    if (count === 0) return false;
    const partition = partitionForGroup(transactionalId, count);
    const state = this.cluster.metadata.partition(TXN_TOPIC, partition)?.state;
    return state !== undefined && state.leader === this.cluster.localNodeId && this.loaded.get(partition) === state.leaderEpoch;
  }

  /** Writes a marker locally when this broker leads the partition, else through its leader. */
  async writeMarker(tp: { topic: string; partition: number }, marker: Marker, local: () => Promise<void>): Promise<void> {
    const leader = this.cluster.leaderOf(tp.topic, tp.partition);
    if (leader === this.cluster.localNodeId) return local();
    if (leader === -1) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${tp.topic}-${tp.partition} has no leader`);
    const conn = await this.connection(leader);
    const response = await conn.sendVersion(writeTxnMarkers, {
      markers: [{
        producerId: marker.producerId,
        producerEpoch: marker.producerEpoch,
        transactionResult: marker.commit,
        coordinatorEpoch: marker.coordinatorEpoch,
        topics: [{ name: tp.topic, partitionIndexes: [tp.partition] }],
      }],
    }, WRITE_TXN_MARKERS_VERSION);
    const code = response.markers[0]?.topics[0]?.partitions[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    // A stale marker (the partition already has a newer producer epoch) is done, as Kafka treats it.
    if (code !== ErrorCode.NONE && code !== ErrorCode.INVALID_PRODUCER_EPOCH) throw new KafkaError(code, `WriteTxnMarkers to broker ${leader} for ${tp.topic}-${tp.partition} failed`);
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = [...this.connections.values()];
    this.connections.clear();
    for (const c of opening) (await c.catch(() => null))?.close();
  }

  private onState(state: PartitionState): void {
    if (state.topic !== TXN_TOPIC) return;
    if (state.leader !== this.cluster.localNodeId) {
      this.loaded.delete(state.partition);
      return;
    }
    if (this.loaded.get(state.partition) === state.leaderEpoch) return;
    this.chain = this.chain.then(async () => {
      try {
        await this.reload();
        this.loaded.set(state.partition, state.leaderEpoch);
        this.logger.info({ partition: state.partition, leaderEpoch: state.leaderEpoch }, 'coordinating the transactions of this __transaction_state partition');
      } catch (err) {
        this.logger.error({ err: String(err), partition: state.partition }, 'loading __transaction_state failed');
      }
    });
  }

  private connection(nodeId: number): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('closed'));
    const existing = this.connections.get(nodeId);
    if (existing) {
      return existing.then((c) => {
        if (c.isOpen) return c;
        this.connections.delete(nodeId);
        return this.connection(nodeId);
      });
    }
    const endpoint = this.cluster.endpoint(nodeId);
    if (!endpoint) return Promise.reject(new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not registered`));
    const opening = Connection.open({
      host: endpoint.host,
      port: endpoint.port,
      clientId: `brook-txn-markers-${this.cluster.localNodeId}`,
      connectTimeoutMs: REQUEST_TIMEOUT_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    this.connections.set(nodeId, opening);
    opening.catch(() => {
      if (this.connections.get(nodeId) === opening) this.connections.delete(nodeId);
    });
    return opening;
  }
}
