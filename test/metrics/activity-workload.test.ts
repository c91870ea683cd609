/**
 * End to end: a kafkajs workload (transactions, a consumer group with long polls), a retention
 * pass and a cleaner pass, then /metrics shows the request phases, fsync latency, producer ids,
 * transaction outcomes, cleaner and retention counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../../src/broker/index.js';
import type { FileLogStore } from '../../src/storage/file/file-store.js';
import { removeDir, tempDir } from '../helpers/broker.js';
import { sample, scrape, sum } from './scrape.js';

const HOUR_MS = 3_600_000;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('metrics after a transactional, consuming, retention and cleaner workload', async () => {
  const dataDir = tempDir();
  const running = await startBroker({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    metricsPort: 0,
    logLevel: 'silent',
    // fsync every append, so log flush latency is observed; no timers for cleaner/retention.
    config: { 'group.initial.rebalance.delay.ms': '0', 'log.flush.interval.messages': '1', 'log.cleaner.enable': 'false' },
  });
  const kafka = new Kafka({ clientId: 'obs', brokers: [running.bootstrapServers], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 8 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const small = { name: 'segment.bytes', value: '100' };
    await admin.createTopics({
      topics: [
        { topic: 'txns', numPartitions: 1 },
        { topic: 'aging', numPartitions: 1, configEntries: [small, { name: 'retention.ms', value: String(HOUR_MS) }] },
        { topic: 'keyed', numPartitions: 1, configEntries: [small, { name: 'cleanup.policy', value: 'compact' }, { name: 'min.cleanable.dirty.ratio', value: '0.01' }] },
      ],
    });

    // Two committed transactions and one aborted, from one transactional producer.
    const txProducer = kafka.producer({ transactionalId: 'obs-tx', idempotent: true, maxInFlightRequests: 1 });
    await txProducer.connect();
    for (const outcome of ['commit', 'abort', 'commit'] as const) {
      const tx = await txProducer.transaction();
      await tx.send({ topic: 'txns', messages: [{ key: 'k', value: outcome }] });
      await (outcome === 'commit' ? tx.commit() : tx.abort());
    }
    await txProducer.disconnect();

    // Old records, one batch per segment (segment.bytes=100): every sealed segment is past retention.
    const producer = kafka.producer();
    await producer.connect();
    const oldMs = Date.now() - 2 * HOUR_MS;
    for (let i = 0; i < 4; i++) await producer.send({ topic: 'aging', messages: [{ value: `old-${i}`, timestamp: String(oldMs + i) }] });
    for (let i = 0; i < 4; i++) await producer.send({ topic: 'keyed', messages: [{ key: `k${i % 2}`, value: `v${i}` }] });
    await producer.disconnect();

    // A consumer group reads the committed records, then long-polls (Fetch remote time).
    const consumer = kafka.consumer({ groupId: 'obs-group', maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'txns', fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    await waitFor('the consumer to read both commits', async () => (seen >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    await consumer.disconnect();

    const store = running.broker.topics.store as FileLogStore;
    let text = await scrape(running.metricsUrl!);
    const segmentsBefore = sample(text, 'brook_log_segments', { topic: 'aging', partition: 0 })!;
    assert.ok(segmentsBefore >= 4, `aging has ${segmentsBefore} segments`);
    await store.enforceRetention();
    const cleaned = await store.runCleaner();
    assert.ok(cleaned, 'the compacted topic was cleaned');

    // Totals end when responses are written: wait until every request's total was observed.
    text = await waitFor('every response to be written', async () => {
      const t = await scrape(running.metricsUrl!);
      return sum(t, 'brook_request_duration_seconds_count') >= sum(t, 'brook_requests_total') ? t : undefined;
    });

    // Request phases: every answered Produce has each phase observed once.
    const produces = sample(text, 'brook_requests_total', { api: 'Produce' })!;
    assert.ok(produces >= 11, `produces ${produces}`);
    for (const phase of ['request_queue_time', 'request_local_time', 'request_remote_time', 'request_throttle_time']) {
      assert.equal(sample(text, `brook_${phase}_seconds_count`, { api: 'Produce' }), produces, phase);
    }
    assert.ok(sample(text, 'brook_response_send_time_seconds_count', { api: 'Produce' })! >= produces);
    assert.equal(sample(text, 'brook_request_remote_time_seconds_sum', { api: 'Produce' }), 0, 'one node: produce waits on nobody');
    // The consumer's idle fetches waited (up to 200 ms each) for data that never came.
    assert.ok(sample(text, 'brook_request_remote_time_seconds_sum', { api: 'Fetch' })! > 0.1);
    assert.ok(sample(text, 'brook_request_remote_time_seconds_count', { api: 'JoinGroup' })! >= 1);
    const fetchTotal = sample(text, 'brook_request_duration_seconds_sum', { api: 'Fetch' })!;
    const fetchParts = ['request_queue_time', 'request_local_time', 'request_remote_time', 'response_send_time']
      .map((p) => sample(text, `brook_${p}_seconds_sum`, { api: 'Fetch' })!)
      .reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(fetchTotal - fetchParts) < 0.05, `fetch total ${fetchTotal} vs phases ${fetchParts}`);

    // Storage: fsyncs timed, retention deleted the sealed segments, one cleaner pass.
    assert.ok(sample(text, 'brook_log_flush_duration_seconds_count')! >= produces, 'an fsync per append');
    // Every record is past retention: the active segment is rolled and deleted too (as Kafka).
    assert.equal(sample(text, 'brook_log_start_offset', { topic: 'aging', partition: 0 }), 4);
    assert.equal(sample(text, 'brook_retention_segments_deleted_total'), segmentsBefore);
    assert.equal(sample(text, 'brook_log_cleaner_runs_total'), 1);
    assert.equal(sample(text, 'brook_log_cleaner_bytes_read_total'), cleaned!.bytesRead);
    assert.ok(cleaned!.bytesRead > 0);
    assert.ok(sample(text, 'brook_log_cleaner_last_run_duration_seconds')! > 0);

    // Transactions: one producer id in the partitions (the idempotent-less producers have none).
    assert.equal(sample(text, 'brook_producer_ids'), 1);
    assert.equal(sample(text, 'brook_transactions_ongoing'), 0);
    assert.equal(sample(text, 'brook_transactions_completed_total', { result: 'commit' }), 2);
    assert.equal(sample(text, 'brook_transactions_completed_total', { result: 'abort' }), 1);
    assert.equal(sample(text, 'brook_isr_shrinks_total'), 0);
    assert.equal(sample(text, 'brook_isr_expands_total'), 0);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await running.stop();
    removeDir(dataDir);
  }
});
