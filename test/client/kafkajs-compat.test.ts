/** Cross-check with kafkajs: records written by one client are read identically by the other; same key -> partition. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, CompressionTypes, Partitioners } from 'kafkajs';
import { startBroker, Producer, Consumer, Admin, partitionForKey, type RunningBroker, type ConsumerRecord } from '../../src/index.js';
import { kcat } from '../helpers/kcat.js';

let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  broker = await startBroker({ port: 0, storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  kafka = new Kafka({ clientId: 'compat', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  admin = new Admin({ bootstrapServers: broker.bootstrapServers });
});

after(async () => {
  await admin.close();
  await broker.stop();
});

const messages = Array.from({ length: 60 }, (_, i) => ({
  key: i % 7 === 0 ? null : `key-${i % 13}`,
  value: i % 11 === 0 ? Buffer.from([0, 1, 2, 255]) : `value-${i}-${'é'.repeat(i % 4)}`,
  headers: i % 3 === 0 ? { trace: `t${i}`, bin: Buffer.from([i]) } : {},
}));

async function readAll(topic: string, partitions: number, n: number): Promise<ConsumerRecord[]> {
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, maxWaitMs: 50 });
  await consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })));
  const out: ConsumerRecord[] = [];
  const deadline = Date.now() + 5000;
  while (out.length < n && Date.now() < deadline) out.push(...(await consumer.poll({ timeoutMs: 100 })));
  await consumer.close();
  return out;
}

const asBuffer = (v: string | Buffer | null) => (v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v));

test('kafkajs writes (gzip, keyed), Brook reads identically, and keys land where Brook would put them', async () => {
  await admin.createTopics({ topics: [{ topic: 'from-kafkajs', numPartitions: 5 }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const keyed = messages.filter((m) => m.key !== null);
  const results = await producer.send({ topic: 'from-kafkajs', compression: CompressionTypes.GZIP, messages: keyed });
  await producer.disconnect();
  assert.ok(results.length > 0);
  const records = await readAll('from-kafkajs', 5, keyed.length);
  assert.equal(records.length, keyed.length);
  const ours = new Producer({ bootstrapServers: broker.bootstrapServers });
  const mine = await ours.send({ topic: 'from-kafkajs', messages: keyed });
  await ours.close();
  for (let i = 0; i < keyed.length; i++) {
    const m = keyed[i]!;
    const r = records.find((x) => x.value!.equals(asBuffer(m.value)!) && x.key!.equals(asBuffer(m.key)!))!;
    assert.ok(r, `message ${i} read back`);
    assert.equal(mine[i]!.partition, r.partition, `key ${m.key} on the same partition`);
    assert.deepEqual(
      r.headers,
      Object.entries(m.headers).map(([key, value]) => ({ key, value: asBuffer(value) })),
    );
  }
});

test('Brook writes (gzip, null and binary keys, headers), a kafkajs group consumer reads identically', async () => {
  await admin.createTopics({ topics: [{ topic: 'from-brook', numPartitions: 3 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, compression: 'gzip' }); // kafkajs reads only gzip without plugins
  const meta = await producer.send({ topic: 'from-brook', messages });
  await producer.close();
  const consumer = kafka.consumer({ groupId: 'kafkajs-reader', maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'from-brook', fromBeginning: true });
  const seen: Array<{ partition: number; offset: string; key: Buffer | null; value: Buffer | null; headers: Record<string, unknown> }> = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafkajs read ${seen.length} of ${messages.length}`)), 15_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers ?? {} });
          if (seen.length === messages.length) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const r = seen.find((s) => s.partition === meta[i]!.partition && Number(s.offset) === meta[i]!.offset)!;
    assert.ok(r, `record ${i} seen by kafkajs`);
    assert.deepEqual(r.key, asBuffer(m.key));
    assert.deepEqual(r.value, asBuffer(m.value));
    assert.deepEqual(Object.keys(r.headers).sort(), Object.keys(m.headers).sort());
    for (const [k, v] of Object.entries(m.headers)) assert.deepEqual(r.headers[k], asBuffer(v));
  }
});

test('librdkafka (kcat, murmur2_random) puts keys on the partitions Brook chooses', async () => {
  await admin.createTopics({ topics: [{ topic: 'from-kcat', numPartitions: 6 }] });
  const keys = Array.from({ length: 40 }, (_, i) => `user-${i * 7919}`);
  const input = keys.map((k, i) => `${k}:v${i}`).join('\n') + '\n';
  const r = await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'from-kcat', '-K', ':', '-X', 'topic.partitioner=murmur2_random'], input);
  assert.equal(r.code, 0, r.stderr);
  const records = await readAll('from-kcat', 6, keys.length);
  assert.equal(records.length, keys.length);
  for (const rec of records) assert.equal(rec.partition, partitionForKey(rec.key!, 6), `key ${rec.key}`);
});

test('read_committed skips a kafkajs transaction that was aborted; read_uncommitted sees it', async () => {
  await admin.createTopics({ topics: [{ topic: 'from-txn', numPartitions: 1 }] });
  const producer = kafka.producer({ transactionalId: 'compat-txn', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (const [value, commit] of [['committed-1', true], ['aborted', false], ['committed-2', true]] as const) {
    const txn = await producer.transaction();
    await txn.send({ topic: 'from-txn', messages: [{ value }] });
    if (commit) await txn.commit();
    else await txn.abort();
  }
  await producer.disconnect();
  const read = async (isolationLevel: 'read_committed' | 'read_uncommitted', expected: number) => {
    const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, isolationLevel, maxWaitMs: 50 });
    await consumer.assign([{ topic: 'from-txn', partition: 0, offset: 0 }]);
    const out: string[] = [];
    const deadline = Date.now() + 5000;
    while (out.length < expected && Date.now() < deadline) out.push(...(await consumer.poll({ timeoutMs: 100 })).map((r) => r.value!.toString()));
    out.push(...(await consumer.poll({ timeoutMs: 100 })).map((r) => r.value!.toString()));
    await consumer.close();
    return out;
  };
  assert.deepEqual(await read('read_committed', 2), ['committed-1', 'committed-2']);
  assert.deepEqual(await read('read_uncommitted', 3), ['committed-1', 'aborted', 'committed-2']);
});
