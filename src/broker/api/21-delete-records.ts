/**
 * DeleteRecords v0-v2: moves each partition's log start offset (its "low watermark") up to the
 * given offset, -1 meaning the high watermark. The log checkpoints the new start before this
 * answers, and deletes whole segments below it; fetches below it get OFFSET_OUT_OF_RANGE.
 */
import type { DeleteRecordsRequest, DeleteRecordsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { OffsetOutOfRangeError, isCompacted, deletesOldSegments } from '../../storage/types.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

type PartitionResult = DeleteRecordsResponse['topics'][number]['partitions'][number];

const HIGH_WATERMARK = -1;

export const handler: ApiHandler = {
  apiKey: 21,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx: RequestContext, request: DeleteRecordsRequest): Promise<DeleteRecordsResponse> {
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: allowed(ctx, Op.DELETE, Resource.TOPIC, t.name)
          ? await Promise.all(t.partitions.map((p) => deleteOne(ctx.broker, t.name, p.partitionIndex, p.offset)))
          : t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
};

async function deleteOne(broker: Broker, topicName: string, partitionIndex: number, offset: number): Promise<PartitionResult> {
  const fail = (errorCode: number): PartitionResult => ({ partitionIndex, lowWatermark: -1, errorCode });
  const topic = broker.topics.get(topicName);
  const partition = topic?.partitions[partitionIndex];
  if (!topic || !partition) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const settings = broker.config.topicSettings(topic.configs).log;
  // Kafka: records of a compact-only topic cannot be deleted (PolicyViolationException).
  if (isCompacted(settings) && !deletesOldSegments(settings)) return fail(ErrorCode.POLICY_VIOLATION);
  const target = offset === HIGH_WATERMARK ? partition.highWatermark : offset;
  if (target < 0 || target > partition.highWatermark) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
  try {
    const lowWatermark = await partition.log.deleteRecordsBefore(target);
    return { partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
  } catch (err) {
    if (err instanceof OffsetOutOfRangeError) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
    broker.logger.error({ topic: topicName, partition: partitionIndex, err: String(err) }, 'delete records failed');
    return fail(ErrorCode.KAFKA_STORAGE_ERROR);
  }
}
