/**
 * WriteTxnMarkers v0-v1. Brook's coordinator writes its markers in-process; this API serves
 * `kafka-transactions.sh abort`, which ends a hanging transaction in a partition by writing an
 * ABORT (or COMMIT) marker for a producer directly. A marker older than the partition's epoch for
 * that producer is refused with INVALID_PRODUCER_EPOCH, as Kafka's appendEndTxnMarker does. In
 * cluster mode coordinators send it to partition leaders; a non-leader answers NOT_LEADER_OR_FOLLOWER.
 */
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { allowedOnCluster, Op } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 27,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx: RequestContext, request: WriteTxnMarkersRequest): Promise<WriteTxnMarkersResponse> {
    const clusterOk = allowedOnCluster(ctx, Op.CLUSTER_ACTION);
    const markers = await Promise.all(
      request.markers.map(async (m) => ({
        producerId: m.producerId,
        topics: await Promise.all(
          m.topics.map(async (t) => ({
            name: t.name,
            partitions: await Promise.all(
              t.partitionIndexes.map(async (partitionIndex) => {
                if (!clusterOk) return { partitionIndex, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED };
                const partition = ctx.broker.topics.get(t.name)?.partitions[partitionIndex];
                if (!partition) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
                try {
                  const marker = { producerId: m.producerId, producerEpoch: m.producerEpoch, commit: m.transactionResult, coordinatorEpoch: m.coordinatorEpoch };
                  const written = await ctx.broker.txn.writeMarker(partition, marker);
                  return { partitionIndex, errorCode: written ? ErrorCode.NONE : ErrorCode.INVALID_PRODUCER_EPOCH };
                } catch (err) {
                  ctx.broker.logger.warn({ topic: t.name, partition: partitionIndex, err: String(err) }, 'writing a transaction marker failed');
                  return { partitionIndex, errorCode: err instanceof KafkaError ? err.code : ErrorCode.KAFKA_STORAGE_ERROR };
                }
              }),
            ),
          })),
        ),
      })),
    );
    return { markers };
  },
};
