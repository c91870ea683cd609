// Unit tests for the request-path counters: produce/fetch accounting, errors, latency buckets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { BrokerMetrics } from '../../src/metrics/broker-metrics.js';
import { createMetricsRegistry } from '../../src/metrics/registry.js';
import { countRecords, countRecordsIn } from '../../src/metrics/record-count.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import type { BrokerView } from '../../src/metrics/broker-view.js';
import { sample, sum } from './scrape.js';

function batch(records: number): Buffer {
  return encodeBatch({ records: Array.from({ length: records }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`), timestampMs: 1000 + i })) });
}

const emptyView: BrokerView = { nodeId: 1, clusterId: 'c1', connectionCount: () => 3, topics: () => [] };
const ordersView: BrokerView = { ...emptyView, topics: () => [{ name: 'orders', partitions: [] }] };

async function text(metrics: BrokerMetrics, view: BrokerView = ordersView): Promise<string> {
  const registry: Registry = createMetricsRegistry(metrics, view, { processMetrics: false, version: '9.9.9' });
  return registry.metrics();
}

test('countRecords reads record counts from v2 batch headers, ignoring a truncated tail', () => {
  const two = Buffer.concat([batch(3), batch(4)]);
  assert.equal(countRecords(two), 7);
  assert.equal(countRecords(two.subarray(0, two.length - 5)), 3);
  assert.equal(countRecordsIn([batch(2), batch(5)]), 7);
  assert.equal(countRecordsIn(null), 0);
});

test('produce counts records and bytes per topic, only for partitions answered without error', async () => {
  const metrics = new BrokerMetrics();
  const b1 = batch(5);
  const b2 = batch(2);
  const request = { topicData: [{ name: 'orders', partitionData: [{ index: 0, records: b1 }, { index: 1, records: b2 }] }] };
  const response = { responses: [{ name: 'orders', partitionResponses: [{ index: 0, errorCode: 0 }, { index: 1, errorCode: 6 }] }] };
  metrics.requestCompleted(0, request, response, 2);
  // acks=0: no response, the records count as accepted.
  metrics.requestCompleted(0, { topicData: [{ name: 'orders', partitionData: [{ index: 0, records: b2 }] }] }, undefined, 1);
  const t = await text(metrics);
  assert.equal(sample(t, 'brook_messages_in_total', { topic: 'orders' }), 7);
  assert.equal(sample(t, 'brook_bytes_in_total', { topic: 'orders' }), b1.length + b2.length);
  assert.equal(sample(t, 'brook_request_errors_total', { api: 'Produce', error: 'NOT_LEADER_OR_FOLLOWER' }), 1);
  assert.equal(sample(t, 'brook_requests_total', { api: 'Produce' }), 2);
});

test('fetch counts bytes and records out, resolving topic ids to names', async () => {
  const metrics = new BrokerMetrics({ topicNameById: (id) => (id === 'abc' ? 'orders' : undefined) });
  const chunks = [batch(3), batch(1)];
  metrics.requestCompleted(1, {}, { errorCode: 0, responses: [{ topicId: 'abc', partitions: [{ errorCode: 0, records: chunks }, { errorCode: 1, records: null }] }] }, 0.3);
  const t = await text(metrics);
  assert.equal(sample(t, 'brook_messages_out_total', { topic: 'orders' }), 4);
  assert.equal(sample(t, 'brook_bytes_out_total', { topic: 'orders' }), chunks[0]!.length + chunks[1]!.length);
  assert.equal(sample(t, 'brook_request_errors_total', { api: 'Fetch', error: 'OFFSET_OUT_OF_RANGE' }), 1);
});

test('traffic of a deleted topic stops being reported', async () => {
  const metrics = new BrokerMetrics();
  metrics.requestCompleted(0, { topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch(1) }] }] }, undefined, 1);
  assert.equal(sample(await text(metrics), 'brook_messages_in_total', { topic: 'orders' }), 1);
  assert.equal(sample(await text(metrics, emptyView), 'brook_messages_in_total', { topic: 'orders' }), undefined);
  assert.equal(sample(await text(metrics), 'brook_messages_in_total', { topic: 'orders' }), undefined, 'a re-created topic starts from zero');
});

test('latency histogram: cumulative buckets, sum and count per API; handler exceptions are errors', async () => {
  const metrics = new BrokerMetrics();
  // The total ends when the response is written (responseSent), not when the handler answers.
  for (const totalMs of [0.05 /* 50 µs */, 3, 20_000 /* beyond the last bucket */]) {
    metrics.requestCompleted(3, {}, { errorCode: 0 }, 0.01);
    metrics.responseSent(3, 0.01, totalMs);
  }
  metrics.requestFailed(19, 1);
  metrics.requestCompleted(19, {}, { errorCode: 36 }, 1);
  const t = await text(metrics);
  const h = (le: string) => sample(t, 'brook_request_duration_seconds_bucket', { api: 'Metadata', le });
  assert.equal(h('0.0001'), 1);
  assert.equal(h('0.0025'), 1);
  assert.equal(h('0.005'), 2);
  assert.equal(h('10'), 2);
  assert.equal(h('+Inf'), 3);
  assert.equal(sample(t, 'brook_request_duration_seconds_count', { api: 'Metadata' }), 3);
  assert.ok(Math.abs(sample(t, 'brook_request_duration_seconds_sum', { api: 'Metadata' })! - 20.00305) < 1e-9);
  assert.equal(sample(t, 'brook_request_errors_total', { api: 'CreateTopics', error: 'HANDLER_EXCEPTION' }), 1);
  assert.equal(sample(t, 'brook_request_errors_total', { api: 'CreateTopics', error: 'TOPIC_ALREADY_EXISTS' }), 1);
  assert.equal(sample(t, 'brook_connections_active'), 3);
  assert.equal(sample(t, 'brook_broker_info', { cluster_id: 'c1', node_id: 1, version: '9.9.9' }), 1);
});

test('partition gauges and consumer group lag are read from state at scrape time', async () => {
  const metrics = new BrokerMetrics();
  const partition = (index: number, hw: number) => ({ index, highWatermark: hw, logStartOffset: 0, logEndOffset: hw, log: { sizeBytes: 100 * hw, segmentBaseOffsets: [0, 5] } });
  const view: BrokerView = { ...emptyView, topics: () => [{ name: 'orders', partitions: [partition(0, 10), partition(1, 4)] }] };
  metrics.groupSource = {
    groups: () => [{ groupId: 'billing', state: 'Stable', members: 2, rebalances: 3, offsets: [{ topic: 'orders', partition: 0, committedOffset: 7 }, { topic: 'orders', partition: 1, committedOffset: 4 }, { topic: 'gone', partition: 0, committedOffset: 1 }] }],
  };
  const t = await text(metrics, view);
  assert.equal(sample(t, 'brook_log_size_bytes', { topic: 'orders', partition: 0 }), 1000);
  assert.equal(sample(t, 'brook_log_segments', { topic: 'orders', partition: 1 }), 2);
  assert.equal(sample(t, 'brook_partitions'), 2);
  assert.equal(sample(t, 'brook_under_replicated_partitions'), 0);
  assert.equal(sample(t, 'brook_offline_partitions'), 0);
  assert.equal(sample(t, 'brook_consumer_group_lag', { group: 'billing', topic: 'orders', partition: 0 }), 3);
  assert.equal(sample(t, 'brook_consumer_group_lag', { group: 'billing', topic: 'orders', partition: 1 }), 0);
  assert.equal(sum(t, 'brook_consumer_group_lag', { topic: 'gone' }), 0);
  assert.equal(sample(t, 'brook_consumer_group_members', { group: 'billing', state: 'Stable' }), 2);
  assert.equal(sample(t, 'brook_consumer_group_rebalances_total', { group: 'billing' }), 3);
});

test('request phases: queue, local, remote, send and throttle histograms per API', async () => {
  const metrics = new BrokerMetrics();
  // A fetch that waited 400 ms of its 401 ms handler time for data, after 2 ms in the queue.
  metrics.requestCompleted(1, {}, { throttleTimeMs: 0, errorCode: 0, responses: [] }, 401, 2, 400);
  metrics.responseSent(1, 0.3, 403.3);
  // acks=0 produce: no response, the total is queue + handler.
  metrics.requestCompleted(0, { topicData: [] }, undefined, 1, 0.5, 0);
  const t = await text(metrics);
  const count = (name: string, api: string) => sample(t, `${name}_count`, { api });
  const total = (name: string, api: string) => sample(t, `${name}_sum`, { api })!;
  assert.equal(count('brook_request_queue_time_seconds', 'Fetch'), 1);
  assert.ok(Math.abs(total('brook_request_queue_time_seconds', 'Fetch') - 0.002) < 1e-9);
  assert.ok(Math.abs(total('brook_request_local_time_seconds', 'Fetch') - 0.001) < 1e-9);
  assert.ok(Math.abs(total('brook_request_remote_time_seconds', 'Fetch') - 0.4) < 1e-9);
  assert.equal(sample(t, 'brook_request_remote_time_seconds_bucket', { api: 'Fetch', le: '0.25' }), 0);
  assert.equal(sample(t, 'brook_request_remote_time_seconds_bucket', { api: 'Fetch', le: '0.5' }), 1);
  assert.ok(Math.abs(total('brook_response_send_time_seconds', 'Fetch') - 0.0003) < 1e-9);
  assert.ok(Math.abs(total('brook_request_duration_seconds', 'Fetch') - 0.4033) < 1e-9);
  assert.equal(count('brook_request_throttle_time_seconds', 'Fetch'), 1);
  assert.equal(count('brook_request_duration_seconds', 'Produce'), 1);
  assert.ok(Math.abs(total('brook_request_duration_seconds', 'Produce') - 0.0015) < 1e-9);
  assert.equal(count('brook_response_send_time_seconds', 'Produce'), undefined, 'nothing was sent');
});

test('replication hook: cluster code sets the gauges and counts ISR changes', async () => {
  const metrics = new BrokerMetrics();
  let t = await text(metrics);
  for (const name of ['brook_under_replicated_partitions', 'brook_offline_partitions', 'brook_isr_shrinks_total', 'brook_isr_expands_total']) {
    assert.equal(sample(t, name), 0, `${name} reads 0 on one node`);
  }
  metrics.replication.underReplicatedPartitions = () => 2;
  metrics.replication.isrShrunk();
  metrics.replication.isrShrunk();
  metrics.replication.isrExpanded();
  t = await text(metrics);
  assert.equal(sample(t, 'brook_under_replicated_partitions'), 2);
  assert.equal(sample(t, 'brook_isr_shrinks_total'), 2);
  assert.equal(sample(t, 'brook_isr_expands_total'), 1);
});
