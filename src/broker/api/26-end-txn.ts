/**
 * EndTxn v0-v4: commit or abort. The coordinator writes PrepareCommit/PrepareAbort, the markers
 * to every partition of the transaction, then CompleteCommit/CompleteAbort, and answers after
 * all of it (v5, the KIP-890 epoch bump per transaction, is not offered).
 */
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { fencedErrorForVersion } from '../../txn/fenced-error.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 26,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx: RequestContext, request: EndTxnRequest): Promise<EndTxnResponse> {
    const services = ctx.broker.txn;
    if (!allowed(ctx, Op.WRITE, Resource.TRANSACTIONAL_ID, request.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    try {
      await services.start();
      const errorCode = await services.coordinator.endTxn(request.transactionalId, request.producerId, request.producerEpoch, request.committed);
      return { throttleTimeMs: 0, errorCode: fencedErrorForVersion(errorCode, ctx.apiVersion, 2) };
    } catch (err) {
      ctx.broker.logger.warn({ err: String(err) }, 'EndTxn failed');
      return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    }
  },
};
