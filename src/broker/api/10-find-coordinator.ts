/**
 * FindCoordinator v0-v4 (batched keys from v4). This single broker coordinates every group
 * (key type 0) and every transactional id (key type 1). For groups, __consumer_offsets is
 * created on first use, as Kafka does; if that fails the answer is COORDINATOR_NOT_AVAILABLE.
 * In cluster mode the coordinator is the leader of the key's partition of __consumer_offsets
 * (groups) or __transaction_state (transactional ids), as etcd records it.
 */
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { allowed, Op, Resource } from '../../security/authorize.js';
import { partitionForGroup } from '../../group/coordinator-partition.js';

type Coordinator = NonNullable<FindCoordinatorResponse['coordinators']>[number];

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

export const handler: ApiHandler = {
  apiKey: 10,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx: RequestContext, request: FindCoordinatorRequest): Promise<FindCoordinatorResponse> {
    const keyType = ctx.apiVersion >= 1 ? (request.keyType ?? GROUP_KEY_TYPE) : GROUP_KEY_TYPE;
    const keys = ctx.apiVersion >= 4 ? (request.coordinatorKeys ?? []) : [request.key ?? ''];
    const errorCode = await coordinatorError(ctx, keyType);
    const coordinators = keys.map((key) => {
      const error = errorCode === ErrorCode.NONE ? keyAccessError(ctx, keyType, key) : errorCode;
      return ctx.broker.cluster && error === ErrorCode.NONE ? clusterCoordinator(ctx, key, keyType) : coordinator(ctx, key, error);
    });
    if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, coordinators };
    const only = coordinators[0]!;
    return { throttleTimeMs: 0, errorCode: only.errorCode, errorMessage: only.errorMessage, nodeId: only.nodeId, host: only.host, port: only.port };
  },
};

async function coordinatorError(ctx: RequestContext, keyType: number): Promise<number> {
  if (keyType === TRANSACTION_KEY_TYPE && !ctx.broker.cluster) return ErrorCode.NONE;
  if (keyType !== GROUP_KEY_TYPE && keyType !== TRANSACTION_KEY_TYPE) return ErrorCode.INVALID_REQUEST;
  try {
    if (keyType === GROUP_KEY_TYPE) await ctx.broker.groups.ensureOffsetsTopic();
    else await ctx.broker.txn.stateLog.ensureTopic();
    return ErrorCode.NONE;
  } catch (err) {
    ctx.broker.logger.warn({ err: String(err) }, 'cannot create the group coordinator topic');
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }
}

/** DESCRIBE on the group or transactional id the key names. */
function keyAccessError(ctx: RequestContext, keyType: number, key: string): number {
  if (keyType === TRANSACTION_KEY_TYPE) {
    return allowed(ctx, Op.DESCRIBE, Resource.TRANSACTIONAL_ID, key) ? ErrorCode.NONE : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
  }
  return allowed(ctx, Op.DESCRIBE, Resource.GROUP, key) ? ErrorCode.NONE : ErrorCode.GROUP_AUTHORIZATION_FAILED;
}

function coordinator(ctx: RequestContext, key: string, errorCode: number): Coordinator {
  if (errorCode !== ErrorCode.NONE) {
    const message = errorCode === ErrorCode.INVALID_REQUEST ? 'Unknown coordinator key type' : errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE ? 'The coordinator is not available.' : null;
    return { key, nodeId: -1, host: '', port: -1, errorCode, errorMessage: message };
  }
  const { host, port } = ctx.broker.advertisedFor(ctx.listenerName);
  return { key, nodeId: ctx.broker.nodeId, host, port, errorCode, errorMessage: null };
}

/** Cluster mode: the leader of the key's partition of the coordinator topic, if it has one. */
function clusterCoordinator(ctx: RequestContext, key: string, keyType: number): Coordinator {
  const metadata = ctx.broker.cluster!.metadata;
  const topic = keyType === GROUP_KEY_TYPE ? '__consumer_offsets' : '__transaction_state';
  const count = metadata.topics.get(topic)?.topic.partitionCount ?? 0;
  const leader = count > 0 ? metadata.partition(topic, partitionForGroup(key, count))?.state.leader : undefined;
  const endpoint = leader === undefined ? undefined : metadata.brokers.get(leader);
  if (!endpoint) return coordinator(ctx, key, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  return { key, nodeId: endpoint.nodeId, host: endpoint.host, port: endpoint.port, errorCode: ErrorCode.NONE, errorMessage: null };
}
