/** DescribeTransactions v0: the coordinator's view of transactional ids (kafka-transactions.sh describe). */
import type { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 65,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx: RequestContext, request: DescribeTransactionsRequest): Promise<DescribeTransactionsResponse> {
    const services = ctx.broker.txn;
    await services.start();
    const transactionStates = request.transactionalIds.map((transactionalId) => {
      const denied = !allowed(ctx, Op.DESCRIBE, Resource.TRANSACTIONAL_ID, transactionalId);
      const meta = denied ? undefined : services.coordinator.describe(transactionalId);
      if (!meta) {
        const errorCode = denied ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND;
        return { errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
      }
      return {
        errorCode: ErrorCode.NONE,
        transactionalId,
        transactionState: meta.state,
        transactionTimeoutMs: meta.timeoutMs,
        transactionStartTimeMs: meta.startTimestampMs,
        producerId: meta.producerId,
        producerEpoch: meta.producerEpoch,
        topics: [...meta.partitions].map(([topic, set]) => ({ topic, partitions: [...set].sort((a, b) => a - b) })),
      };
    });
    return { throttleTimeMs: 0, transactionStates };
  },
};
