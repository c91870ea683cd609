/**
 * OffsetCommit v0-v9. Answered once the offsets are durable in __consumer_offsets. Commits to
 * partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION, as in Kafka. v1 may carry a
 * commit timestamp and v2-v4 a retention time (the old per-commit expiry); v9 answers
 * GROUP_ID_NOT_FOUND for a generation-bearing commit to a group that does not exist.
 */
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { allowed, deniedTopics, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 8,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx: RequestContext, request: OffsetCommitRequest): Promise<OffsetCommitResponse> {
    const v = ctx.apiVersion;
    const refuse = (errorCode: number, t: OffsetCommitRequest['topics'][number]) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    });
    if (!allowed(ctx, Op.READ, Resource.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, topics: request.topics.map((t) => refuse(ErrorCode.GROUP_AUTHORIZATION_FAILED, t)) };
    }
    const denied = deniedTopics(ctx, Op.READ, request.topics.map((t) => t.name));
    const committed = await ctx.broker.groups.coordinator.commitOffsets({
      groupId: request.groupId,
      generationId: v >= 1 ? (request.generationIdOrMemberEpoch ?? -1) : -1,
      memberId: v >= 1 ? (request.memberId ?? '') : '',
      groupInstanceId: v >= 7 ? (request.groupInstanceId ?? null) : null,
      retentionTimeMs: v >= 2 && v <= 4 ? (request.retentionTimeMs ?? -1) : -1,
      topics: request.topics.filter((t) => !denied.has(t.name)).map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 6 ? (p.committedLeaderEpoch ?? -1) : -1,
          commitTimestampMs: v === 1 ? (p.commitTimestamp ?? -1) : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
      missingGroupIsNotFound: v >= 9,
    });
    const refused = request.topics.filter((t) => denied.has(t.name)).map((t) => refuse(ErrorCode.TOPIC_AUTHORIZATION_FAILED, t));
    return { throttleTimeMs: 0, topics: refused.length === 0 ? committed : [...committed, ...refused] };
  },
};
