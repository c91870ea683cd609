/**
 * Replication's part of the broker's API handlers (Fetch, Produce, OffsetForLeaderEpoch): the
 * handlers stay as they are on a single node and call these only when the broker has a
 * ReplicaManager (cluster mode).
 */
import type { Broker } from '../../broker/broker.js';
import type { FetchRequest, FetchResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ReplicaManager } from './replica-manager.js';

type TopicResponse = FetchResponse['responses'][number];
type PartitionResponse = TopicResponse['partitions'][number];

/** The broker's ReplicaManager in cluster mode, else null. */
export function replicationOf(broker: Broker): ReplicaManager | null {
  const replicas = (broker as { replicas?: unknown }).replicas;
  return replicas instanceof ReplicaManager ? replicas : null;
}

/** The follower id of a Fetch: ReplicaState.ReplicaId from v15, ReplicaId before; -1 for consumers. */
export function fetchReplicaId(request: FetchRequest, apiVersion: number): number {
  return apiVersion >= 15 ? request.replicaState?.replicaId ?? -1 : request.replicaId ?? -1;
}

/** A follower's Fetch, answered by the ReplicaManager (read to the log end, progress reported). */
export async function serveReplicaFetch(broker: Broker, replication: ReplicaManager, request: FetchRequest, apiVersion: number): Promise<FetchResponse> {
  const byId = apiVersion >= 13;
  const names = request.topics.map((t) => (byId ? broker.topics.getById(t.topicId ?? '')?.name : t.topic) ?? null);
  const results = await replication.serveFetch({
    replicaId: fetchReplicaId(request, apiVersion),
    maxWaitMs: request.maxWaitMs,
    minBytes: request.minBytes,
    maxBytes: request.maxBytes ?? 0x7fffffff,
    partitions: request.topics.flatMap((t, i) => names[i] === null ? [] : t.partitions.map((p) => ({
      topic: names[i]!,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
      logStartOffset: p.logStartOffset ?? -1,
      maxBytes: p.partitionMaxBytes,
    }))),
  });
  const found = new Map(results.map((r) => [`${r.topic} ${r.partition}`, r]));
  const responses: TopicResponse[] = request.topics.map((t, i) => ({
    topic: t.topic ?? '',
    topicId: t.topicId ?? '',
    partitions: t.partitions.map((p): PartitionResponse => {
      const r = names[i] === null ? undefined : found.get(`${names[i]} ${p.partition}`);
      return {
        partitionIndex: p.partition,
        errorCode: r ? r.errorCode : byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        highWatermark: r?.highWatermark ?? -1,
        lastStableOffset: r?.highWatermark ?? -1,
        logStartOffset: r?.logStartOffset ?? -1,
        abortedTransactions: null,
        preferredReadReplica: -1,
        records: r?.records ?? EMPTY,
      } as unknown as PartitionResponse;
    }),
  }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
}

const EMPTY = Buffer.alloc(0);
