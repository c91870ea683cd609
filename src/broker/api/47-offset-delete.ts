/**
 * OffsetDelete v0: deletes a group's committed offsets for some partitions. Refused with
 * NON_EMPTY_GROUP for a classic group with members, and per partition with
 * GROUP_SUBSCRIBED_TO_TOPIC while a consumer group still subscribes to the topic.
 */
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { ErrorCode } from '../../protocol/errors.js';
import { allowed, deniedTopics, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 47,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx: RequestContext, request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    if (!allowed(ctx, Op.DELETE, Resource.GROUP, request.groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    const denied = deniedTopics(ctx, Op.READ, request.topics.map((t) => t.name));
    const topics = request.topics.filter((t) => !denied.has(t.name)).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) }));
    const result = await ctx.broker.groups.coordinator.deleteOffsets(request.groupId, topics);
    const refused = request.topics
      .filter((t) => denied.has(t.name))
      .map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })) }));
    return { errorCode: result.errorCode, throttleTimeMs: 0, topics: refused.length === 0 ? result.topics : [...result.topics, ...refused] };
  },
};
