/**
 * ListTransactions v0-v1: transactional ids, filtered by state name, producer id and (v1) by
 * having run at least `durationFilter` ms (kafka-transactions.sh list / find-hanging).
 */
import type { ListTransactionsRequest, ListTransactionsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { TXN_STATE_IDS, type TxnState } from '../../txn/coordinator.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 66,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx: RequestContext, request: ListTransactionsRequest): Promise<ListTransactionsResponse> {
    const services = ctx.broker.txn;
    await services.start();
    const known = new Set(Object.keys(TXN_STATE_IDS));
    const unknownStateFilters = request.stateFilters.filter((s) => !known.has(s));
    const states = new Set(request.stateFilters.filter((s) => known.has(s)) as TxnState[]);
    const producerIds = new Set(request.producerIdFilters.map(Number));
    const durationMs = request.durationFilter ?? -1;
    const now = ctx.broker.clock();
    const transactionStates = services.coordinator
      .list()
      .filter((m) => request.stateFilters.length === 0 || states.has(m.state))
      .filter((m) => producerIds.size === 0 || producerIds.has(m.producerId))
      .filter((m) => allowed(ctx, Op.DESCRIBE, Resource.TRANSACTIONAL_ID, m.transactionalId))
      .filter((m) => durationMs < 0 || (m.startTimestampMs >= 0 && now - m.startTimestampMs >= durationMs))
      .map((m) => ({ transactionalId: m.transactionalId, producerId: m.producerId, transactionState: m.state }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
  },
};
