/** ListGroups v0-v5: v4+ filter by state (any case), v5+ by type (only "classic" groups exist here). */
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { allowedOnCluster, filterAllowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 16,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx: RequestContext, request: ListGroupsRequest): ListGroupsResponse {
    const states = ctx.apiVersion >= 4 ? (request.statesFilter ?? []) : [];
    const types = ctx.apiVersion >= 5 ? (request.typesFilter ?? []) : [];
    const groups = ctx.broker.groups.coordinator.listGroups(states, types);
    // DESCRIBE on the cluster lists every group; otherwise only those the principal may DESCRIBE.
    const visible = allowedOnCluster(ctx, Op.DESCRIBE) ? groups : filterAllowed(ctx, Op.DESCRIBE, Resource.GROUP, groups, (g) => g.groupId);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: visible };
  },
};
