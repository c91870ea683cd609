/**
 * DeleteGroups v0-v2: deletes Empty groups and their committed offsets (tombstones in
 * __consumer_offsets); NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND if unknown.
 */
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';

export const handler: ApiHandler = {
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx: RequestContext, request: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
    // Each id is answered once even if the request repeats it.
    const ids = [...new Set(request.groupsNames)];
    const results = await ctx.broker.groups.coordinator.deleteGroups(ids);
    return { throttleTimeMs: 0, results };
  },
};
