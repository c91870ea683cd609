/**
 * Transactional producers of real clients: kafkajs and librdkafka (confluent-kafka). Aborted
 * transactions are invisible to read_committed consumers (kcat, kafkajs) and visible to
 * read_uncommitted ones; a zombie producer is fenced; a hung transaction is aborted on its timeout.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { startBroker } from '../../src/broker/index.js';
import { kcat } from '../helpers/kcat.js';

const DEBIAN_PYTHON = '/usr/bin/python3';
const hasConfluentKafka = existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;

let broker: TestBroker;
let kafka: Kafka;

before(async () => {
  broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  kafka = new Kafka({ clientId: 'txn-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 10 } });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: ['kjs-txn', 'zombie', 'py-txn'].map((topic) => ({ topic, numPartitions: 2 })) });
  await admin.disconnect();
});

after(async () => {
  await broker.stop();
});

async function consume(topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
  const out = await kcat(['-b', broker.bootstrapServers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n', '-X', `isolation.level=${isolation}`]);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.split('\n').filter((l) => l.length > 0).sort();
}

function transactionalProducer(transactionalId: string): Producer {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
}

test('kafkajs: committed transactions are read once, aborted ones only by read_uncommitted', async () => {
  const producer = transactionalProducer('kjs-1');
  await producer.connect();
  try {
    const ok = await producer.transaction();
    await ok.send({ topic: 'kjs-txn', messages: [{ key: 'a', value: 'c1' }, { key: 'b', value: 'c2' }, { key: 'c', value: 'c3' }] });
    await ok.commit();
    const bad = await producer.transaction();
    await bad.send({ topic: 'kjs-txn', messages: [{ key: 'a', value: 'x1' }, { key: 'b', value: 'x2' }] });
    await bad.abort();
    const ok2 = await producer.transaction();
    await ok2.send({ topic: 'kjs-txn', messages: [{ key: 'c', value: 'c4' }] });
    await ok2.commit();
  } finally {
    await producer.disconnect();
  }
  assert.deepEqual(await consume('kjs-txn', 'read_committed'), ['c1', 'c2', 'c3', 'c4']);
  assert.deepEqual(await consume('kjs-txn', 'read_uncommitted'), ['c1', 'c2', 'c3', 'c4', 'x1', 'x2']);

  // kafkajs' own consumer in read_committed mode (its default) skips the aborted records too.
  const consumer = kafka.consumer({ groupId: 'kjs-rc', readUncommitted: false });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'kjs-txn', fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only saw ${seen.join(',')}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length >= 4) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(seen.sort(), ['c1', 'c2', 'c3', 'c4']);
});

test('kafkajs: a zombie producer is fenced by a new instance with the same transactional id', async () => {
  const zombie = transactionalProducer('fenced-id');
  await zombie.connect();
  const txn = await zombie.transaction();
  await txn.send({ topic: 'zombie', messages: [{ key: 'k', value: 'zombie-1' }] });

  const successor = transactionalProducer('fenced-id');
  await successor.connect();
  try {
    const fresh = await successor.transaction();
    await fresh.send({ topic: 'zombie', messages: [{ key: 'k', value: 'fresh-1' }] });
    await fresh.commit();

    let fencedWith = '';
    try {
      await txn.send({ topic: 'zombie', messages: [{ key: 'k', value: 'zombie-2' }] });
      await txn.commit();
    } catch (err) {
      fencedWith = String((err as { type?: string }).type ?? (err as Error).message);
    }
    assert.match(fencedWith, /INVALID_PRODUCER_EPOCH|PRODUCER_FENCED/);
  } finally {
    await successor.disconnect();
    await zombie.disconnect().catch(() => undefined);
  }
  assert.deepEqual(await consume('zombie', 'read_committed'), ['fresh-1']);
  assert.ok((await consume('zombie', 'read_uncommitted')).includes('zombie-1'));
});

test('confluent-kafka (librdkafka): commit and abort through the transactional API', { skip: !hasConfluentKafka && 'python3-confluent-kafka is not installed' }, async () => {
  const script = `
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'py-tx', 'linger.ms': 1})
p.init_transactions(20)
p.begin_transaction()
for i in range(50):
    p.produce('py-txn', key=str(i % 5), value=('ok%d' % i).encode())
p.commit_transaction(20)
p.begin_transaction()
for i in range(20):
    p.produce('py-txn', key=str(i % 5), value=('no%d' % i).encode())
p.flush(20)
p.abort_transaction(20)
print('done')
`;
  const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(DEBIAN_PYTHON, ['-c', script, broker.bootstrapServers], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  assert.equal(run.code, 0, run.output);
  const committed = await consume('py-txn', 'read_committed');
  assert.equal(committed.length, 50);
  assert.ok(committed.every((v) => v.startsWith('ok')));
  assert.equal((await consume('py-txn', 'read_uncommitted')).length, 70);
});

test('kafkajs: a hung transaction is aborted after its timeout and the abandoned producer is fenced (injected clock)', async () => {
  let nowMs = Date.now();
  const running = await startBroker({ host: '127.0.0.1', port: 0, storage: 'memory', logLevel: 'silent', clock: () => nowMs });
  const client = new Kafka({ clientId: 'hung', brokers: [running.bootstrapServers], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 3 } });
  const hung = client.producer({ transactionalId: 'kjs-hung-tx', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 10_000 });
  const plain = client.producer();
  const read = async (isolation: string) => {
    const out = await kcat(['-b', running.bootstrapServers, '-C', '-t', 'kjs-hung', '-o', 'beginning', '-e', '-q', '-f', '%s\n', '-X', `isolation.level=${isolation}`]);
    assert.equal(out.code, 0, out.stderr);
    return out.stdout.split('\n').filter((l) => l.length > 0);
  };
  try {
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kjs-hung', numPartitions: 1 }] });
    await admin.disconnect();
    await hung.connect();
    await plain.connect();
    const txn = await hung.transaction();
    await txn.send({ topic: 'kjs-hung', messages: [{ value: 'hung-1' }] });
    await plain.send({ topic: 'kjs-hung', messages: [{ value: 'after' }] });
    const coordinator = running.broker.txn.coordinator;
    nowMs += 9_999;
    await coordinator.runTimeouts();
    assert.deepEqual(await read('read_committed'), [], 'the open transaction holds the LSO');
    nowMs += 2;
    await coordinator.runTimeouts();
    assert.equal(coordinator.describe('kjs-hung-tx')!.state, 'CompleteAbort');
    assert.deepEqual(await read('read_committed'), ['after'], 'aborted on its timeout');
    assert.deepEqual(await read('read_uncommitted'), ['hung-1', 'after']);
    await assert.rejects(txn.commit(), (err: { type?: string; message?: string }) => /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH/.test(`${err.type} ${err.message}`));
  } finally {
    await hung.disconnect().catch(() => undefined);
    await plain.disconnect().catch(() => undefined);
    await running.stop();
  }
});

test('confluent-kafka (librdkafka): a zombie producer is fenced by a new instance with the same transactional id', { skip: !hasConfluentKafka && 'python3-confluent-kafka is not installed' }, async () => {
  const script = `
import sys
from confluent_kafka import Producer, KafkaException
conf = {'bootstrap.servers': sys.argv[1], 'transactional.id': 'py-zombie', 'linger.ms': 1}
zombie = Producer(conf)
zombie.init_transactions(20)
zombie.begin_transaction()
zombie.produce('zombie', key='k', value=b'py-zombie-1')
zombie.flush(20)
fresh = Producer(conf)
fresh.init_transactions(20)
fresh.begin_transaction()
fresh.produce('zombie', key='k', value=b'py-fresh-1')
fresh.commit_transaction(20)
try:
    zombie.produce('zombie', key='k', value=b'py-zombie-2')
    zombie.commit_transaction(20)
    print('zombie committed')
except KafkaException as e:
    err = e.args[0]
    print('fenced' if err.fatal() else 'not fatal', err.name())
`;
  const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(DEBIAN_PYTHON, ['-c', script, broker.bootstrapServers], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  assert.equal(run.code, 0, run.output);
  assert.match(run.output, /fenced (_FENCED|PRODUCER_FENCED|INVALID_PRODUCER_EPOCH)/, run.output);
  const committed = await consume('zombie', 'read_committed');
  assert.ok(committed.includes('py-fresh-1'));
  assert.ok(!committed.some((v) => v.startsWith('py-zombie')), 'nothing of the zombie is committed');
});
