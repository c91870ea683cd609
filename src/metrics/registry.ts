/**
 * The Prometheus registry of one broker: every metric Brook exports, by name. Request and
 * traffic numbers come from BrokerMetrics' counters; everything else is read from broker state
 * at scrape time (log sizes and segment counts from the store, connections, groups).
 *
 * Names follow Prometheus conventions (`_total` counters, `_seconds`, `_bytes`) and map to
 * Kafka's MBeans: brook_messages_in_total ~ BrokerTopicMetrics.MessagesInPerSec,
 * brook_request_duration_seconds ~ RequestMetrics.TotalTimeMs, and so on (docs/grafana-dashboard.json).
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import { apis } from '../protocol/generated/index.js';
import { errorByCode, isKnownErrorCode } from '../protocol/errors.js';
import { HANDLER_EXCEPTION, LATENCY_BUCKETS_SECONDS, MAX_API_KEY } from './request-stats.js';
import type { ApiHistogram } from './api-histogram.js';
import { histogramSamples, registerSnapshot, type Sample } from './snapshot-metric.js';
import type { BrokerMetrics } from './broker-metrics.js';
import type { TopicCounters } from './topic-traffic.js';
import type { BrokerView, GroupMetricsSource, PartitionView, StorageView, TransactionsView } from './broker-view.js';
import type { ReplicationStats } from './replication-stats.js';

export interface MetricsRegistryOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
  version?: string;
}

export function createMetricsRegistry(metrics: BrokerMetrics, view: BrokerView, options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  registerBrokerInfo(registry, view, options.version ?? 'unknown');
  registerRequestMetrics(registry, metrics);
  registerTopicTraffic(registry, metrics, view);
  registerPartitionMetrics(registry, view, metrics);
  registerGroupMetrics(registry, view, () => metrics.groupSource);
  registerStorageMetrics(registry, metrics, view);
  registerTransactionMetrics(registry, view);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

function registerBrokerInfo(registry: Registry, view: BrokerView, version: string): void {
  registerSnapshot(registry, 'brook_broker_info', 'Constant 1, labelled with the broker identity.', 'gauge', () => [
    { labels: { cluster_id: view.clusterId, node_id: view.nodeId, version }, value: 1 },
  ]);
  registerSnapshot(registry, 'brook_connections_active', 'Open client connections (Kafka: connection-count).', 'gauge', () => [
    { labels: {}, value: view.connectionCount() },
  ]);
}

function apiName(apiKey: number): string {
  return apis[apiKey]?.name ?? `api_${apiKey}`;
}

function errorName(code: number): string {
  if (code === HANDLER_EXCEPTION) return 'HANDLER_EXCEPTION';
  return isKnownErrorCode(code) ? errorByCode(code).name : `ERROR_${code}`;
}

function registerRequestMetrics(registry: Registry, metrics: BrokerMetrics): void {
  const stats = metrics.requests;
  registerSnapshot(registry, 'brook_requests_total', 'Requests handled, by API (Kafka: RequestsPerSec).', 'counter', () => {
    const out: Sample[] = [];
    for (let key = 0; key <= MAX_API_KEY; key++) {
      if (stats.requests[key]! > 0) out.push({ labels: { api: apiName(key) }, value: stats.requests[key]! });
    }
    return out;
  });
  registerSnapshot(
    registry,
    'brook_request_errors_total',
    'Errors answered, by API and Kafka error name; partition-level errors count once per partition (Kafka: ErrorsPerSec). HANDLER_EXCEPTION = the broker failed and closed the connection.',
    'counter',
    () => [...stats.errorCounts()].map(({ apiKey, errorCode, count }) => ({ labels: { api: apiName(apiKey), error: errorName(errorCode) }, value: count })),
  );
  const phase = (name: string, help: string, histogram: ApiHistogram) =>
    registerSnapshot(registry, name, help, 'histogram', () => {
      const out: Sample[] = [];
      for (let key = 0; key <= MAX_API_KEY; key++) {
        if (histogram.counts[key] === 0) continue;
        out.push(...histogramSamples(name, { api: apiName(key) }, LATENCY_BUCKETS_SECONDS, histogram.cumulativeBuckets(key), histogram.sumSeconds(key)));
      }
      return out;
    });
  phase('brook_request_duration_seconds', 'Total time of a request, from its frame being read to its response being written, by API (Kafka: TotalTimeMs).', stats.total);
  phase('brook_request_queue_time_seconds', 'Time from a request frame being read to its handler starting (Kafka: RequestQueueTimeMs).', stats.requestQueue);
  phase('brook_request_local_time_seconds', 'Time the handler worked on the request, remote time excluded (Kafka: LocalTimeMs).', stats.local);
  phase('brook_request_remote_time_seconds', 'Time the handler waited on others: fetch long poll, group join/sync, acks=all (Kafka: RemoteTimeMs).', stats.remote);
  phase('brook_response_send_time_seconds', 'Time from a response being ready to being written to the socket, queue behind earlier responses included (Kafka: ResponseQueueTimeMs + ResponseSendTimeMs).', stats.responseSend);
  phase('brook_request_throttle_time_seconds', 'Throttle time announced in responses (Kafka: ThrottleTimeMs; 0 until quotas exist).', stats.throttle);
}

function registerTopicTraffic(registry: Registry, metrics: BrokerMetrics, view: BrokerView): void {
  // Counters of deleted topics are dropped at scrape time, so their series end (as in Kafka).
  const live = () => {
    const names = new Set([...view.topics()].map((t) => t.name));
    const out: [string, TopicCounters][] = [];
    for (const [topic, c] of metrics.traffic.entries()) {
      if (names.has(topic)) out.push([topic, c]);
      else metrics.traffic.forget(topic);
    }
    return out;
  };
  const counter = (name: string, help: string, pick: (c: TopicCounters) => number) =>
    registerSnapshot(registry, name, help, 'counter', () => live().map(([topic, c]) => ({ labels: { topic }, value: pick(c) })));
  counter('brook_messages_in_total', 'Records appended, by topic (Kafka: MessagesInPerSec).', (c) => c.messagesIn);
  counter('brook_bytes_in_total', 'Record batch bytes appended, by topic (Kafka: BytesInPerSec).', (c) => c.bytesIn);
  counter('brook_messages_out_total', 'Records sent to fetchers, by topic (whole batches, as stored).', (c) => c.messagesOut);
  counter('brook_bytes_out_total', 'Record batch bytes sent to fetchers, by topic (Kafka: BytesOutPerSec).', (c) => c.bytesOut);
}

function partitionSamples(view: BrokerView, pick: (p: PartitionView) => number | undefined): Sample[] {
  const out: Sample[] = [];
  for (const topic of view.topics()) {
    for (const p of topic.partitions) {
      const value = pick(p);
      if (value !== undefined) out.push({ labels: { topic: topic.name, partition: p.index }, value });
    }
  }
  return out;
}

function segmentCount(p: PartitionView): number | undefined {
  return p.log.segmentCount ?? p.log.segmentBaseOffsets?.length;
}

function registerPartitionMetrics(registry: Registry, view: BrokerView, metrics: BrokerMetrics): void {
  const gauge = (name: string, help: string, pick: (p: PartitionView) => number | undefined) =>
    registerSnapshot(registry, name, help, 'gauge', () => partitionSamples(view, pick));
  gauge('brook_log_size_bytes', 'Bytes of all segments of a partition (Kafka: Log.Size).', (p) => p.log.sizeBytes);
  gauge('brook_log_segments', 'Segments of a partition, on the file store (Kafka: Log.NumLogSegments).', segmentCount);
  gauge('brook_log_start_offset', 'First offset still in the partition (Kafka: Log.LogStartOffset).', (p) => p.logStartOffset);
  gauge('brook_log_end_offset', 'Offset the next record will get (Kafka: Log.LogEndOffset).', (p) => p.logEndOffset);
  gauge('brook_partition_high_watermark', 'Offset below which records are visible to consumers.', (p) => p.highWatermark);
  const count = (fn: (topics: ReturnType<BrokerView['topics']>) => number) => () => [{ labels: {}, value: fn(view.topics()) }];
  registerSnapshot(registry, 'brook_topics', 'Topics, internal ones included.', 'gauge', count((ts) => [...ts].length));
  registerSnapshot(registry, 'brook_partitions', 'Partitions led by this broker (Kafka: ReplicaManager.PartitionCount).', 'gauge', count((ts) => [...ts].reduce((n, t) => n + t.partitions.length, 0)));
  registerReplicationMetrics(registry, metrics.replication);
}

function registerGroupMetrics(registry: Registry, view: BrokerView, source: () => GroupMetricsSource | null): void {
  const groups = () => [...(source()?.groups() ?? [])];
  registerSnapshot(registry, 'brook_consumer_group_members', 'Members of a consumer group, by state.', 'gauge', () =>
    groups().map((g) => ({ labels: { group: g.groupId, state: g.state }, value: g.members })),
  );
  registerSnapshot(registry, 'brook_consumer_group_rebalances_total', 'Rebalances completed by a consumer group.', 'counter', () =>
    groups().flatMap((g) => (g.rebalances === undefined ? [] : [{ labels: { group: g.groupId }, value: g.rebalances }])),
  );
  registerSnapshot(registry, 'brook_consumer_group_lag', 'High watermark minus committed offset, per group and partition (Kafka: records-lag).', 'gauge', () => {
    const hw = highWatermarks(view);
    const out: Sample[] = [];
    for (const g of groups()) {
      for (const o of g.offsets) {
        const end = hw.get(o.topic)?.[o.partition];
        if (end === undefined) continue;
        out.push({ labels: { group: g.groupId, topic: o.topic, partition: o.partition }, value: Math.max(0, end - o.committedOffset) });
      }
    }
    return out;
  });
}

function highWatermarks(view: BrokerView): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const topic of view.topics()) {
    const hw: number[] = [];
    for (const p of topic.partitions) hw[p.index] = p.highWatermark;
    out.set(topic.name, hw);
  }
  return out;
}

function registerReplicationMetrics(registry: Registry, replication: ReplicationStats): void {
  // Read 0 on a single node; cluster code feeds ReplicationStats (see replication-stats.ts).
  const one = (value: () => number) => () => [{ labels: {}, value: value() }];
  registerSnapshot(registry, 'brook_under_replicated_partitions', 'Partitions with fewer in-sync replicas than replicas (Kafka: UnderReplicatedPartitions).', 'gauge', one(() => replication.underReplicatedPartitions()));
  registerSnapshot(registry, 'brook_offline_partitions', 'Partitions without a live leader (Kafka: OfflinePartitionsCount).', 'gauge', one(() => replication.offlinePartitions()));
  registerSnapshot(registry, 'brook_isr_shrinks_total', 'In-sync replica sets that lost a replica (Kafka: IsrShrinksPerSec).', 'counter', one(() => replication.isrShrinks));
  registerSnapshot(registry, 'brook_isr_expands_total', 'In-sync replica sets that gained a replica (Kafka: IsrExpandsPerSec).', 'counter', one(() => replication.isrExpands));
}

function registerStorageMetrics(registry: Registry, metrics: BrokerMetrics, view: BrokerView): void {
  const name = 'brook_log_flush_duration_seconds';
  registerSnapshot(registry, name, 'Time of one fsync round of a partition (Kafka: LogFlushRateAndTimeMs).', 'histogram', () =>
    histogramSamples(name, {}, LATENCY_BUCKETS_SECONDS, metrics.logFlush.cumulativeBuckets(0), metrics.logFlush.sumSeconds(0)),
  );
  const storage = (pick: (s: StorageView) => number) => () => {
    const s = view.storage?.();
    const value = s ? pick(s) : 0;
    return Number.isFinite(value) ? [{ labels: {}, value }] : [];
  };
  registerSnapshot(registry, 'brook_retention_segments_deleted_total', 'Segments deleted by retention (time, size, log start offset).', 'counter', storage((s) => s.retentionSegmentsDeleted));
  registerSnapshot(registry, 'brook_log_cleaner_runs_total', 'Log cleaner passes that cleaned a compacted partition.', 'counter', storage((s) => s.cleanerRuns));
  registerSnapshot(registry, 'brook_log_cleaner_bytes_read_total', 'Bytes of dirty segments read by the log cleaner.', 'counter', storage((s) => s.cleanerBytesRead));
  registerSnapshot(registry, 'brook_log_cleaner_bytes_written_total', 'Bytes the log cleaner wrote (cleaned segments).', 'counter', storage((s) => s.cleanerBytesWritten));
  registerSnapshot(registry, 'brook_log_cleaner_last_run_duration_seconds', 'Duration of the last cleaner pass that cleaned something (Kafka: max-clean-time-secs).', 'gauge', storage((s) => s.cleanerLastDurationMs / 1000));
}

function registerTransactionMetrics(registry: Registry, view: BrokerView): void {
  const read = (pick: (t: TransactionsView) => number) => () => {
    const t = view.transactions?.();
    return [{ labels: {}, value: t ? pick(t) : 0 }];
  };
  registerSnapshot(registry, 'brook_producer_ids', 'Producer ids with state in this broker\'s partitions (Kafka: ProducerIdCount).', 'gauge', read((t) => t.producerIds));
  registerSnapshot(registry, 'brook_transactions_ongoing', 'Transactions open at the coordinator (Ongoing or being committed/aborted).', 'gauge', read((t) => t.ongoing));
  registerSnapshot(registry, 'brook_transactions_completed_total', 'Transactions completed by the coordinator, by result.', 'counter', () => {
    const t = view.transactions?.();
    return [
      { labels: { result: 'commit' }, value: t?.commits ?? 0 },
      { labels: { result: 'abort' }, value: t?.aborts ?? 0 },
    ];
  });
}
