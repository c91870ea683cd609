/**
 * SyncGroup v0-v5. The leader's request carries the assignment its client-side assignor computed;
 * every member's response waits until that assignment is stored. v5+ requests name the protocol
 * type and name, which must match the group's.
 */
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { trackRemote } from '../remote-time.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 14,
  minVersion: 0,
  maxVersion: 5,
  async handle(ctx: RequestContext, request: SyncGroupRequest): Promise<SyncGroupResponse> {
    const v = ctx.apiVersion;
    if (!allowed(ctx, Op.READ, Resource.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    // Parked until the leader's assignment is stored: remote time, as Kafka's purgatory.
    const result = await trackRemote(ctx, ctx.broker.groups.coordinator.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: v >= 3 ? (request.groupInstanceId ?? null) : null,
      protocolType: v >= 5 ? (request.protocolType ?? null) : null,
      protocolName: v >= 5 ? (request.protocolName ?? null) : null,
      assignments: request.assignments,
    }));
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: result.assignment,
    };
  },
};
