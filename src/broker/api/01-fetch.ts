/**
 * Fetch v4-v17. Batches go out as the Buffers the log returned (no re-encoding); the response
 * writer keeps them by reference. A fetch that finds fewer than `min.bytes` waits, registered
 * on its partitions, until an append wakes it or `max.wait.ms` passes. Fetch sessions are not
 * kept: every response carries session id 0, which tells clients to send full requests.
 * read_committed (isolation level 1) reads up to the last stable offset and gets the aborted
 * transactions of what it read, which the client skips (src/txn owns both).
 * Cluster mode: a Fetch from a follower (replica id >= 0) is served by replication (read to the
 * log end, progress reported to the leader side); consumers get NOT_LEADER_OR_FOLLOWER /
 * FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH from the currentLeaderEpoch check.
 */
import type { FetchRequest, FetchResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { OffsetOutOfRangeError } from '../../storage/types.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import type { Partition } from '../partition.js';
import { abortedTransactions, lastStableOffset, producerStateFor, type AbortedTransaction } from '../../txn/stable-offset.js';
import { fetchReplicaId, replicationOf, serveReplicaFetch } from '../../cluster/replication/broker-api.js';

type TopicResponse = FetchResponse['responses'][number];
type PartitionResponse = TopicResponse['partitions'][number];

interface Target {
  topicIndex: number;
  partitionIndex: number;
  fetchOffset: number;
  maxBytes: number;
  partition: Partition | null;
  errorCode: number;
}

const READ_COMMITTED = 1;
const EMPTY_RECORDS = Buffer.alloc(0);

export const handler: ApiHandler = {
  apiKey: 1,
  minVersion: 4,
  maxVersion: 17,
  async handle(ctx: RequestContext, request: FetchRequest): Promise<FetchResponse> {
    if (request.sessionId !== 0 && request.sessionId !== undefined) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const replication = replicationOf(ctx.broker);
    if (replication && fetchReplicaId(request, ctx.apiVersion) >= 0) return serveReplicaFetch(ctx.broker, replication, request, ctx.apiVersion);
    const targets = resolveTargets(ctx.broker, request, ctx.apiVersion);
    const deadlineMs = ctx.broker.clock() + Math.max(0, request.maxWaitMs);
    // High watermarks seen before each read: an append that lands while the read is in flight
    // must wake the wait that follows, not leave it sleeping until max.wait.ms.
    let seen = highWatermarks(targets);
    let result = await readAll(ctx.broker, request, targets);
    while (result.bytes < request.minBytes && !result.anyError && ctx.broker.clock() < deadlineMs) {
      const woken = await waitForData(targets, seen, deadlineMs - ctx.broker.clock());
      if (!woken) break;
      seen = highWatermarks(targets);
      result = await readAll(ctx.broker, request, targets);
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses };
  },
};

function resolveTargets(broker: Broker, request: FetchRequest, version: number): Target[] {
  const targets: Target[] = [];
  request.topics.forEach((fetchTopic, topicIndex) => {
    const topic = version >= 13 ? broker.topics.getById(fetchTopic.topicId ?? '') : broker.topics.get(fetchTopic.topic ?? '');
    const missing = version >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const replication = replicationOf(broker);
    for (const p of fetchTopic.partitions) {
      let partition = topic?.partitions[p.partition] ?? null;
      let errorCode: number = partition ? ErrorCode.NONE : topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : missing;
      if (partition && replication) {
        errorCode = replication.checkLeaderEpoch(partition.topic, partition.index, p.currentLeaderEpoch ?? -1);
        if (errorCode !== ErrorCode.NONE) partition = null;
      }
      targets.push({
        topicIndex,
        partitionIndex: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        partition,
        errorCode,
      });
    }
  });
  return targets;
}

interface ReadOutcome {
  responses: TopicResponse[];
  bytes: number;
  anyError: boolean;
}

async function readAll(broker: Broker, request: FetchRequest, targets: Target[]): Promise<ReadOutcome> {
  const responses: TopicResponse[] = request.topics.map((t) => ({ topic: t.topic ?? '', topicId: t.topicId ?? '', partitions: [] }));
  let budget = request.maxBytes ?? 0x7fffffff;
  let bytes = 0;
  let anyError = false;
  for (const target of targets) {
    const response = await readOne(broker, target, budget, bytes === 0, request.isolationLevel === READ_COMMITTED);
    if (response.errorCode !== ErrorCode.NONE) anyError = true;
    const size = recordsSize(response.records);
    bytes += size;
    budget = Math.max(0, budget - size);
    responses[target.topicIndex]!.partitions.push(response);
  }
  return { responses, bytes, anyError };
}

async function readOne(broker: Broker, target: Target, budget: number, minOneBatch: boolean, readCommitted: boolean): Promise<PartitionResponse> {
  const partition = target.partition;
  if (!partition) return partitionResponse(target, target.errorCode, NO_OFFSETS, null);
  const state = await producerStateFor(broker.txn.partitionStates, partition, readCommitted);
  const offsets: Offsets = {
    highWatermark: partition.highWatermark,
    lastStableOffset: lastStableOffset(state, partition),
    logStartOffset: partition.logStartOffset,
    abortedTransactions: readCommitted ? [] : null,
  };
  // read_committed stops at the LSO: nothing of an undecided transaction is returned.
  const upTo = readCommitted ? offsets.lastStableOffset : offsets.highWatermark;
  if (target.fetchOffset < offsets.logStartOffset || target.fetchOffset > partition.logEndOffset) {
    return partitionResponse(target, ErrorCode.OFFSET_OUT_OF_RANGE, offsets, null);
  }
  if (target.fetchOffset >= upTo || budget === 0) return partitionResponse(target, ErrorCode.NONE, offsets, null);
  try {
    const read = await partition.log.read(target.fetchOffset, {
      maxBytes: Math.min(target.maxBytes, budget),
      minOneBatch,
      maxOffset: upTo,
    });
    if (readCommitted) offsets.abortedTransactions = abortedTransactions(state, target.fetchOffset, upTo);
    return partitionResponse(target, ErrorCode.NONE, offsets, read.chunks);
  } catch (err) {
    if (err instanceof OffsetOutOfRangeError) {
      return partitionResponse(target, ErrorCode.OFFSET_OUT_OF_RANGE, { ...offsets, logStartOffset: partition.logStartOffset }, null);
    }
    broker.logger.error({ topic: partition.topic, partition: partition.index, err: String(err) }, 'read failed');
    return partitionResponse(target, ErrorCode.KAFKA_STORAGE_ERROR, offsets, null);
  }
}

interface Offsets {
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  /** null for read_uncommitted, as Kafka answers. */
  abortedTransactions: AbortedTransaction[] | null;
}

const NO_OFFSETS: Offsets = { highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null };

function partitionResponse(target: Target, errorCode: number, offsets: Offsets, records: Buffer[] | null): PartitionResponse {
  return {
    partitionIndex: target.partitionIndex,
    errorCode,
    highWatermark: offsets.highWatermark,
    lastStableOffset: offsets.lastStableOffset,
    logStartOffset: offsets.logStartOffset,
    abortedTransactions: offsets.abortedTransactions,
    preferredReadReplica: -1,
    // Kafka sends an empty record set, never null: librdkafka rejects a null one.
    records: records ?? EMPTY_RECORDS,
  } as PartitionResponse;
}

function recordsSize(records: Buffer | Buffer[] | null | undefined): number {
  if (!records) return 0;
  if (Buffer.isBuffer(records)) return records.length;
  let size = 0;
  for (const chunk of records) size += chunk.length;
  return size;
}

function highWatermarks(targets: Target[]): number[] {
  return targets.map((t) => t.partition?.highWatermark ?? -1);
}

/** Resolves true when any target partition gets data past `seen`, false at the deadline. */
function waitForData(targets: Target[], seen: number[], waitMs: number): Promise<boolean> {
  if (targets.some((t, i) => t.partition !== null && t.partition.highWatermark !== seen[i])) return Promise.resolve(true);
  return new Promise((resolve) => {
    const partitions = targets.map((t) => t.partition).filter((p): p is Partition => p !== null);
    const finish = (woken: boolean) => {
      clearTimeout(timer);
      for (const p of partitions) p.cancelWait(wakeup);
      resolve(woken);
    };
    const wakeup = () => finish(true);
    const timer = setTimeout(() => finish(false), waitMs);
    for (const p of partitions) p.onNewData(wakeup);
  });
}
