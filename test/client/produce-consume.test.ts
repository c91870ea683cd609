/** Producer and Consumer (assign) against an in-memory Brook. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, Producer, Consumer, Admin, KafkaError, type RunningBroker, type ConsumerRecord } from '../../src/index.js';

let broker: RunningBroker;
let admin: Admin;

before(async () => {
  broker = await startBroker({ port: 0, storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  admin = new Admin({ bootstrapServers: broker.bootstrapServers });
});

after(async () => {
  await admin.close();
  await broker.stop();
});

async function readN(consumer: Consumer, n: number): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  for await (const r of consumer) {
    out.push(r);
    if (out.length === n) break;
  }
  return out;
}

test('send resolves to partitions and offsets; for-await reads keys, values and headers back', async () => {
  await admin.createTopics({ topics: [{ topic: 'pc-basic', numPartitions: 1 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  const meta = await producer.send({
    topic: 'pc-basic',
    messages: [
      { key: 'k1', value: 'hello', headers: { h1: 'v1', h2: Buffer.from([0, 1]) } },
      { key: Buffer.from([0xff, 0x00]), value: Buffer.from('bytes') },
      { value: null },
    ],
  });
  assert.deepEqual(
    meta.map((m) => [m.topic, m.partition, m.offset]),
    [['pc-basic', 0, 0], ['pc-basic', 0, 1], ['pc-basic', 0, 2]],
  );
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers });
  await consumer.assign([{ topic: 'pc-basic', partition: 0, offset: 0 }]);
  const records = await readN(consumer, 3);
  assert.equal(records[0]!.key!.toString(), 'k1');
  assert.equal(records[0]!.value!.toString(), 'hello');
  assert.deepEqual(records[0]!.headers, [{ key: 'h1', value: Buffer.from('v1') }, { key: 'h2', value: Buffer.from([0, 1]) }]);
  assert.deepEqual(records[1]!.key, Buffer.from([0xff, 0x00]));
  assert.equal(records[2]!.value, null);
  assert.equal(records[2]!.key, null);
  assert.deepEqual(records.map((r) => r.offset), [0, 1, 2]);
  await producer.close();
  await consumer.close();
});

test('many concurrent sends are batched, ordered per partition, with every compression codec', async () => {
  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const topic = `pc-many-${compression}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const producer = new Producer({ bootstrapServers: broker.bootstrapServers, compression, lingerMs: 2 });
    const sends = [];
    for (let i = 0; i < 300; i++) sends.push(producer.send({ topic, messages: [{ key: `key-${i % 10}`, value: `v-${i}` }] }));
    const results = (await Promise.all(sends)).flat();
    await producer.close();
    const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers });
    await consumer.assign([0, 1, 2].map((partition) => ({ topic, partition, offset: 0 })));
    const records = await readN(consumer, 300);
    await consumer.close();
    const byValue = new Map(records.map((r) => [r.value!.toString(), r]));
    for (let i = 0; i < 300; i++) {
      const r = byValue.get(`v-${i}`)!;
      assert.ok(r, `v-${i} read back (${compression})`);
      assert.equal(r.partition, results[i]!.partition);
      assert.equal(r.offset, results[i]!.offset);
    }
    // Within a key, values arrive in send order.
    const last = new Map<string, number>();
    for (const r of records) {
      const n = Number(r.value!.toString().slice(2));
      assert.ok((last.get(r.key!.toString()) ?? -1) < n);
      last.set(r.key!.toString(), n);
    }
  }
});

test('backpressure: with a tiny buffer, send waits for room and everything still arrives', async () => {
  await admin.createTopics({ topics: [{ topic: 'pc-bp', numPartitions: 1 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, bufferMemoryBytes: 4096, batchSizeBytes: 1024, lingerMs: 0 });
  const value = Buffer.alloc(500, 1);
  const sends = [];
  for (let i = 0; i < 50; i++) sends.push(producer.send({ topic: 'pc-bp', messages: [{ value }] }));
  const offsets = (await Promise.all(sends)).map((r) => r[0]!.offset).sort((a, b) => a - b);
  assert.deepEqual(offsets, Array.from({ length: 50 }, (_, i) => i));
  await producer.close();
});

test('acks=0 sends without waiting for offsets', async () => {
  await admin.createTopics({ topics: [{ topic: 'pc-acks0', numPartitions: 1 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, acks: 0 });
  const r = await producer.send({ topic: 'pc-acks0', messages: [{ value: 'fire' }] });
  assert.equal(r[0]!.offset, -1);
  await producer.close();
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers });
  await consumer.assign([{ topic: 'pc-acks0', partition: 0, offset: 0 }]);
  assert.equal((await readN(consumer, 1))[0]!.value!.toString(), 'fire');
  await consumer.close();
});

test('seek, pause/resume, poll batches and autoOffsetReset', async () => {
  await admin.createTopics({ topics: [{ topic: 'pc-seek', numPartitions: 2 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  for (let i = 0; i < 10; i++) await producer.send({ topic: 'pc-seek', messages: [{ value: `a${i}`, partition: 0 }, { value: `b${i}`, partition: 1 }] });
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, autoOffsetReset: 'earliest', maxWaitMs: 50 });
  await consumer.assign([{ topic: 'pc-seek', partition: 0 }, { topic: 'pc-seek', partition: 1, offset: 8 }]);
  consumer.pause([{ topic: 'pc-seek', partition: 0 }]);
  const first = await consumer.poll({ timeoutMs: 2000 });
  assert.deepEqual(first.map((r) => r.value!.toString()), ['b8', 'b9']);
  consumer.resume([{ topic: 'pc-seek', partition: 0 }]);
  const second = await consumer.poll({ timeoutMs: 2000, maxRecords: 3 });
  assert.deepEqual(second.map((r) => r.value!.toString()), ['a0', 'a1', 'a2']);
  consumer.seek({ topic: 'pc-seek', partition: 0, offset: 7 });
  const third = await consumer.poll({ timeoutMs: 2000 });
  assert.deepEqual(third.map((r) => r.value!.toString()), ['a7', 'a8', 'a9']);
  assert.equal(consumer.position({ topic: 'pc-seek', partition: 0 }), 10);
  assert.deepEqual(await consumer.poll({ timeoutMs: 100 }), []);
  await consumer.close();
  await producer.close();

  const latest = new Consumer({ bootstrapServers: broker.bootstrapServers, maxWaitMs: 50 });
  await latest.assign([{ topic: 'pc-seek', partition: 0 }]);
  assert.equal(latest.position({ topic: 'pc-seek', partition: 0 }), 10, 'default reset is latest');
  await latest.close();
});

test('errors are typed: Kafka code, name and retriable', async () => {
  await assert.rejects(admin.createTopics({ topics: [{ topic: 'pc-basic', numPartitions: 1 }] }), (err: unknown) => {
    assert.ok(err instanceof KafkaError);
    assert.equal(err.code, 36);
    assert.equal(err.errorName, 'TOPIC_ALREADY_EXISTS');
    assert.equal(err.retriable, false);
    return true;
  });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers });
  await assert.rejects(producer.send({ topic: 'pc-basic', messages: [{ value: 'x', partition: 5 }] }), /partition 5/);
  await producer.close();
});

test('startBroker -> produce -> read back is fast (measured, asserted loosely)', async () => {
  const started = performance.now();
  const b = await startBroker({ port: 0, storage: 'memory' });
  const producer = new Producer({ bootstrapServers: b.bootstrapServers, lingerMs: 0 });
  const [meta] = await producer.send({ topic: 'fast', messages: [{ key: 'k', value: 'v' }] });
  const consumer = new Consumer({ bootstrapServers: b.bootstrapServers });
  await consumer.assign([{ topic: 'fast', partition: meta!.partition, offset: 0 }]);
  const [record] = await readN(consumer, 1);
  const elapsedMs = performance.now() - started;
  assert.equal(record!.value!.toString(), 'v');
  await producer.close();
  await consumer.close();
  await b.stop();
  // Typically ~10-30 ms; the bound is loose so a loaded CI machine does not flake.
  assert.ok(elapsedMs < 1000, `took ${elapsedMs.toFixed(1)} ms`);
  process.stderr.write(`# startBroker -> produce -> read back: ${elapsedMs.toFixed(1)} ms\n`);
});

test('a producer whose broker went away fails the send after its retries, with a retriable error', async () => {
  const b = await startBroker({ port: 0, storage: 'memory' });
  const producer = new Producer({ bootstrapServers: b.bootstrapServers, lingerMs: 0, retries: 2, retryBackoffMs: 10, connectTimeoutMs: 500 });
  await producer.send({ topic: 'gone', messages: [{ value: 'first' }] });
  await b.stop();
  const started = Date.now();
  await assert.rejects(producer.send({ topic: 'gone', messages: [{ value: 'second' }] }), (err: unknown) => {
    assert.equal((err as { retriable?: boolean }).retriable, true);
    assert.match((err as Error).message, /127\.0\.0\.1/);
    return true;
  });
  assert.ok(Date.now() - started < 5000);
  await producer.close();
});

test('metadata older than metadataMaxAgeMs is refreshed on use (injected clock)', async () => {
  await admin.createTopics({ topics: [{ topic: 'pc-grow', numPartitions: 1 }] });
  let nowMs = 1_000_000;
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, metadataMaxAgeMs: 60_000, clock: () => nowMs });
  await producer.send({ topic: 'pc-grow', messages: [{ value: 'a' }] });
  await admin.createPartitions({ topicPartitions: [{ topic: 'pc-grow', count: 4 }] });
  await assert.rejects(producer.send({ topic: 'pc-grow', messages: [{ value: 'b', partition: 3 }] }), /partition 3 of pc-grow does not exist/);
  nowMs += 60_001;
  const [meta] = await producer.send({ topic: 'pc-grow', messages: [{ value: 'c', partition: 3 }] });
  assert.equal(meta!.partition, 3);
  assert.equal(meta!.timestamp, nowMs, 'record timestamps come from the same clock');
  await producer.close();
});
