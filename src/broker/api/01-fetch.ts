/**
 * Fetch v4-v17. Batches go out as the Buffers the log returned (no re-encoding); the response
 * writer keeps them by reference. A fetch that finds fewer than `min.bytes` waits, registered
 * on its partitions, until an append wakes it or `max.wait.ms` passes. Fetch sessions are not
 * kept: every response carries session id 0, which tells clients to send full requests.
 * read_committed (isolation level 1) reads up to the last stable offset and gets the aborted
 * transactions of what it read, which the client skips (src/txn owns both).
 * Reads stay within what the connection may still hold (response-memory.ts); catch-up reads go
 * into leased buffers that the connection releases once the response is written.
 * Cluster mode: a Fetch from a follower (replica id >= 0) is served by replication (read to the
 * log end, progress reported to the leader side); consumers get NOT_LEADER_OR_FOLLOWER /
 * FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH from the currentLeaderEpoch check.
 */
import type { FetchRequest, FetchResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { OffsetOutOfRangeError } from '../../storage/types.js';
import { byteLengthOf } from '../../records/byte-length.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import type { Partition } from '../partition.js';
import { abortedTransactions, endOfChunks, lastStableOffset, producerStateFor, type AbortedTransaction } from '../../txn/stable-offset.js';
import { trackRemote } from '../remote-time.js';
import { AFTER_WRITE, releaseBuffers, type AfterWrite, type ResponseMemory } from '../response-memory.js';
import { allowed, allowedOnCluster, Op, Resource } from '../../security/authorize.js';
import { FETCH_BYTE_RATE } from '../../security/quotas.js';
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
    if (replication && fetchReplicaId(request, ctx.apiVersion) >= 0) {
      // Followers need CLUSTER_ACTION on the cluster, as in Kafka.
      if (!allowedOnCluster(ctx, Op.CLUSTER_ACTION)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, sessionId: 0, responses: [] };
      return serveReplicaFetch(ctx.broker, replication, request, ctx.apiVersion);
    }
    const targets = resolveTargets(ctx.broker, request, ctx.apiVersion);
    if (ctx.broker.security.authorizer !== null) denyUnauthorized(ctx, request, targets);
    const deadlineMs = ctx.broker.clock() + Math.max(0, request.maxWaitMs);
    // High watermarks seen before each read: an append that lands while the read is in flight
    // must wake the wait that follows, not leave it sleeping until max.wait.ms.
    let seen = highWatermarks(targets);
    const held: Held = { memory: ctx.responseMemory ?? null, after: { reservedBytes: 0, releases: [] } };
    try {
      let result = await readAll(ctx.broker, request, targets, held);
      while (result.bytes < request.minBytes && !result.anyError && ctx.broker.clock() < deadlineMs) {
        const woken = await trackRemote(ctx, waitForData(targets, seen, deadlineMs - ctx.broker.clock()));
        if (!woken) break; // the short read is the answer
        // The short read is dropped for a new one: nothing refers to its buffers any more.
        settle(held);
        seen = highWatermarks(targets);
        result = await readAll(ctx.broker, request, targets, held);
      }
      // Consumers' fetched bytes count against their fetch quota (followers are not throttled).
      const follower = (request.replicaState?.replicaId ?? request.replicaId ?? -1) >= 0;
      const throttleTimeMs = follower ? 0 : ctx.broker.security.quotas.record(FETCH_BYTE_RATE, ctx.principal, ctx.clientId, result.bytes);
      const response: FetchResponse = { throttleTimeMs, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses };
      if (held.after.reservedBytes > 0 || held.after.releases.length > 0) Object.assign(response, { [AFTER_WRITE]: held.after });
      return response;
    } catch (err) {
      settle(held);
      throw err;
    }
  },
};

/** What this request's reads hold: reserved in its connection's memory, and leased buffers. */
interface Held {
  memory: ResponseMemory | null;
  after: AfterWrite;
}

function settle(held: Held): void {
  if (held.memory) held.memory.reservedBytes -= held.after.reservedBytes;
  held.after.reservedBytes = 0;
  releaseBuffers(held.after);
}

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

/** Consumers need READ on each topic; followers (replica id >= 0) CLUSTER_ACTION on the cluster. */
function denyUnauthorized(ctx: RequestContext, request: FetchRequest, targets: Target[]): void {
  const follower = (request.replicaState?.replicaId ?? request.replicaId ?? -1) >= 0;
  const clusterOk = follower && allowedOnCluster(ctx, Op.CLUSTER_ACTION);
  for (const target of targets) {
    const name = target.partition?.topic ?? request.topics[target.topicIndex]?.topic;
    if (!name) continue;
    if (follower ? clusterOk : allowed(ctx, Op.READ, Resource.TOPIC, name)) continue;
    target.partition = null;
    target.errorCode = follower ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  }
}

interface ReadOutcome {
  responses: TopicResponse[];
  bytes: number;
  anyError: boolean;
}

async function readAll(broker: Broker, request: FetchRequest, targets: Target[], held: Held): Promise<ReadOutcome> {
  const responses: TopicResponse[] = request.topics.map((t) => ({ topic: t.topic ?? '', topicId: t.topicId ?? '', partitions: [] }));
  let budget = request.maxBytes ?? 0x7fffffff;
  let bytes = 0;
  let anyError = false;
  const memory = held.memory;
  for (const target of targets) {
    // Reserved before the read is awaited, so concurrent Fetches of one connection cannot all
    // see the same room; corrected to the size actually read afterwards.
    const allowed = memory ? Math.min(budget, memory.available()) : budget;
    const reserved = Math.min(allowed, target.maxBytes);
    if (memory) memory.reservedBytes += reserved;
    let response: PartitionResponse;
    try {
      response = await readOne(broker, target, allowed, bytes === 0, request.isolationLevel === READ_COMMITTED, held);
    } finally {
      if (memory) memory.reservedBytes -= reserved;
    }
    if (response.errorCode !== ErrorCode.NONE) anyError = true;
    const size = byteLengthOf(response.records);
    if (memory) memory.reservedBytes += size;
    held.after.reservedBytes += size;
    bytes += size;
    budget = Math.max(0, budget - size);
    responses[target.topicIndex]!.partitions.push(response);
  }
  return { responses, bytes, anyError };
}

async function readOne(broker: Broker, target: Target, budget: number, minOneBatch: boolean, readCommitted: boolean, held: Held): Promise<PartitionResponse> {
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
      leased: held.memory !== null,
    });
    if (read.release) held.after.releases.push(read.release);
    if (readCommitted) offsets.abortedTransactions = await abortedTransactions(partition, target.fetchOffset, endOfChunks(read.chunks, upTo));
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
