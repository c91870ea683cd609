/**
 * TxnOffsetCommit v0-v4: offsets consumed by a transaction, committed only if it commits. The
 * producer is checked against the transaction coordinator (INVALID_PRODUCER_ID_MAPPING,
 * PRODUCER_FENCED); from v3 the member, when given, must be in the group. As in Kafka, the group
 * coordinator writes the offsets to __consumer_offsets as transactional records of the producer;
 * they become committed offsets when EndTxn's COMMIT marker reaches that partition.
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
      // Topics the principal may not read are answered TOPIC_AUTHORIZATION_FAILED and not written.
      const allowedTopics = request.topics.filter((t) => !denied.has(t.name));
      const written = await ctx.broker.groups.coordinator.commitTxnOffsets({
        groupId: request.groupId,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        topics: allowedTopics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            committedOffset: p.committedOffset,
            committedLeaderEpoch: p.committedLeaderEpoch ?? -1,
            commitTimestampMs: -1,
            committedMetadata: p.committedMetadata,
          })),
        })),
      });
      const refused = answer(() => ErrorCode.TOPIC_AUTHORIZATION_FAILED).topics.filter((t) => denied.has(t.name));
      return { throttleTimeMs: 0, topics: [...written, ...refused] };
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
