/**
 * How the transactional producer meets coordinator errors, injected by a proxy that answers
 * chosen requests itself: retriable ones (COORDINATOR_LOAD_IN_PROGRESS, CONCURRENT_TRANSACTIONS,
 * NOT_COORDINATOR) are retried and the transaction commits; fencing is fatal; an authorization
 * failure on AddPartitionsToTxn makes only the transaction abortable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Producer, Consumer, Admin, ProducerFencedError, KafkaError } from '../../src/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { ApiKey, startRejectProxy } from './reject-proxy.js';

const Code = { COORDINATOR_LOAD_IN_PROGRESS: 14, NOT_COORDINATOR: 16, TOPIC_AUTHORIZATION_FAILED: 29, CONCURRENT_TRANSACTIONS: 51, PRODUCER_FENCED: 90 };

async function brokerBehindRejectProxy(reject: (n: number, apiKey: number) => number) {
  const proxy = await startRejectProxy(reject);
  const b: TestBroker = await startTestBroker({ storage: 'memory', config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}`, 'group.initial.rebalance.delay.ms': '0' } });
  proxy.setTarget(b.port);
  const bootstrap = `127.0.0.1:${proxy.port}`;
  const admin = new Admin({ bootstrapServers: bootstrap });
  return {
    proxy,
    bootstrap,
    admin,
    async committedValues(topic: string, count: number): Promise<string[]> {
      const consumer = new Consumer({ bootstrapServers: bootstrap, isolationLevel: 'read_committed' });
      await consumer.assign([{ topic, partition: 0, offset: 0 }]);
      const out: string[] = [];
      while (out.length < count) {
        const records = await consumer.poll({ timeoutMs: 3000 });
        if (records.length === 0) break;
        out.push(...records.map((r) => r.value!.toString()));
      }
      await consumer.close();
      return out;
    },
    async close() {
      await admin.close();
      await proxy.close();
      await b.stop();
    },
  };
}

test('retriable coordinator errors on every transaction request are retried and the transaction commits', async () => {
  const firstFails: Record<number, number> = {
    [ApiKey.INIT_PRODUCER_ID]: Code.COORDINATOR_LOAD_IN_PROGRESS,
    [ApiKey.ADD_PARTITIONS_TO_TXN]: Code.CONCURRENT_TRANSACTIONS,
    [ApiKey.ADD_OFFSETS_TO_TXN]: Code.NOT_COORDINATOR,
    [ApiKey.TXN_OFFSET_COMMIT]: Code.COORDINATOR_LOAD_IN_PROGRESS,
    [ApiKey.END_TXN]: Code.CONCURRENT_TRANSACTIONS,
  };
  const env = await brokerBehindRejectProxy((n, api) => (n === 1 ? firstFails[api] ?? 0 : 0));
  const producer = new Producer({ bootstrapServers: env.bootstrap, transactionalId: 'tx-retry', retryBackoffMs: 5 });
  try {
    await env.admin.createTopics({ topics: [{ topic: 'retry-in', numPartitions: 1 }, { topic: 'retry-out', numPartitions: 1 }] });
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic: 'retry-out', messages: [{ value: 'v1' }] });
    await producer.sendOffsetsToTransaction({ groupId: 'retry-group', offsets: [{ topic: 'retry-in', partition: 0, offset: 42 }] });
    await producer.commitTransaction();
    assert.equal(env.proxy.rejected, 5, 'each transaction API failed once');
    assert.deepEqual(await env.committedValues('retry-out', 1), ['v1']);
    assert.deepEqual(await env.admin.fetchGroupOffsets('retry-group', ['retry-in']), [{ topic: 'retry-in', partition: 0, offset: 42, metadata: '' }]);
  } finally {
    await producer.close();
    await env.close();
  }
});

test('PRODUCER_FENCED from EndTxn is fatal: ProducerFencedError, and every later call fails with it', async () => {
  const env = await brokerBehindRejectProxy((n, api) => (api === ApiKey.END_TXN ? Code.PRODUCER_FENCED : 0));
  const producer = new Producer({ bootstrapServers: env.bootstrap, transactionalId: 'tx-fenced' });
  try {
    await producer.initTransactions();
    producer.beginTransaction();
    await producer.send({ topic: 'fenced-out', messages: [{ value: 'v' }] });
    await assert.rejects(producer.commitTransaction(), (e: ProducerFencedError) => e instanceof ProducerFencedError && e.fatal && e.code === Code.PRODUCER_FENCED);
    assert.equal(producer.transactionState, 'fatal-error');
    await assert.rejects(producer.abortTransaction(), ProducerFencedError);
    assert.throws(() => producer.beginTransaction(), ProducerFencedError);
    await assert.rejects(producer.send({ topic: 'fenced-out', messages: [{ value: 'w' }] }), ProducerFencedError);
  } finally {
    await producer.close();
    await env.close();
  }
});

test('an AddPartitionsToTxn failure fails the sends and the commit; abort recovers, the next transaction commits', async () => {
  const env = await brokerBehindRejectProxy((n, api) => (api === ApiKey.ADD_PARTITIONS_TO_TXN && n === 1 ? Code.TOPIC_AUTHORIZATION_FAILED : 0));
  const producer = new Producer({ bootstrapServers: env.bootstrap, transactionalId: 'tx-abortable' });
  try {
    await env.admin.createTopics({ topics: [{ topic: 'abortable-out', numPartitions: 1 }] });
    await producer.initTransactions();
    producer.beginTransaction();
    await assert.rejects(producer.send({ topic: 'abortable-out', messages: [{ value: 'denied' }] }), (e: KafkaError) => e.code === Code.TOPIC_AUTHORIZATION_FAILED);
    assert.equal(producer.transactionState, 'abortable-error');
    await assert.rejects(producer.commitTransaction(), (e: KafkaError) => e.code === Code.TOPIC_AUTHORIZATION_FAILED);
    await producer.abortTransaction();
    producer.beginTransaction();
    await producer.send({ topic: 'abortable-out', messages: [{ value: 'ok' }] });
    await producer.commitTransaction();
    assert.deepEqual(await env.committedValues('abortable-out', 1), ['ok']);
  } finally {
    await producer.close();
    await env.close();
  }
});
