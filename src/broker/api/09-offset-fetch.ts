/**
 * OffsetFetch v0-v9: committed offsets (-1 where none). v2+ a null topic list means every
 * committed offset of the group and errors are top-level; v0-v1 put them on each partition.
 * v8+ fetch several groups in one request. v7+ requireStable: partitions with offsets of an
 * undecided transaction answer UNSTABLE_OFFSET_COMMIT (the client retries).
 */
import type { OffsetFetchRequest, OffsetFetchResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { FetchResult } from '../../group/offset-manager.js';
import { allowed, deniedTopics, Op, Resource } from '../../security/authorize.js';

type TopicRequest = { name: string; partitionIndexes: number[] };

export const handler: ApiHandler = {
  apiKey: 9,
  minVersion: 0,
  maxVersion: 9,
  handle(ctx: RequestContext, request: OffsetFetchRequest): OffsetFetchResponse {
    if (ctx.apiVersion >= 8) {
      const groups = (request.groups ?? []).map((g) => {
        const result = authorizedFetch(ctx, g.groupId, g.topics ?? null, request.requireStable ?? false);
        return { groupId: g.groupId, errorCode: result.errorCode, topics: result.topics };
      });
      return { throttleTimeMs: 0, groups };
    }
    const topics: TopicRequest[] | null = request.topics ?? (ctx.apiVersion >= 2 ? null : []);
    const result = authorizedFetch(ctx, request.groupId ?? '', topics, request.requireStable ?? false);
    if (ctx.apiVersion >= 2) return { throttleTimeMs: 0, errorCode: result.errorCode, topics: result.topics };
    return { throttleTimeMs: 0, topics: withPartitionErrors(result, topics ?? []) };
  },
};

/**
 * DESCRIBE on the group, else GROUP_AUTHORIZATION_FAILED; topics without DESCRIBE are
 * TOPIC_AUTHORIZATION_FAILED when asked for by name and left out of an all-topics answer.
 */
function authorizedFetch(ctx: RequestContext, groupId: string, topics: TopicRequest[] | null, requireStable: boolean): FetchResult {
  if (!allowed(ctx, Op.DESCRIBE, Resource.GROUP, groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
  const result = ctx.broker.groups.coordinator.fetchOffsets(groupId, topics, requireStable);
  const denied = deniedTopics(ctx, Op.DESCRIBE, result.topics.map((t) => t.name));
  if (denied.size === 0) return result;
  const kept = result.topics.filter((t) => !denied.has(t.name) || topics !== null);
  return {
    errorCode: result.errorCode,
    topics: kept.map((t) =>
      denied.has(t.name)
        ? { name: t.name, partitions: t.partitions.map((p) => ({ ...p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })) }
        : t,
    ),
  };
}

/** v0-v1 have no top-level error: a group error goes on every requested partition. */
function withPartitionErrors(result: FetchResult, requested: TopicRequest[]): FetchResult['topics'] {
  if (result.errorCode === ErrorCode.NONE) return result.topics;
  return requested.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode: result.errorCode,
    })),
  }));
}
