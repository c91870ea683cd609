/**
 * Transactions with Brook's own producer: committed records visible and aborted ones invisible
 * to read_committed consumers (ours and kafkajs), a zombie fenced by a newer instance, and a
 * consume-transform-produce loop that writes each input exactly once across an abort and a crash.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { readValues } from './read-values.js';
import { Producer, Consumer, Admin, startBroker, ProducerFencedError, KafkaError, type RunningBroker, type TopicPartition } from '../../src/index.js';

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

function readAll(topic: string, partitions: number, isolationLevel: 'read_committed' | 'read_uncommitted', atLeast: number): Promise<string[]> {
  return readValues(broker.bootstrapServers, topic, Array.from({ length: partitions }, (_, p) => p), isolationLevel, atLeast, 3000);
}

/** kafkajs, read_committed (its default): the values it sees, waiting for `count`. */
async function readWithKafkajs(topic: string, count: number): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'txn-check', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `kjs-${topic}-${Math.random()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
  const out: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let done!: () => void;
    const enough = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachMessage: async ({ message }) => {
        out.push(message.value!.toString());
        if (out.length >= count) done();
      },
    });
    let timer!: NodeJS.Timeout;
    await Promise.race([enough, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    await new Promise((r) => setTimeout(r, 300)); // extras, if any, arrive now
    return [...out];
  } finally {
    await consumer.disconnect();
  }
}

test('committed records are visible, aborted ones are not (our read_committed consumer and kafkajs)', async () => {
  await admin.createTopics({ topics: [{ topic: 'txn-vis', numPartitions: 1 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, transactionalId: 'tx-vis' });
  try {
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic: 'txn-vis', messages: [{ value: 'a1' }, { value: 'a2' }] });
    await producer.commitTransaction();
    producer.beginTransaction();
    await producer.send({ topic: 'txn-vis', messages: [{ value: 'b1' }, { value: 'b2' }] });
    await producer.abortTransaction();
    producer.beginTransaction();
    await producer.send({ topic: 'txn-vis', messages: [{ value: 'c1' }] });
    await producer.commitTransaction();
    assert.equal(producer.transactionState, 'ready');
  } finally {
    await producer.close();
  }
  assert.deepEqual(await readAll('txn-vis', 1, 'read_uncommitted', 5), ['a1', 'a2', 'b1', 'b2', 'c1'], 'the aborted records are in the log');
  assert.deepEqual(await readAll('txn-vis', 1, 'read_committed', 3), ['a1', 'a2', 'c1']);
  assert.deepEqual(await readWithKafkajs('txn-vis', 3), ['a1', 'a2', 'c1']);
});

test('send outside a transaction is refused; abort drops records not yet sent', async () => {
  await admin.createTopics({ topics: [{ topic: 'txn-state', numPartitions: 1 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, transactionalId: 'tx-state', lingerMs: 60_000 });
  try {
    await assert.rejects(producer.send({ topic: 'txn-state', messages: [{ value: 'x' }] }), (e: KafkaError) => e.code === 48); // INVALID_TXN_STATE
    await producer.initTransactions();
    await assert.rejects(producer.send({ topic: 'txn-state', messages: [{ value: 'x' }] }), /beginTransaction/);
    producer.beginTransaction();
    const lingering = producer.send({ topic: 'txn-state', messages: [{ value: 'never' }] });
    await new Promise((r) => setTimeout(r, 50));
    await producer.abortTransaction();
    await assert.rejects(lingering, /aborted/);
    producer.beginTransaction();
    const sent = producer.send({ topic: 'txn-state', messages: [{ value: 'kept' }] });
    await producer.commitTransaction();
    await sent;
  } finally {
    await producer.close();
  }
  assert.deepEqual(await readAll('txn-state', 1, 'read_uncommitted', 1), ['kept']);
});

test('a zombie with an old epoch is fenced with a fatal ProducerFencedError; the new instance carries on', async () => {
  await admin.createTopics({ topics: [{ topic: 'txn-zombie', numPartitions: 1 }] });
  const zombie = new Producer({ bootstrapServers: broker.bootstrapServers, transactionalId: 'tx-zombie' });
  const fresh = new Producer({ bootstrapServers: broker.bootstrapServers, transactionalId: 'tx-zombie' });
  try {
    await zombie.initTransactions();
    zombie.beginTransaction();
    await zombie.send({ topic: 'txn-zombie', messages: [{ value: 'zombie-1' }] });
    await fresh.initTransactions(); // bumps the epoch, aborts the zombie's open transaction
    assert.ok(fresh.producerIdAndEpoch.producerEpoch > zombie.producerIdAndEpoch.producerEpoch);
    await assert.rejects(zombie.send({ topic: 'txn-zombie', messages: [{ value: 'zombie-2' }] }), ProducerFencedError);
    await assert.rejects(zombie.commitTransaction(), ProducerFencedError);
    assert.equal(zombie.transactionState, 'fatal-error');
    fresh.beginTransaction();
    await fresh.send({ topic: 'txn-zombie', messages: [{ value: 'fresh-1' }] });
    await fresh.commitTransaction();
  } finally {
    await zombie.close();
    await fresh.close();
  }
  assert.deepEqual(await readAll('txn-zombie', 1, 'read_committed', 1), ['fresh-1']);
});

const INPUT = 60;

/**
 * One instance of a consume-transform-produce processor: read a few records, write their
 * transformation and the input offsets in one transaction. `abortAt`: that transaction is aborted
 * (and the input re-read from the committed offsets); `crashAt`: the process "dies" in the middle
 * of that transaction (sent, offsets added, never committed). Returns the transactions committed.
 */
async function runProcessor(options: { abortAt?: number; crashAt?: number }): Promise<number> {
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, groupId: 'eos-group', autoCommit: false, isolationLevel: 'read_committed', autoOffsetReset: 'earliest', maxPollRecords: 7 });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, transactionalId: 'eos-processor' });
  let committed = 0;
  try {
    await producer.initTransactions(); // fences a previous instance, aborting what it left open
    await consumer.subscribe({ topics: ['eos-in'] });
    for (let txn = 0; ; txn++) {
      const records = await consumer.poll({ timeoutMs: 1500 });
      if (records.length === 0) return committed;
      producer.beginTransaction();
      const next = new Map<string, TopicPartition & { offset: number }>();
      await Promise.all(records.map((r) => producer.send({ topic: 'eos-out', messages: [{ key: r.key, value: `out-${r.value!.toString()}` }] })));
      for (const r of records) next.set(`${r.topic}-${r.partition}`, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
      await producer.sendOffsetsToTransaction({ consumerGroupMetadata: consumer.groupMetadata(), offsets: [...next.values()] });
      if (txn === options.crashAt) return committed;
      if (txn === options.abortAt) {
        await producer.abortTransaction();
        // As in Java's pattern: rewind to the last committed offsets and redo the work.
        for (const c of await consumer.committed(consumer.assignment())) consumer.seek({ ...c, offset: c.offset < 0 ? 0 : c.offset });
        continue;
      }
      await producer.commitTransaction();
      committed++;
    }
  } finally {
    await consumer.close();
    await producer.close();
  }
}

test('consume-transform-produce with sendOffsetsToTransaction: each input exactly once across an abort and a crash', async () => {
  await admin.createTopics({ topics: [{ topic: 'eos-in', numPartitions: 2 }, { topic: 'eos-out', numPartitions: 2 }] });
  const plain = new Producer({ bootstrapServers: broker.bootstrapServers });
  await plain.send({ topic: 'eos-in', messages: Array.from({ length: INPUT }, (_, i) => ({ key: `k${i % 5}`, value: `i${i}` })) });
  await plain.close();

  const first = await runProcessor({ abortAt: 1, crashAt: 4 });
  assert.equal(first, 3, 'three transactions committed before the crash');
  const second = await runProcessor({});
  assert.ok(second > 0, 'the restarted processor finished the input');

  const expected = Array.from({ length: INPUT }, (_, i) => `out-i${i}`).sort();
  const raw = await readAll('eos-out', 2, 'read_uncommitted', INPUT);
  assert.ok(raw.length > INPUT, `the aborted and the crashed transactions left records in the log (${raw.length})`);
  assert.deepEqual((await readAll('eos-out', 2, 'read_committed', INPUT)).sort(), expected);
  assert.deepEqual((await readWithKafkajs('eos-out', INPUT)).sort(), expected);
  const offsets = await admin.fetchGroupOffsets('eos-group', ['eos-in']);
  assert.equal(offsets.reduce((sum, o) => sum + o.offset, 0), INPUT, 'the group committed the end of the input');
});

test('kafkajs transactions read by our read_committed consumer: aborted records skipped', async () => {
  await admin.createTopics({ topics: [{ topic: 'txn-kjs', numPartitions: 1 }] });
  const kafka = new Kafka({ clientId: 'txn-kjs', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: 'kjs-tx', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const [values, commit] of [[['k1', 'k2'], true], [['x1', 'x2', 'x3'], false], [['k3'], true]] as const) {
      const txn = await producer.transaction();
      await txn.send({ topic: 'txn-kjs', messages: values.map((value) => ({ value })) });
      if (commit) await txn.commit();
      else await txn.abort();
    }
  } finally {
    await producer.disconnect();
  }
  assert.deepEqual(await readAll('txn-kjs', 1, 'read_committed', 3), ['k1', 'k2', 'k3']);
  assert.equal((await readAll('txn-kjs', 1, 'read_uncommitted', 6)).length, 6);
});

test('a read_committed consumer\'s position passes aborted data and the markers at the end of a partition', async () => {
  await admin.createTopics({ topics: [{ topic: 'txn-tail', numPartitions: 1 }] });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, transactionalId: 'tx-tail' });
  try {
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic: 'txn-tail', messages: [{ value: 'kept' }] });
    await producer.commitTransaction();
    producer.beginTransaction();
    await producer.send({ topic: 'txn-tail', messages: [{ value: 'dropped' }] });
    await producer.abortTransaction();
  } finally {
    await producer.close();
  }
  const [end] = await admin.fetchTopicOffsets('txn-tail');
  assert.equal(end!.high, 4, 'kept, commit marker, dropped, abort marker');
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, isolationLevel: 'read_committed' });
  try {
    const tp = { topic: 'txn-tail', partition: 0 };
    await consumer.assign([{ ...tp, offset: 0 }]);
    const values: string[] = [];
    const deadline = Date.now() + 5000;
    while (consumer.position(tp) < end!.high && Date.now() < deadline) for (const r of await consumer.poll({ timeoutMs: 100 })) values.push(r.value!.toString());
    assert.deepEqual(values, ['kept']);
    assert.equal(consumer.position(tp), 4, 'a restore loop reading to the end offset terminates');
  } finally {
    await consumer.close();
  }
});
