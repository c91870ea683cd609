/**
 * DeleteGroups v0-v2: deletes Empty groups and their committed offsets (tombstones in
 * __consumer_offsets); NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND if unknown.
 */
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { ErrorCode } from '../../protocol/errors.js';
import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 42,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx: RequestContext, request: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
    // Each id is answered once even if the request repeats it.
    const ids = [...new Set(request.groupsNames)];
    const permitted = ids.filter((id) => allowed(ctx, Op.DELETE, Resource.GROUP, id));
    const deleted = await ctx.broker.groups.coordinator.deleteGroups(permitted);
    const results = ids.map((groupId) => deleted.find((r) => r.groupId === groupId) ?? { groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
    return { throttleTimeMs: 0, results };
  },
};
