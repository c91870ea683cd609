/**
 * DescribeGroups v0-v5. An unknown group is described as Dead with no error, as in Kafka;
 * member metadata and assignments are only filled in for a Stable group.
 */
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';

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
      groups: groups.map((g) => ({ ...g, authorizedOperations: OPERATIONS_OMITTED })),
    };
  },
};
