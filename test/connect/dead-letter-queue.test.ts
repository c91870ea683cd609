/**
 * A sink with errors.tolerance=all skips a record its converter cannot read and sends the
 * original bytes to the DLQ topic with Kafka's __connect.errors.* headers; with
 * errors.tolerance=none the same record fails the task, and restart?onlyFailed restarts it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Consumer, Producer } from '../../src/client/index.js';
import { startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { call, lines, startWorker, waitFor, workerConfig } from './helpers.js';
import type { RunningConnect } from '../../src/connect/standalone.js';

let broker: TestBroker;
let dir: string;
let connect: RunningConnect;

before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
  dir = tempDir('brook-connect-dlq-');
  connect = await startWorker(workerConfig(broker.bootstrapServers, dir));
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  await producer.send({ topic: 'json-in', messages: [{ value: '{"n":1}' }, { value: 'not json', headers: { origin: 'test' } }, { value: '{"n":3}' }] });
  await producer.close();
});

after(async () => {
  await connect.stop();
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

const sinkConfig = (output: string, extra: Record<string, string>) => ({
  'connector.class': 'FileStreamSink',
  file: output,
  topics: 'json-in',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
  ...extra,
});

test('a bad record goes to the dead letter queue with error context headers', async () => {
  const output = join(dir, 'dlq-out.txt');
  const res = await call(connect.url, 'PUT', '/connectors/tolerant/config', sinkConfig(output, {
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': 'dlq',
    'errors.deadletterqueue.topic.replication.factor': '1',
    'errors.deadletterqueue.context.headers.enable': 'true',
  }));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await waitFor('good records in the sink file', () => lines(output).length === 2);
  assert.deepEqual(lines(output), ['{"n":1}', '{"n":3}']);

  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers });
  try {
    await consumer.assign([{ topic: 'dlq', partition: 0, offset: 0 }]);
    const [record] = await consumer.poll({ timeoutMs: 5000 });
    assert.ok(record, 'a record in the DLQ');
    assert.equal(record.value!.toString(), 'not json');
    const header = (k: string) => record.headers.find((h) => h.key === k)?.value?.toString();
    assert.equal(header('origin'), 'test', 'original headers kept');
    assert.equal(header('__connect.errors.topic'), 'json-in');
    assert.equal(header('__connect.errors.partition'), '0');
    assert.equal(header('__connect.errors.offset'), '1');
    assert.equal(header('__connect.errors.connector.name'), 'tolerant');
    assert.equal(header('__connect.errors.task.id'), '0');
    assert.equal(header('__connect.errors.stage'), 'VALUE_CONVERTER');
    assert.equal(header('__connect.errors.class.name'), 'org.apache.kafka.connect.json.JsonConverter');
    assert.equal(header('__connect.errors.exception.class.name'), 'DataException');
    assert.match(header('__connect.errors.exception.message')!, /serialization error/);
    assert.ok(header('__connect.errors.exception.stacktrace'));
  } finally {
    await consumer.close();
  }
  const status = await call(connect.url, 'GET', '/connectors/tolerant/status');
  assert.equal(status.body.tasks[0].state, 'RUNNING');
});

test('with errors.tolerance=none the bad record fails the task; restart?onlyFailed restarts it', async () => {
  const output = join(dir, 'strict-out.txt');
  assert.equal((await call(connect.url, 'PUT', '/connectors/strict/config', sinkConfig(output, {}))).status, 201);
  await waitFor('the task to fail', async () => (await call(connect.url, 'GET', '/connectors/strict/status')).body.tasks[0].state === 'FAILED');
  const status = (await call(connect.url, 'GET', '/connectors/strict/status')).body;
  assert.match(status.tasks[0].trace, /Tolerance exceeded/);
  assert.equal(status.connector.state, 'RUNNING');
  // Nothing past the bad record was written; the first record's put happened but its offset was never committed.
  assert.ok(!lines(output).includes('{"n":3}'));

  const restarted = await call(connect.url, 'POST', '/connectors/strict/restart?includeTasks=true&onlyFailed=true');
  assert.equal(restarted.status, 202);
  assert.equal(restarted.body.connector.state, 'RUNNING', 'the healthy connector is not restarted');
  assert.equal(restarted.body.tasks[0].state, 'RESTARTING');
  await waitFor('the task to fail again on the same record', async () => (await call(connect.url, 'GET', '/connectors/strict/status')).body.tasks[0].state === 'FAILED');
});
