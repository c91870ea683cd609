/**
 * OffsetForLeaderEpoch v0-v4. A single node has been the leader of every partition since it was
 * created, in leader epoch 0 (what Metadata reports): the end offset of epoch 0 is the log end
 * offset. A later epoch is unknown (Kafka's UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET answer); a
 * client claiming a newer current epoch gets UNKNOWN_LEADER_EPOCH, an older one FENCED_LEADER_EPOCH.
 * Cluster mode: answered by replication from the partition's leader epoch cache (followers ask
 * this before fetching, to find where their log diverged).
 */
import type { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import { replicationOf } from '../../cluster/replication/broker-api.js';
import { allowed, allowedOnCluster, Op, Resource } from '../../security/authorize.js';

type EpochEndOffset = OffsetForLeaderEpochResponse['topics'][number]['partitions'][number];

const LEADER_EPOCH = 0;
const UNDEFINED_EPOCH = -1;
const UNDEFINED_EPOCH_OFFSET = -1;
/** currentLeaderEpoch -1: the client does not know it and asks for no check. */
const NO_EPOCH_CHECK = -1;

export const handler: ApiHandler = {
  apiKey: 23,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, request: OffsetForLeaderEpochRequest): OffsetForLeaderEpochResponse {
    // Consumers need DESCRIBE on the topic; followers (replica id >= 0) CLUSTER_ACTION.
    const follower = (request.replicaId ?? -1) >= 0;
    const clusterOk = follower && allowedOnCluster(ctx, Op.CLUSTER_ACTION);
    const denied = (topic: string) => !(follower ? clusterOk : allowed(ctx, Op.DESCRIBE, Resource.TOPIC, topic));
    const deniedAnswer = (partition: number) => ({ errorCode: follower ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.TOPIC_AUTHORIZATION_FAILED, partition, leaderEpoch: -1, endOffset: -1 });
    const replication = replicationOf(ctx.broker);
    if (replication) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          topic: t.topic,
          partitions: denied(t.topic)
            ? t.partitions.map((p) => deniedAnswer(p.partition))
            : replication
                .offsetsForLeaderEpoch(t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, currentLeaderEpoch: p.currentLeaderEpoch ?? NO_EPOCH_CHECK, leaderEpoch: p.leaderEpoch })))
                .map((a) => ({ errorCode: a.errorCode, partition: a.partition, leaderEpoch: a.leaderEpoch, endOffset: a.endOffset })),
        })),
      };
    }
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => denied(t.topic)
        ? deniedAnswer(p.partition)
        : endOffsetFor(ctx.broker, t.topic, p.partition, p.currentLeaderEpoch ?? NO_EPOCH_CHECK, p.leaderEpoch)),
    }));
    return { throttleTimeMs: 0, topics };
  },
};

function endOffsetFor(broker: Broker, topicName: string, partitionIndex: number, currentLeaderEpoch: number, leaderEpoch: number): EpochEndOffset {
  const answer = (errorCode: number, epoch: number, endOffset: number): EpochEndOffset => ({
    errorCode, partition: partitionIndex, leaderEpoch: epoch, endOffset,
  });
  const partition = broker.topics.get(topicName)?.partitions[partitionIndex];
  if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
  if (currentLeaderEpoch !== NO_EPOCH_CHECK) {
    if (currentLeaderEpoch > LEADER_EPOCH) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
    if (currentLeaderEpoch < LEADER_EPOCH) return answer(ErrorCode.FENCED_LEADER_EPOCH, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
  }
  if (leaderEpoch === LEADER_EPOCH) return answer(ErrorCode.NONE, LEADER_EPOCH, partition.logEndOffset);
  // Kafka's LeaderEpochFileCache.endOffsetFor: an undefined or future epoch has no end offset.
  return answer(ErrorCode.NONE, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
}
