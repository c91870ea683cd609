/**
 * JoinGroup v0-v9. v4+ new dynamic members first get MEMBER_ID_REQUIRED with their member id;
 * v5+ carry group.instance.id (static membership); v9 can tell a rejoining static leader to
 * skip the assignment. The response waits, parked in the coordinator, until the rebalance's
 * join phase completes.
 */
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/generated/index.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Protocol } from '../../group/member.js';
import { trackRemote } from '../remote-time.js';
import { ErrorCode } from '../../protocol/errors.js';
import { allowed, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 11,
  minVersion: 0,
  maxVersion: 9,
  async handle(ctx: RequestContext, request: JoinGroupRequest): Promise<JoinGroupResponse> {
    const v = ctx.apiVersion;
    if (!allowed(ctx, Op.READ, Resource.GROUP, request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, generationId: -1, protocolType: null, protocolName: v < 7 ? '' : null, leader: '', skipAssignment: false, memberId: request.memberId, members: [] };
    }
    // v0 has no rebalance timeout: the session timeout bounds the rebalance, as in Kafka.
    const rebalanceTimeoutMs = v >= 1 && request.rebalanceTimeoutMs !== undefined && request.rebalanceTimeoutMs !== -1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs;
    // Parked until the rest of the group joins: remote time, as Kafka's purgatory.
    const result = await trackRemote(ctx, ctx.broker.groups.coordinator.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: v >= 5 ? (request.groupInstanceId ?? null) : null,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx.clientAddress),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs,
      protocolType: request.protocolType,
      protocols: ownProtocols(request.protocols),
      requireKnownMemberId: v >= 4,
      supportsSkipAssignment: v >= 9,
    }));
    // Before v7 the protocol name is not nullable: Kafka sends '' instead of null, and null for '' after.
    const protocolName = v < 7 ? (result.protocolName ?? '') : result.protocolName === '' ? null : result.protocolName;
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      protocolName,
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
};

/**
 * The protocols as the coordinator keeps them: first of each name, metadata copied so the
 * group never pins this request's frame.
 */
function ownProtocols(protocols: JoinGroupRequest['protocols']): Protocol[] {
  const seen = new Set<string>();
  const out: Protocol[] = [];
  for (const p of protocols) {
    if (seen.has(p.name)) continue;
    seen.add(p.name);
    out.push({ name: p.name, metadata: Buffer.from(p.metadata) });
  }
  return out;
}

/** Kafka reports a member's host as `/address` (Java's InetAddress.toString). */
export function clientHost(clientAddress: string): string {
  const colon = clientAddress.lastIndexOf(':');
  return `/${colon > 0 ? clientAddress.slice(0, colon) : clientAddress}`;
}
