/**
 * Cluster mode for the transaction coordinator (src/txn):
 * - it answers for a transactional id only while this broker leads the id's __transaction_state
 *   partition and has replayed the log since (another leader may have written meanwhile); other
 *   ids get NOT_COORDINATOR and clients ask FindCoordinator again;
 * - markers for partitions led elsewhere go to their leader with WriteTxnMarkers (Kafka's
 *   TransactionMarkerChannelManager); a failure leaves the transaction in Prepare*, and the
 *   coordinator's timeout pass retries it.
 */
import type { ApiDef } from '../client/apis.js';
import * as g from '../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { Logger } from '../log/logger.js';
import type { Marker } from '../txn/markers.js';
import { BrokerConnections } from './broker-connections.js';
import { CoordinatorPartitions } from './coordinator-partitions.js';
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
  private readonly partitions: CoordinatorPartitions;
  private readonly connections: BrokerConnections;

  constructor(
    private readonly cluster: ClusterNode,
    logger: Logger,
    /** Replays __transaction_state into the coordinator (after a leadership gain). */
    reload: () => Promise<void>,
  ) {
    this.partitions = new CoordinatorPartitions(cluster, TXN_TOPIC, () => reload(), logger);
    this.connections = new BrokerConnections(cluster, { clientId: `brook-txn-markers-${cluster.localNodeId}`, connectTimeoutMs: REQUEST_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  }

  ownsTransactionalId(transactionalId: string): boolean {
    return this.partitions.owns(transactionalId);
  }

  /** Writes a marker locally when this broker leads the partition, else through its leader. */
  async writeMarker(tp: { topic: string; partition: number }, marker: Marker, local: () => Promise<void>): Promise<void> {
    const leader = this.cluster.leaderOf(tp.topic, tp.partition);
    if (leader === this.cluster.localNodeId) return local();
    if (leader === -1) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${tp.topic}-${tp.partition} has no leader`);
    const conn = await this.connections.get(leader);
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
    await this.connections.close();
  }
}
