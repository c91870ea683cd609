/**
 * ListOffsets v0-v10: earliest (-2), latest (-1), max timestamp (-3), earliest local (-4),
 * or the first offset at or after a timestamp. v0 answers in the old offsets-array form.
 * Under read_committed, latest is the last stable offset and lookups stop there.
 */
import type { ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Partition } from '../partition.js';
import { lastStableOffset, producerStateFor } from '../../txn/stable-offset.js';
import { allowed, Op, Resource } from '../../security/authorize.js';
import { decodeBatches } from '../../records/record-batch.js';

type PartitionResponse = ListOffsetsResponse['topics'][number]['partitions'][number];

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;
const READ_COMMITTED = 1;

export const handler: ApiHandler = {
  apiKey: 2,
  minVersion: 0,
  maxVersion: 10,
  async handle(ctx: RequestContext, request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    const topics = await Promise.all(
      request.topics.map(async (t) => {
        const topic = ctx.broker.topics.get(t.name);
        const denied = !allowed(ctx, Op.DESCRIBE, Resource.TOPIC, t.name);
        const partitions = await Promise.all(
          t.partitions.map((p) => {
            const partition = topic?.partitions[p.partitionIndex];
            if (denied) return failure(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            if (!partition) return failure(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            return lookup(ctx, partition, p.timestamp, request.isolationLevel === READ_COMMITTED);
          }),
        );
        return { name: t.name, partitions };
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
};

async function lookup(ctx: RequestContext, partition: Partition, timestamp: number, readCommitted: boolean): Promise<PartitionResponse> {
  const version = ctx.apiVersion;
  // read_committed sees the log up to the last stable offset only (v2+ carry the isolation level).
  const state = await producerStateFor(ctx.broker.txn.partitionStates, partition, readCommitted);
  const visibleEnd = readCommitted ? lastStableOffset(state, partition) : partition.highWatermark;
  const found = await find(partition, timestamp, visibleEnd);
  const offset = found?.offset ?? -1;
  return {
    partitionIndex: partition.index,
    errorCode: ErrorCode.NONE,
    oldStyleOffsets: version === 0 && offset >= 0 ? [offset] : [],
    timestamp: found?.timestampMs ?? -1,
    offset,
    leaderEpoch: found ? 0 : -1,
  };
}

async function find(partition: Partition, timestamp: number, visibleEnd: number): Promise<{ offset: number; timestampMs: number } | null> {
  switch (timestamp) {
    case LATEST:
    case LATEST_TIERED:
      return { offset: visibleEnd, timestampMs: -1 };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: partition.logStartOffset, timestampMs: -1 };
    case MAX_TIMESTAMP:
      return partition.log.maxTimestamp();
    default: {
      if (timestamp < 0) return null;
      const hit = await partition.log.offsetForTimestamp(timestamp);
      if (!hit) return null;
      const exact = await firstRecordAtOrAfter(partition, hit.offset, timestamp);
      return exact && exact.offset < visibleEnd ? exact : null;
    }
  }
}

/**
 * The log finds the first batch whose max timestamp reaches the target; Kafka answers with the
 * first record in it that does, so the batch is decoded (it may be compressed).
 */
async function firstRecordAtOrAfter(partition: Partition, batchOffset: number, timestamp: number): Promise<{ offset: number; timestampMs: number } | null> {
  const read = await partition.log.read(batchOffset, { maxBytes: 1, minOneBatch: true });
  for (const chunk of read.chunks) {
    for (const batch of decodeBatches(chunk)) {
      if (batch.isControl) continue;
      for (const record of batch.records) {
        if (record.offset >= batchOffset && record.timestampMs >= timestamp) return { offset: record.offset, timestampMs: record.timestampMs };
      }
    }
  }
  return null;
}

function failure(partitionIndex: number, errorCode: number): PartitionResponse {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 };
}
