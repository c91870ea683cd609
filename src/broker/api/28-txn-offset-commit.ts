/**
 * TxnOffsetCommit v0-v4: offsets consumed by a transaction, committed only if it commits. The
 * producer is checked against the transaction coordinator (INVALID_PRODUCER_ID_MAPPING,
 * PRODUCER_FENCED); from v3 the member, when given, must be in the group. The offsets are kept
 * pending (durably) and handed to the group coordinator when EndTxn commits.
 */
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';

import { allowed, deniedTopics, Op, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 28,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx: RequestContext, request: TxnOffsetCommitRequest): Promise<TxnOffsetCommitResponse> {
    const answer = (code: (topic: string, partition: number) => number): TxnOffsetCommitResponse => ({
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(t.name, p.partitionIndex) })) })),
    });
    const services = ctx.broker.txn;
    if (!allowed(ctx, Op.WRITE, Resource.TRANSACTIONAL_ID, request.transactionalId)) return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!allowed(ctx, Op.READ, Resource.GROUP, request.groupId)) return answer(() => ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const denied = deniedTopics(ctx, Op.READ, request.topics.map((t) => t.name));
    try {
      await services.start();
      const producerError = services.coordinator.checkTxnProducer(request.transactionalId, request.producerId, request.producerEpoch);
      if (producerError !== ErrorCode.NONE) return answer(() => producerError);
      const memberError = checkMember(ctx.broker, request);
      if (memberError !== ErrorCode.NONE) return answer(() => memberError);
      const unknown = (topic: string, partition: number) => denied.has(topic) || !ctx.broker.topics.get(topic)?.partitions[partition];
      const offsets = request.topics.flatMap((t) =>
        t.partitions
          .filter((p) => !unknown(t.name, p.partitionIndex))
          .map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.committedMetadata })),
      );
      await services.pendingOffsets.add(request.transactionalId, request.groupId, {
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        generationId: request.generationId ?? -1,
        memberId: request.memberId ?? '',
        groupInstanceId: request.groupInstanceId ?? null,
        offsets,
      });
      return answer((topic, partition) =>
        denied.has(topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : unknown(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE,
      );
    } catch (err) {
      ctx.broker.logger.warn({ err: String(err) }, 'TxnOffsetCommit failed');
      return answer(() => ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  },
};

/** v3+: a member id that is given must belong to the group (a fenced consumer's offsets are refused). */
function checkMember(broker: Broker, request: TxnOffsetCommitRequest): number {
  const memberId = request.memberId ?? '';
  if (memberId === '') return ErrorCode.NONE;
  const [group] = broker.groups.coordinator.describeGroups([request.groupId]);
  if (!group || group.errorCode !== ErrorCode.NONE) return group?.errorCode ?? ErrorCode.COORDINATOR_NOT_AVAILABLE;
  return group.members.some((m) => m.memberId === memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}
