// Consumer group lag read from the group coordinator at scrape time, after a kcat group consumer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/index.js';
import { kcat } from '../helpers/kcat.js';
import { sample, scrape } from './scrape.js';

test('brook_consumer_group_lag falls to zero once a group has consumed and committed', async () => {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, storage: 'memory', metricsPort: 0, logLevel: 'silent', config: { 'group.initial.rebalance.delay.ms': '0', 'num.partitions': '1' } });
  try {
    const produce = (n: number, from: number) => kcat(['-b', broker.bootstrapServers, '-P', '-t', 'lagging'], Array.from({ length: n }, (_, i) => `m${from + i}`).join('\n') + '\n');
    assert.equal((await produce(6, 0)).code, 0);
    const consumed = await kcat(['-b', broker.bootstrapServers, '-G', 'lag-group', '-X', 'auto.offset.reset=earliest', '-e', '-q', '-f', '%s\n', 'lagging']);
    assert.equal(consumed.stdout.trim().split('\n').length, 6, consumed.stderr);
    let text = await scrape(broker.metricsUrl!);
    assert.equal(sample(text, 'brook_consumer_group_lag', { group: 'lag-group', topic: 'lagging', partition: 0 }), 0);
    assert.equal(sample(text, 'brook_consumer_group_members', { group: 'lag-group', state: 'Empty' }), 0);
    assert.equal((await produce(4, 6)).code, 0);
    text = await scrape(broker.metricsUrl!);
    assert.equal(sample(text, 'brook_consumer_group_lag', { group: 'lag-group', topic: 'lagging', partition: 0 }), 4);
  } finally {
    await broker.stop();
  }
});
