/**
 * File source -> topic -> file sink against a real broker; then the runtime is restarted and both
 * sides resume where they stopped (source offsets from the offsets file, sink from committed
 * group offsets): every line arrives exactly once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin, Producer } from '../../src/client/index.js';
import { startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { lines, startWorker, waitFor, workerConfig } from './helpers.js';

let broker: TestBroker;
let dir: string;

before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
  dir = tempDir('brook-connect-');
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

test('file source -> topic -> file sink, resuming after a runtime restart', async () => {
  const input = join(dir, 'in.txt');
  const output = join(dir, 'out.txt');
  const first = Array.from({ length: 50 }, (_, i) => `line-${i}`);
  writeFileSync(input, first.join('\n') + '\n');
  const worker = workerConfig(broker.bootstrapServers, dir);
  const source = { name: 'src', 'connector.class': 'FileStreamSource', file: input, topic: 'lines', 'batch.size': '7' };
  const sink = { name: 'snk', 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: output, topics: 'lines' };

  let connect = await startWorker(worker, [source, sink]);
  await waitFor('first lines in the sink file', () => lines(output).length >= first.length);
  // A line appended while running is picked up too.
  appendFileSync(input, 'while-running\n');
  await waitFor('the appended line', () => lines(output).includes('while-running'));
  await connect.stop();

  const stored = JSON.parse(readFileSync(join(dir, 'connect.offsets'), 'utf8'));
  assert.deepEqual(stored.offsets[0].key, ['src', { filename: input }]);
  assert.equal(stored.offsets[0].offset.position, readFileSync(input).length);

  const more = Array.from({ length: 20 }, (_, i) => `after-restart-${i}`);
  appendFileSync(input, more.join('\n') + '\n');
  connect = await startWorker(worker, [source, sink]);
  try {
    const expected = [...first, 'while-running', ...more];
    await waitFor('lines written after the restart', () => lines(output).length >= expected.length);
    const offsets = await fetch(`${connect.url}/connectors/snk/offsets`).then((r) => r.json());
    assert.equal(offsets.offsets[0].partition.kafka_topic, 'lines');
    assert.deepEqual(lines(output), expected, 'every line exactly once, in order');
  } finally {
    await connect.stop();
  }
});

test('a sink with tasks.max=2 shares the partitions and delivers every record', async () => {
  const admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  const values = Array.from({ length: 300 }, (_, i) => `v${i}`);
  try {
    await admin.createTopics({ topics: [{ topic: 'multi', numPartitions: 3 }] });
    await producer.send({ topic: 'multi', messages: values.map((v) => ({ key: v, value: v })) });
  } finally {
    await producer.close();
    await admin.close();
  }
  const output = join(dir, 'multi-out.txt');
  const connect = await startWorker(workerConfig(broker.bootstrapServers, dir), [{ name: 'multi-sink', 'connector.class': 'FileStreamSink', file: output, topics: 'multi', 'tasks.max': '2' }]);
  try {
    await waitFor('every record', () => new Set(lines(output)).size === values.length);
    const status = await fetch(`${connect.url}/connectors/multi-sink/status`).then((r) => r.json());
    assert.deepEqual(status.tasks.map((t: { state: string }) => t.state), ['RUNNING', 'RUNNING']);
    assert.deepEqual([...new Set(lines(output))].sort(), [...values].sort());
  } finally {
    await connect.stop();
  }
});

test('a sink with topics.regex reads every matching topic, including one created later, and no other', async () => {
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  const output = join(dir, 'regex-out.txt');
  const worker = workerConfig(broker.bootstrapServers, dir, { 'consumer.metadata.max.age.ms': '200' });
  try {
    await producer.send({ topic: 'rx-a', messages: [{ value: 'a1' }] });
    await producer.send({ topic: 'rx-b', messages: [{ value: 'b1' }] });
    await producer.send({ topic: 'xrx-a', messages: [{ value: 'not-matched' }] });
    const connect = await startWorker(worker, [{ name: 'rx-sink', 'connector.class': 'FileStreamSink', file: output, 'topics.regex': 'rx-.*' }]);
    try {
      await waitFor('both matching topics', () => lines(output).length >= 2);
      await producer.send({ topic: 'rx-c', messages: [{ value: 'c1' }] });
      await waitFor('the topic created later', () => lines(output).includes('c1'));
      assert.deepEqual([...lines(output)].sort(), ['a1', 'b1', 'c1'], 'whole-name match: xrx-a is not read');
    } finally {
      await connect.stop();
    }
  } finally {
    await producer.close();
  }
});
