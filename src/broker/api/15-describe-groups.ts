/**
 * DescribeGroups v0-v5. An unknown group is described as Dead with no error, as in Kafka;
 * member metadata and assignments are only filled in for a Stable group.
 */
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed, authorizedOperations, Op, Resource } from '../../security/authorize.js';

/** Kafka's "authorized operations not requested" marker. */
const OPERATIONS_OMITTED = -2147483648;

export const handler: ApiHandler = {
  apiKey: 15,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx: RequestContext, request: DescribeGroupsRequest): DescribeGroupsResponse {
    const groups = ctx.broker.groups.coordinator.describeGroups(request.groups);
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) =>
        allowed(ctx, Op.DESCRIBE, Resource.GROUP, g.groupId)
          ? { ...g, authorizedOperations: request.includeAuthorizedOperations ? authorizedOperations(ctx, Resource.GROUP, g.groupId) : OPERATIONS_OMITTED }
          : { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, groupId: g.groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: OPERATIONS_OMITTED },
      ),
    };
  },
};
