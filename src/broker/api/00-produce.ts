/**
 * Produce v3-v11. Each partition's records stay the bytes the producer sent: the batches are
 * validated in place (sizes, CRC32C, magic) and handed to the log, which writes the offsets
 * into them. acks=0 gets no response; acks=1 and acks=all are answered once the log has the
 * bytes (on a single node the leader is the whole ISR). Batches with a producer id go through
 * the partition's producer state (src/txn): duplicates are answered with their original offset,
 * sequence gaps and stale epochs are refused. Cluster mode: only the leader appends
 * (NOT_LEADER_OR_FOLLOWER), acks=all needs min.insync.replicas in the ISR before the append
 * (NOT_ENOUGH_REPLICAS) and is answered once the high watermark passes the batch
 * (NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank meanwhile, REQUEST_TIMED_OUT after timeoutMs).
 */
import type { ProduceRequest, ProduceResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import { validateBatches } from '../../records/validate.js';
import { NO_RESPONSE, type ApiHandler, type RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import type { Topic } from '../topics.js';
import { appendTransactionAware } from '../../txn/produce-guard.js';
import { allowed, mayCreateTopic, Op, Resource } from '../../security/authorize.js';
import { PRODUCE_BYTE_RATE } from '../../security/quotas.js';
import { replicationOf } from '../../cluster/replication/broker-api.js';

type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number];

export const handler: ApiHandler = {
  apiKey: 0,
  minVersion: 3,
  maxVersion: 11,
  async handle(ctx: RequestContext, request: ProduceRequest): Promise<ProduceResponse | typeof NO_RESPONSE> {
    const acks = request.acks;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const txnId = request.transactionalId ?? null;
    const txnDenied = txnId !== null && !allowed(ctx, Op.WRITE, Resource.TRANSACTIONAL_ID, txnId);
    const responses = request.topicData.map((topicData) => {
      const denied = txnDenied ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : allowed(ctx, Op.WRITE, Resource.TOPIC, topicData.name) ? null : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      const mayCreate = ctx.broker.config.autoCreateTopicsEnable && mayCreateTopic(ctx, topicData.name);
      return {
        name: topicData.name,
        partitionResponses: topicData.partitionData.map((data) =>
          !validAcks
            ? Promise.resolve(partitionError(data.index, ErrorCode.INVALID_REQUIRED_ACKS, null))
            : denied !== null
              ? Promise.resolve(partitionError(data.index, denied, null))
              : produceToPartition(ctx.broker, ctx.apiVersion, txnId, topicData.name, data.index, data.records, mayCreate, acks, request.timeoutMs),
        ),
      };
    });
    const settled = await Promise.all(
      responses.map(async (r) => ({ name: r.name, partitionResponses: await Promise.all(r.partitionResponses) })),
    );
    if (acks === 0) return NO_RESPONSE;
    return { responses: settled, throttleTimeMs: produceThrottleMs(ctx, request) };
  },
};

async function produceToPartition(
  broker: Broker,
  apiVersion: number,
  transactionalId: string | null,
  topicName: string,
  index: number,
  records: Buffer | null,
  mayCreate: boolean,
  acks: number,
  timeoutMs: number,
): Promise<PartitionResponse> {
  let topic: Topic | undefined = broker.topics.get(topicName);
  try {
    if (!topic && mayCreate) topic = await broker.topics.getOrCreate(topicName, broker.config.numPartitions);
  } catch (err) {
    if (err instanceof KafkaError) return partitionError(index, err.code, err.message);
    throw err;
  }
  const partition = topic?.partitions[index];
  if (!topic || !partition) return partitionError(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
  if (!records || records.length === 0) return partitionError(index, ErrorCode.INVALID_RECORD, 'Produce request has no record batch');
  const settings = broker.config.topicSettings(topic.configs);
  const replication = replicationOf(broker);
  if (replication) {
    const refused = replication.checkProduce(topicName, index, acks, settings.minInsyncReplicas);
    if (refused !== ErrorCode.NONE) return partitionError(index, refused, null);
  }
  const nowMs = broker.clock();
  const validation = validateBatches(records, {
    maxBatchBytes: Math.min(settings.maxMessageBytes, settings.log.segmentBytes),
    nowMs,
    timestampType: settings.timestampType,
    timestampBeforeMaxMs: settings.timestampBeforeMaxMs,
    timestampAfterMaxMs: settings.timestampAfterMaxMs,
    compactedTopic: settings.compacted,
    apiVersion,
  });
  if (!validation.ok) return partitionError(index, validation.errorCode, validation.message);
  // Under LogAppendTime the validator has already stamped nowMs into the batches.
  const logAppendTime = settings.timestampType === 'LogAppendTime';
  let result;
  try {
    result = await appendTransactionAware(broker, transactionalId, partition, ownBytes(records), validation.infos);
  } catch (err) {
    broker.logger.error({ topic: topicName, partition: index, err: String(err) }, 'append failed');
    return partitionError(index, ErrorCode.KAFKA_STORAGE_ERROR, 'The broker could not write to its log');
  }
  if (result.kind === 'error') return partitionError(index, result.errorCode, result.message);
  if (replication && acks === -1) {
    const records = validation.infos.reduce((n, info) => n + info.recordCount, 0);
    const acked = await replication.waitForAcks(topicName, index, result.baseOffset + records, settings.minInsyncReplicas, timeoutMs);
    if (acked !== ErrorCode.NONE) return partitionError(index, acked, null);
  }
  return {
    index,
    errorCode: ErrorCode.NONE,
    baseOffset: result.baseOffset,
    // A duplicate is answered as Kafka does: the original offset, no log append time.
    logAppendTimeMs: logAppendTime && result.kind === 'appended' ? nowMs : -1,
    logStartOffset: partition.logStartOffset,
    recordErrors: [],
    errorMessage: null,
  };
}

/** Records the request's record bytes against the client's produce quota (none set: no work). */
function produceThrottleMs(ctx: RequestContext, request: ProduceRequest): number {
  const quotas = ctx.broker.security.quotas;
  if (quotas.store.isEmpty) return 0;
  let bytes = 0;
  for (const t of request.topicData) for (const p of t.partitionData) bytes += p.records?.length ?? 0;
  return quotas.record(PRODUCE_BYTE_RATE, ctx.principal, ctx.clientId, bytes);
}

function partitionError(index: number, errorCode: number, message: string | null): PartitionResponse {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: message };
}

/**
 * The log keeps appended Buffers (tail cache, write queue). A small batch sliced out of a large
 * socket chunk would pin the whole chunk, so such a batch gets its own copy; a batch that is most
 * of its memory (any large request) is kept as is, without a copy.
 */
function ownBytes(records: Buffer): Buffer {
  return records.byteLength * 2 < records.buffer.byteLength ? Buffer.from(records) : records;
}
