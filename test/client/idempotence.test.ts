/**
 * The idempotent producer (the default): batches carry producer id, epoch and sequences; through a
 * proxy that loses Produce responses (the broker appended, the client sees a dropped connection
 * and resends), every partition still holds each message exactly once and in order.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Producer, Consumer, Admin, startBroker, KafkaError, TransactionAbortableError, type RunningBroker } from '../../src/index.js';
import { decodeBatches } from '../../src/records/record-batch.js';
import { RawClient } from '../helpers/raw-client.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startDropProxy } from '../txn/drop-proxy.js';
import { ApiKey, startRejectProxy } from './reject-proxy.js';
import { readValues } from './read-values.js';

let broker: RunningBroker;

before(async () => {
  broker = await startBroker({ port: 0, storage: 'memory' });
});

after(async () => {
  await broker.stop();
});

interface BatchHeader {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  count: number;
}

async function batchHeaders(port: number, topic: string, partition = 0): Promise<BatchHeader[]> {
  const client = await RawClient.connect(port);
  try {
    const r = await client.request(1, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 10_000_000, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 10_000_000 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const records = r.responses[0].partitions[0].records ?? Buffer.alloc(0);
    return decodeBatches(records).map((b) => ({ producerId: Number(b.producerId), producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, count: b.records.length }));
  } finally {
    client.close();
  }
}

function readCommitted(bootstrapServers: string, topic: string, partition: number, count: number): Promise<string[]> {
  return readValues(bootstrapServers, topic, [partition], 'read_committed', count, 2000);
}

test('idempotence is on by default: batches carry the producer id, epoch 0 and consecutive sequences', async () => {
  const admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  await admin.createTopics({ topics: [{ topic: 'idem-default', numPartitions: 1 }] });
  await admin.close();
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, lingerMs: 0 });
  try {
    await producer.send({ topic: 'idem-default', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.send({ topic: 'idem-default', messages: [{ value: 'c' }] });
    await producer.send({ topic: 'idem-default', messages: [{ value: 'd' }, { value: 'e' }, { value: 'f' }] });
    const { producerId, producerEpoch } = producer.producerIdAndEpoch;
    assert.ok(producerId >= 0, 'got a producer id');
    assert.equal(producer.transactionState, 'ready');
    const headers = await batchHeaders(broker.port, 'idem-default');
    assert.deepEqual(headers, [
      { producerId, producerEpoch, baseSequence: 0, count: 2 },
      { producerId, producerEpoch, baseSequence: 2, count: 1 },
      { producerId, producerEpoch, baseSequence: 3, count: 3 },
    ]);
  } finally {
    await producer.close();
  }
});

test('idempotent: false opts out (no producer id in the batches); acks=1 turns idempotence off unless asked for', async () => {
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, idempotent: false, lingerMs: 0 });
  await producer.send({ topic: 'idem-off', messages: [{ value: 'x' }] });
  await producer.close();
  assert.deepEqual(await batchHeaders(broker.port, 'idem-off'), [{ producerId: -1, producerEpoch: -1, baseSequence: -1, count: 1 }]);
  assert.equal(new Producer({ bootstrapServers: broker.bootstrapServers, acks: 1 }).transactionState, null);
  assert.throws(() => new Producer({ bootstrapServers: broker.bootstrapServers, acks: 1, idempotent: true }), /acks must be 'all'/);
  assert.throws(() => new Producer({ bootstrapServers: broker.bootstrapServers, maxInFlightRequests: 6, idempotent: true }), /maxInFlightRequests/);
  assert.throws(() => new Producer({ bootstrapServers: broker.bootstrapServers, transactionalId: 't', idempotent: false }), /transactional/);
});

/** A broker behind a proxy that drops the connection instead of every `every`-th Produce answer, at most `max` times. */
async function brokerBehindProxy(every: number, max: number) {
  let produces = 0;
  const proxy = await startDropProxy(() => ++produces % every === 0 && produces / every <= max);
  const b: TestBroker = await startTestBroker({ storage: 'memory', config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` } });
  proxy.setTarget(b.port);
  return {
    proxy,
    bootstrap: `127.0.0.1:${proxy.port}`,
    async close() {
      await proxy.close();
      await b.stop();
    },
  };
}

/** 400 messages over 2 partitions, 40 concurrent sends of 10, small batches so several are in flight per partition. */
async function produceThroughDrops(idempotent: boolean): Promise<{ partitions: string[][]; dropped: number }> {
  const env = await brokerBehindProxy(3, 12);
  const producer = new Producer({ bootstrapServers: env.bootstrap, idempotent, lingerMs: 0, batchSizeBytes: 120, retries: 30, retryBackoffMs: 5, retryBackoffMaxMs: 40 });
  try {
    const admin = new Admin({ bootstrapServers: env.bootstrap });
    await admin.createTopics({ topics: [{ topic: 'drops', numPartitions: 2 }] });
    await admin.close();
    const sends: Promise<unknown>[] = [];
    for (let s = 0; s < 40; s++) {
      const messages = Array.from({ length: 10 }, (_, j) => {
        const i = s * 10 + j;
        return { value: `m${i}`, partition: i % 2 };
      });
      sends.push(producer.send({ topic: 'drops', messages }));
    }
    await Promise.all(sends);
    const partitions = [await readCommitted(env.bootstrap, 'drops', 0, 200), await readCommitted(env.bootstrap, 'drops', 1, 200)];
    return { partitions, dropped: env.proxy.dropped };
  } finally {
    await producer.close();
    await env.close();
  }
}

test('connections dropped while sending: no duplicates, no gaps, order kept per partition', async () => {
  const { partitions, dropped } = await produceThroughDrops(true);
  assert.ok(dropped >= 5, `the proxy dropped ${dropped} responses`);
  for (const p of [0, 1]) {
    const expected = Array.from({ length: 200 }, (_, k) => `m${k * 2 + p}`);
    assert.deepEqual(partitions[p], expected, `partition ${p} holds each message once, in send order`);
  }
});

test('the same drops without idempotence do write duplicates (the check above can fail)', async () => {
  const { partitions, dropped } = await produceThroughDrops(false);
  assert.ok(dropped > 0);
  const all = partitions.flat();
  assert.ok(all.length > new Set(all).size, 'resent batches were appended twice');
});

/** A broker behind a proxy that answers chosen Produce requests itself with an error (see reject-proxy.ts). */
async function brokerBehindRejectProxy(reject: (n: number, apiKey: number) => number) {
  const proxy = await startRejectProxy(reject);
  const b: TestBroker = await startTestBroker({ storage: 'memory', config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` } });
  proxy.setTarget(b.port);
  return {
    proxy,
    port: b.port,
    bootstrap: `127.0.0.1:${proxy.port}`,
    async close() {
      await proxy.close();
      await b.stop();
    },
  };
}

const UNKNOWN_PRODUCER_ID = 59;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;

test('UNKNOWN_PRODUCER_ID: the producer bumps its epoch, restarts sequences at 0 and resends; nothing lost or doubled', async () => {
  const env = await brokerBehindRejectProxy((n, api) => (api === ApiKey.PRODUCE && n === 3 ? UNKNOWN_PRODUCER_ID : 0));
  const producer = new Producer({ bootstrapServers: env.bootstrap, lingerMs: 0, retryBackoffMs: 5 });
  try {
    for (let i = 0; i < 6; i++) await producer.send({ topic: 'idem-bump', messages: [{ value: `v${i}` }] });
    assert.equal(env.proxy.rejected, 1);
    const { producerId } = producer.producerIdAndEpoch;
    assert.equal(producer.producerIdAndEpoch.producerEpoch, 1);
    const headers = await batchHeaders(env.port, 'idem-bump');
    assert.deepEqual(headers.map((h) => [h.producerId, h.producerEpoch, h.baseSequence]), [
      [producerId, 0, 0],
      [producerId, 0, 1],
      [producerId, 1, 0],
      [producerId, 1, 1],
      [producerId, 1, 2],
      [producerId, 1, 3],
    ]);
    assert.deepEqual(await readCommitted(env.bootstrap, 'idem-bump', 0, 6), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  } finally {
    await producer.close();
    await env.close();
  }
});

test('OUT_OF_ORDER_SEQUENCE_NUMBER for the oldest batch (data lost): that send fails, the epoch is bumped, later sends go on', async () => {
  const env = await brokerBehindRejectProxy((n, api) => (api === ApiKey.PRODUCE && n === 2 ? OUT_OF_ORDER_SEQUENCE_NUMBER : 0));
  const producer = new Producer({ bootstrapServers: env.bootstrap, lingerMs: 0, retryBackoffMs: 5 });
  try {
    await producer.send({ topic: 'idem-gap', messages: [{ value: 'v0' }] });
    await assert.rejects(producer.send({ topic: 'idem-gap', messages: [{ value: 'lost' }] }), (e: KafkaError) => e.code === OUT_OF_ORDER_SEQUENCE_NUMBER);
    await producer.send({ topic: 'idem-gap', messages: [{ value: 'v1' }] });
    assert.equal(producer.producerIdAndEpoch.producerEpoch, 1);
    assert.deepEqual((await batchHeaders(env.port, 'idem-gap')).map((h) => [h.producerEpoch, h.baseSequence]), [[0, 0], [1, 0]]);
  } finally {
    await producer.close();
    await env.close();
  }
});

test('transactional: UNKNOWN_PRODUCER_ID makes the transaction abortable; abort bumps the epoch at the coordinator (KIP-360) and the next one commits', async () => {
  const env = await brokerBehindRejectProxy((n, api) => (api === ApiKey.PRODUCE && n === 2 ? UNKNOWN_PRODUCER_ID : 0));
  const producer = new Producer({ bootstrapServers: env.bootstrap, transactionalId: 'tx-bump', lingerMs: 0, retryBackoffMs: 5 });
  try {
    await producer.initTransactions();
    const epoch = producer.producerIdAndEpoch.producerEpoch;
    producer.beginTransaction();
    await producer.send({ topic: 'txn-bump', messages: [{ value: 'aborted-1' }] });
    await assert.rejects(producer.send({ topic: 'txn-bump', messages: [{ value: 'aborted-2' }] }), TransactionAbortableError);
    assert.equal(producer.transactionState, 'abortable-error');
    await assert.rejects(producer.commitTransaction(), TransactionAbortableError);
    await producer.abortTransaction();
    assert.ok(producer.producerIdAndEpoch.producerEpoch > epoch, 'the coordinator bumped the epoch');
    producer.beginTransaction();
    await producer.send({ topic: 'txn-bump', messages: [{ value: 'committed' }] });
    await producer.commitTransaction();
    const consumer = new Consumer({ bootstrapServers: env.bootstrap, isolationLevel: 'read_committed' });
    await consumer.assign([{ topic: 'txn-bump', partition: 0, offset: 0 }]);
    const seen: string[] = [];
    while (seen.length < 1) {
      const records = await consumer.poll({ timeoutMs: 3000 });
      if (records.length === 0) break;
      seen.push(...records.map((r) => r.value!.toString()));
    }
    await consumer.close();
    assert.deepEqual(seen, ['committed']);
  } finally {
    await producer.close();
    await env.close();
  }
});

test('a transactional producer through dropped connections: each committed record once, in order', async () => {
  const env = await brokerBehindProxy(4, 10);
  const producer = new Producer({ bootstrapServers: env.bootstrap, transactionalId: 'tx-drops', lingerMs: 0, batchSizeBytes: 120, retries: 30, retryBackoffMs: 5, retryBackoffMaxMs: 40 });
  try {
    const admin = new Admin({ bootstrapServers: env.bootstrap });
    await admin.createTopics({ topics: [{ topic: 'txn-drops', numPartitions: 2 }] });
    await admin.close();
    await producer.initTransactions();
    let i = 0;
    for (let txn = 0; txn < 5; txn++) {
      producer.beginTransaction();
      const sends: Promise<unknown>[] = [];
      for (let s = 0; s < 8; s++) {
        sends.push(producer.send({ topic: 'txn-drops', messages: Array.from({ length: 5 }, () => ({ value: `m${i}`, partition: i++ % 2 })) }));
      }
      await Promise.all(sends);
      await producer.commitTransaction();
    }
    assert.ok(env.proxy.dropped >= 5, `the proxy dropped ${env.proxy.dropped} responses`);
    for (const p of [0, 1]) {
      const values = await readCommitted(env.bootstrap, 'txn-drops', p, 100);
      assert.deepEqual(values, Array.from({ length: 100 }, (_, k) => `m${k * 2 + p}`), `partition ${p}`);
    }
  } finally {
    await producer.close();
    await env.close();
  }
});
