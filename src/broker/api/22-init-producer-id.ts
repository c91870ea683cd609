/**
 * InitProducerId v0-v5. Without a transactional id: a fresh producer id with epoch 0 (an
 * idempotent producer). With one: the transaction coordinator bumps the epoch (fencing older
 * instances, aborting their open transaction) or, with v3+'s producerId/epoch, recovers a
 * producer after an error (KIP-360).
 */
import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import { fencedErrorForVersion } from '../../txn/fenced-error.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowed, mayWriteIdempotently, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 22,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx: RequestContext, request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    const services = ctx.broker.txn;
    const txnId = request.transactionalId;
    const denied =
      txnId !== null
        ? allowed(ctx, Op.WRITE, Resource.TRANSACTIONAL_ID, txnId) ? null : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : mayWriteIdempotently(ctx) ? null : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
    if (denied !== null) return { throttleTimeMs: 0, errorCode: denied, producerId: -1, producerEpoch: -1 };
    try {
      if (request.transactionalId !== null) await services.start();
      const result = await services.coordinator.initProducerId(request.transactionalId, request.transactionTimeoutMs, request.producerId ?? -1, request.producerEpoch ?? -1);
      return { throttleTimeMs: 0, ...result, errorCode: fencedErrorForVersion(result.errorCode, ctx.apiVersion, 4) };
    } catch (err) {
      ctx.broker.logger.warn({ err: String(err) }, 'InitProducerId failed');
      const errorCode = err instanceof KafkaError ? err.code : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 };
    }
  },
};
