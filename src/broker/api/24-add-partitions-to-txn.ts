/**
 * AddPartitionsToTxn v0-v5. v0-v3: one transaction, from a producer. v4+: the batched form
 * (brokers verifying transactions, KIP-890), where each transaction may be `verifyOnly`: answer
 * which partitions are already in it without adding any.
 * A partition that does not exist fails with UNKNOWN_TOPIC_OR_PARTITION and nothing is added:
 * the others get OPERATION_NOT_ATTEMPTED, as in Kafka.
 */
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { TopicPartition } from '../../txn/coordinator.js';
import { fencedErrorForVersion } from '../../txn/fenced-error.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowed, allowedOnCluster, deniedTopics, Op, Resource } from '../../security/authorize.js';

type Topics = NonNullable<AddPartitionsToTxnRequest['v3AndBelowTopics']>;
type TopicResult = NonNullable<AddPartitionsToTxnResponse['resultsByTopicV3AndBelow']>[number];

interface TxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: Topics;
}

export const handler: ApiHandler = {
  apiKey: 24,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx: RequestContext, request: AddPartitionsToTxnRequest): Promise<AddPartitionsToTxnResponse> {
    if (ctx.apiVersion <= 3) {
      const results = await addToOne(ctx, {
        transactionalId: request.v3AndBelowTransactionalId ?? '',
        producerId: request.v3AndBelowProducerId ?? -1,
        producerEpoch: request.v3AndBelowProducerEpoch ?? -1,
        verifyOnly: false,
        topics: request.v3AndBelowTopics ?? [],
      });
      for (const t of results) for (const p of t.resultsByPartition) p.partitionErrorCode = fencedErrorForVersion(p.partitionErrorCode, ctx.apiVersion, 2);
      return { throttleTimeMs: 0, resultsByTopicV3AndBelow: results };
    }
    // The batched form is broker-to-broker (KIP-890): CLUSTER_ACTION on the cluster.
    if (!allowedOnCluster(ctx, Op.CLUSTER_ACTION)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [] };
    const resultsByTransaction = await Promise.all(
      (request.transactions ?? []).map(async (t) => ({
        transactionalId: t.transactionalId,
        topicResults: await addToOne(ctx, { ...t, verifyOnly: t.verifyOnly ?? false }),
      })),
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
  },
};

async function addToOne(ctx: RequestContext, txn: TxnRequest): Promise<TopicResult[]> {
  const broker = ctx.broker;
  const services = broker.txn;
  const partitions: TopicPartition[] = txn.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const unknown = (tp: TopicPartition) => !broker.topics.get(tp.topic)?.partitions[tp.partition];
  let codes: number[];
  // Producers need WRITE on the transactional id and on each topic; nothing is added otherwise.
  const txnDenied = !allowed(ctx, Op.WRITE, Resource.TRANSACTIONAL_ID, txn.transactionalId);
  const denied = deniedTopics(ctx, Op.WRITE, txn.topics.map((t) => t.name));
  if (txnDenied) {
    codes = partitions.map(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  } else if (denied.size > 0) {
    codes = partitions.map((tp) => (denied.has(tp.topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED));
  } else if (partitions.some(unknown)) {
    codes = partitions.map((tp) => (unknown(tp) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
  } else {
    await services.start();
    if (txn.verifyOnly) {
      codes = services.coordinator.verifyPartitions(txn.transactionalId, txn.producerId, txn.producerEpoch, partitions);
    } else {
      const code = await services.coordinator.addPartitions(txn.transactionalId, txn.producerId, txn.producerEpoch, partitions);
      codes = partitions.map(() => code);
    }
  }
  let i = 0;
  return txn.topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: codes[i++]! })),
  }));
}
