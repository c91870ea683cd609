/** Heartbeat v0-v4: keeps a member's session alive and tells it when to rejoin. */
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 12,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, request: HeartbeatRequest): HeartbeatResponse {
    if (!allowed(ctx, Op.READ, Resource.GROUP, request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const errorCode = ctx.broker.groups.coordinator.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? (request.groupInstanceId ?? null) : null,
    });
    return { throttleTimeMs: 0, errorCode };
  },
};
