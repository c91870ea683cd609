/**
 * A connector written against the SPI, loaded from plugin.path, run by the standalone runtime:
 * its records pass through a transform and the JSON converter (schemas envelope) into a topic;
 * its source offsets are handed back to the next task instance.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Consumer, Producer } from '../../src/client/index.js';
import { startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { call, startWorker, waitFor, workerConfig } from './helpers.js';

const spiUrl = new URL('../../src/connect/index.js', import.meta.url).href;

const PLUGIN = `
import { SourceConnector, SourceTask, SinkConnector, SinkTask, ConfigDef, sourceRecord } from '${spiUrl}';

const CONFIG = new ConfigDef()
  .define({ name: 'topic', type: 'string' })
  .define({ name: 'limit', type: 'int', defaultValue: '5' });

export class CounterTask extends SourceTask {
  start(props) {
    this.topic = props.topic;
    this.limit = Number(props.limit ?? 5);
    const stored = this.context.offsetStorageReader.offset({ counter: props.task });
    this.next = stored ? stored.n + 1 : 0;
    this.startedAt = this.next;
  }
  poll() {
    if (this.next >= this.limit) return null;
    const n = this.next++;
    return [sourceRecord({
      topic: this.topic,
      key: 'k' + n,
      valueSchema: { type: 'struct', fields: [{ field: 'n', type: 'int32' }, { field: 'started', type: 'int32' }] },
      value: { n, started: this.startedAt },
      sourcePartition: { counter: 'c' },
      sourceOffset: { n },
    })];
  }
  stop() {}
}


/** A sink whose flush() fails while the test says so: nothing may be committed then. */
export class GateTask extends SinkTask {
  start(props) { this.name = props.name; }
  put(records) {
    globalThis.gatePut = (globalThis.gatePut ?? 0) + records.length;
    globalThis.gateHeaders = records.map((r) => r.headers);
  }
  flush(offsets) {
    if (globalThis.gateFlushFails) throw new Error('flush refused');
    globalThis.gateFlushed = [...offsets.values()];
  }
  stop() {}
}

export class GateSinkConnector extends SinkConnector {
  config() { return new ConfigDef(); }
  start(props) { this.props = props; }
  taskClass() { return GateTask; }
  taskConfigs() { return [{ ...this.props }]; }
  stop() {}
}

export class CounterSourceConnector extends SourceConnector {
  version() { return '9.9'; }
  config() { return CONFIG; }
  start(props) { this.props = props; }
  taskClass() { return CounterTask; }
  taskConfigs() { return [{ ...this.props, task: 'c' }]; }
  stop() {}
}
`;

let broker: TestBroker;
let dir: string;

before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
  dir = tempDir('brook-connect-spi-');
  writeFileSync(join(dir, 'counter.mjs'), PLUGIN);
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

async function readTopic(topic: string, count: number): Promise<Array<{ key: string; value: any }>> {
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers });
  const out: Array<{ key: string; value: any }> = [];
  try {
    await consumer.assign([{ topic, partition: 0, offset: 0 }]);
    await waitFor(`${count} records in ${topic}`, async () => {
      for (const r of await consumer.poll({ timeoutMs: 100 })) out.push({ key: r.key!.toString(), value: JSON.parse(r.value!.toString()) });
      return out.length >= count;
    });
  } finally {
    await consumer.close();
  }
  return out;
}

test('a plugin connector runs with transforms and the JSON converter, and gets its offsets back', async () => {
  const worker = workerConfig(broker.bootstrapServers, dir, {
    'plugin.path': dir,
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'true',
  });
  const connector = {
    name: 'counter',
    'connector.class': 'CounterSource',
    topic: 'counted',
    limit: '3',
    transforms: 'tag',
    'transforms.tag.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
    'transforms.tag.static.field': 'origin',
    'transforms.tag.static.value': 'plugin',
  };
  let connect = await startWorker(worker, [connector]);
  try {
    const plugins = await call(connect.url, 'GET', '/connector-plugins');
    assert.ok(plugins.body.some((p: any) => p.class === 'CounterSourceConnector' && p.type === 'source' && p.version === '9.9'));
    const records = await readTopic('counted', 3);
    assert.deepEqual(records.map((r) => r.key), ['k0', 'k1', 'k2']);
    assert.deepEqual(records[0]!.value, {
      schema: { type: 'struct', fields: [{ field: 'n', type: 'int32' }, { field: 'started', type: 'int32' }, { field: 'origin', type: 'string', optional: true }] },
      payload: { n: 0, started: 0, origin: 'plugin' },
    });
  } finally {
    await connect.stop();
  }
  // Raising the limit and restarting: the task resumes after the last stored offset.
  connect = await startWorker(worker, [{ ...connector, limit: '5' }]);
  try {
    const records = await readTopic('counted', 5);
    assert.deepEqual(records.slice(3).map((r) => r.value.payload), [{ n: 3, started: 3, origin: 'plugin' }, { n: 4, started: 3, origin: 'plugin' }]);
  } finally {
    await connect.stop();
  }
});

test('sink offsets are committed only after flush() succeeds', async () => {
  const g = globalThis as { gateFlushFails?: boolean; gatePut?: number; gateFlushed?: number[]; gateHeaders?: unknown[] };
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  await producer.send({ topic: 'gated', messages: [{ value: 'a' }, { value: 'b', headers: { n: '42', ok: 'true', who: 'me' } }] });
  await producer.close();
  const connect = await startWorker(workerConfig(broker.bootstrapServers, dir, { 'plugin.path': dir }));
  try {
    g.gateFlushFails = true;
    assert.equal((await call(connect.url, 'PUT', '/connectors/gate/config', { 'connector.class': 'GateSink', topics: 'gated' })).status, 201);
    await waitFor('the failed flush to fail the task', async () => (await call(connect.url, 'GET', '/connectors/gate/status')).body.tasks[0].state === 'FAILED');
    assert.equal(g.gatePut, 2, 'records were put');
    assert.deepEqual(g.gateHeaders, [
      [],
      [
        { key: 'n', schema: { type: 'int32' }, value: 42 },
        { key: 'ok', schema: { type: 'boolean' }, value: true },
        { key: 'who', schema: { type: 'string' }, value: 'me' },
      ],
    ], 'headers reach the task through the default SimpleHeaderConverter');
    assert.deepEqual((await call(connect.url, 'GET', '/connectors/gate/offsets')).body.offsets, [], 'nothing committed');

    g.gateFlushFails = false;
    await call(connect.url, 'POST', '/connectors/gate/restart?includeTasks=true&onlyFailed=true');
    await waitFor('a commit after a good flush', async () => (await call(connect.url, 'GET', '/connectors/gate/offsets')).body.offsets.length === 1);
    assert.deepEqual(g.gateFlushed, [2]);
    assert.equal(g.gatePut, 4, 'the uncommitted records were delivered again');
    assert.deepEqual((await call(connect.url, 'GET', '/connectors/gate/offsets')).body.offsets, [{ partition: { kafka_topic: 'gated', kafka_partition: 0 }, offset: { kafka_offset: 2 } }]);
  } finally {
    await connect.stop();
  }
});
