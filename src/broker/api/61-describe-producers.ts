/**
 * DescribeProducers v0: the active producers of each partition (kafka-transactions.sh
 * describe-producers), from the partition's producer state: epoch, last sequence, last write
 * time and the first offset of an open transaction.
 */
import type { DescribeProducersRequest, DescribeProducersResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

type PartitionResponse = DescribeProducersResponse['topics'][number]['partitions'][number];

export const handler: ApiHandler = {
  apiKey: 61,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx: RequestContext, request: DescribeProducersRequest): Promise<DescribeProducersResponse> {
    const states = ctx.broker.txn.partitionStates;
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitionIndexes.map(async (index): Promise<PartitionResponse> => {
            if (!allowed(ctx, Op.READ, Resource.TOPIC, t.name)) return { partitionIndex: index, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, activeProducers: [] };
            const partition = ctx.broker.topics.get(t.name)?.partitions[index];
            if (!partition) return { partitionIndex: index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
            const state = await states.for(partition).ready();
            const activeProducers = [...state.producers.values()].map((e) => ({
              producerId: e.producerId,
              producerEpoch: e.producerEpoch,
              lastSequence: e.batches.at(-1)?.lastSeq ?? -1,
              lastTimestamp: e.lastTimestampMs,
              coordinatorEpoch: e.coordinatorEpoch,
              currentTxnStartOffset: e.currentTxnFirstOffset,
            }));
            return { partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
};
