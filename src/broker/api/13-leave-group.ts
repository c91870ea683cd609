/**
 * LeaveGroup v0-v5. v0-v2 remove one member by id; v3+ remove a batch, each by member id and
 * instance id, or by instance id alone (an admin removing a static member).
 */
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 13,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx: RequestContext, request: LeaveGroupRequest): LeaveGroupResponse {
    const batch = ctx.apiVersion >= 3;
    if (!allowed(ctx, Op.READ, Resource.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const leaving = batch
      ? (request.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null }))
      : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
    const result = ctx.broker.groups.coordinator.leaveGroup(request.groupId, leaving);
    if (batch) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
    // Single-member versions fold the member's error into the top-level one.
    const memberError = result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError };
  },
};
