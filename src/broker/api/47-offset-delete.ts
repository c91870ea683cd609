/**
 * OffsetDelete v0: deletes a group's committed offsets for some partitions. Refused with
 * NON_EMPTY_GROUP for a classic group with members, and per partition with
 * GROUP_SUBSCRIBED_TO_TOPIC while a consumer group still subscribes to the topic.
 */
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';

export const handler: ApiHandler = {
  apiKey: 47,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx: RequestContext, request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const topics = request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) }));
    const result = await ctx.broker.groups.coordinator.deleteOffsets(request.groupId, topics);
    return { errorCode: result.errorCode, throttleTimeMs: 0, topics: result.topics };
  },
};
