// End to end: a real client (kcat/librdkafka) produces and consumes, then /metrics is scraped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/index.js';
import { kcat } from '../helpers/kcat.js';
import { removeDir, tempDir } from '../helpers/broker.js';
import { sample, scrape, sum } from './scrape.js';

test('metrics after a kcat workload show the records, bytes, requests and log sizes', async () => {
  const dataDir = tempDir();
  const broker = await startBroker({ host: '127.0.0.1', port: 0, dataDir, metricsPort: 0, logLevel: 'silent', config: { 'num.partitions': '2' } });
  try {
    assert.ok(broker.metricsUrl, 'metrics endpoint is on');
    assert.equal((await fetch(`${broker.metricsUrl}/ready`)).status, 200);
    const lines = Array.from({ length: 25 }, (_, i) => `k${i % 5}:value-${i}`).join('\n') + '\n';
    const produced = await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'observed', '-K:', '-X', 'linger.ms=0'], lines);
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await kcat(['-b', broker.bootstrapServers, '-C', '-t', 'observed', '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
    assert.equal(consumed.stdout.trim().split('\n').length, 25);

    const text = await scrape(broker.metricsUrl);
    assert.equal(sample(text, 'brook_messages_in_total', { topic: 'observed' }), 25);
    const bytesIn = sample(text, 'brook_bytes_in_total', { topic: 'observed' })!;
    assert.ok(bytesIn > 25 * 'value-00'.length, `bytes in ${bytesIn}`);
    // The file store keeps batches as produced: the log is exactly the bytes that came in.
    assert.equal(sum(text, 'brook_log_size_bytes', { topic: 'observed' }), bytesIn);
    assert.equal(sum(text, 'brook_log_end_offset', { topic: 'observed' }), 25);
    assert.equal(sample(text, 'brook_log_segments', { topic: 'observed', partition: 0 }), 1);
    assert.equal(sample(text, 'brook_log_segments', { topic: 'observed', partition: 1 }), 1);
    // The consumer read everything once; it may have re-read nothing else.
    assert.equal(sample(text, 'brook_messages_out_total', { topic: 'observed' }), 25);
    assert.equal(sample(text, 'brook_bytes_out_total', { topic: 'observed' }), bytesIn);
    const produces = sample(text, 'brook_requests_total', { api: 'Produce' })!;
    assert.ok(produces >= 1);
    assert.equal(sample(text, 'brook_request_duration_seconds_count', { api: 'Produce' }), produces);
    assert.ok(sample(text, 'brook_requests_total', { api: 'Fetch' })! >= 1);
    assert.ok(sample(text, 'brook_requests_total', { api: 'Metadata' })! >= 2);
    assert.ok(sample(text, 'brook_requests_total', { api: 'ApiVersions' })! >= 2);
    // kcat has exited; the broker may see its sockets close a moment after this scrape.
    let connections = sample(text, 'brook_connections_active');
    for (let i = 0; i < 100 && connections !== 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      connections = sample(await scrape(broker.metricsUrl), 'brook_connections_active');
    }
    assert.equal(connections, 0);
    assert.equal(sample(text, 'brook_under_replicated_partitions'), 0);
    assert.match(text, /^process_cpu_user_seconds_total /m);
  } finally {
    const url = broker.metricsUrl;
    await broker.stop();
    await assert.rejects(fetch(`${url}/health`), 'the endpoint closes with the broker');
    removeDir(dataDir);
  }
});
