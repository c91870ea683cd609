/**
 * AddOffsetsToTxn v0-v4: puts the group's __consumer_offsets partition into the transaction,
 * so the transaction's markers reach the offsets committed with TxnOffsetCommit.
 */
import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { offsetsPartitionFor, OFFSETS_TOPIC_NAME } from '../../txn/group-offsets.js';
import { fencedErrorForVersion } from '../../txn/fenced-error.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 25,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx: RequestContext, request: AddOffsetsToTxnRequest): Promise<AddOffsetsToTxnResponse> {
    const services = ctx.broker.txn;
    if (!allowed(ctx, Op.WRITE, Resource.TRANSACTIONAL_ID, request.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!allowed(ctx, Op.READ, Resource.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    try {
      await services.start();
      const partition = await offsetsPartitionFor(ctx.broker, request.groupId);
      const errorCode = await services.coordinator.addPartitions(request.transactionalId, request.producerId, request.producerEpoch, [
        { topic: OFFSETS_TOPIC_NAME, partition },
      ]);
      return { throttleTimeMs: 0, errorCode: fencedErrorForVersion(errorCode, ctx.apiVersion, 2) };
    } catch (err) {
      ctx.broker.logger.warn({ err: String(err) }, 'AddOffsetsToTxn failed');
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    }
  },
};
