/**
 * Consume-transform-produce with sendOffsetsToTransaction: every input record ends up in the
 * output exactly once, even with transactions aborted (and re-done) along the way, and the group's
 * committed offset is the end of the input.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';

const DEBIAN_PYTHON = '/usr/bin/python3';
const hasConfluentKafka = existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;
const INPUT = 120;
/**
 * kafkajs sends TxnOffsetCommit v1 (no member, no generation): its offsets reach a group with
 * members because transactional offsets are not checked against the generation (as in Kafka):
 * they are written pending and decided by the marker (GroupCoordinator.commitTxnOffsets).
 */

let broker: TestBroker;
let kafka: Kafka;

before(async () => {
  broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  kafka = new Kafka({ clientId: 'eos', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 10 } });
});

after(async () => {
  await broker.stop();
});

async function fillInput(topic: string): Promise<void> {
  const lines = Array.from({ length: INPUT }, (_, i) => `in${i}`).join('\n') + '\n';
  const r = await kcat(['-b', broker.bootstrapServers, '-P', '-t', topic], lines);
  assert.equal(r.code, 0, r.stderr);
}

async function outputValues(topic: string): Promise<string[]> {
  const out = await kcat(['-b', broker.bootstrapServers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n', '-X', 'isolation.level=read_committed']);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.split('\n').filter((l) => l.length > 0);
}

async function committedOffset(groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Number(t!.partitions[0]!.offset);
  } finally {
    await admin.disconnect();
  }
}

function assertExactlyOnce(values: string[]): void {
  const expected = Array.from({ length: INPUT }, (_, i) => `out-in${i}`);
  assert.equal(new Set(values).size, values.length, 'duplicates in the output');
  assert.deepEqual([...values].sort(), expected.sort());
}

test('confluent-kafka (librdkafka): consume-transform-produce with send_offsets_to_transaction, some transactions aborted', { skip: !hasConfluentKafka && 'python3-confluent-kafka is not installed' }, async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'py-eos-in', numPartitions: 1 }, { topic: 'py-eos-out', numPartitions: 1 }] });
  await admin.disconnect();
  await fillInput('py-eos-in');
  const script = `
import sys
from confluent_kafka import Consumer, Producer, TopicPartition
bs = sys.argv[1]
c = Consumer({'bootstrap.servers': bs, 'group.id': 'py-eos', 'enable.auto.commit': False, 'auto.offset.reset': 'earliest', 'isolation.level': 'read_committed'})
p = Producer({'bootstrap.servers': bs, 'transactional.id': 'py-eos-tx', 'linger.ms': 1})
p.init_transactions(20)
c.subscribe(['py-eos-in'])
done = 0
rounds = 0
while done < ${INPUT}:
    msgs = [m for m in c.consume(15, 5) if not m.error()]
    if not msgs:
        continue
    rounds += 1
    p.begin_transaction()
    for m in msgs:
        p.produce('py-eos-out', value=b'out-' + m.value())
    p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 20)
    if rounds % 3 == 0:
        p.abort_transaction(20)
        # Re-read what the aborted transaction covered.
        for tp in c.committed(c.assignment(), 10):
            c.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else 0))
        continue
    p.commit_transaction(20)
    done = max(done, msgs[-1].offset() + 1)
c.close()
print('rounds', rounds)
`;
  const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(DEBIAN_PYTHON, ['-c', script, broker.bootstrapServers], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  assert.equal(run.code, 0, run.output);
  assertExactlyOnce(await outputValues('py-eos-out'));
  assert.equal(await committedOffset('py-eos', 'py-eos-in'), INPUT);
});

test('kafkajs: consume-transform-produce with sendOffsets, every third transaction aborted', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'kjs-eos-in', numPartitions: 1 }, { topic: 'kjs-eos-out', numPartitions: 1 }] });
  await admin.disconnect();
  await fillInput('kjs-eos-in');

  const producer = kafka.producer({ transactionalId: 'kjs-eos-tx', idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: 'kjs-eos', readUncommitted: false });
  await producer.connect();
  await consumer.connect();
  let rounds = 0;
  try {
    await consumer.subscribe({ topic: 'kjs-eos-in', fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stuck after ${rounds} rounds`)), 60_000);
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          const messages = batch.messages.slice(0, 15);
          if (messages.length === 0) return;
          rounds++;
          const txn = await producer.transaction();
          await txn.send({ topic: 'kjs-eos-out', messages: messages.map((m) => ({ value: `out-${m.value!.toString()}` })) });
          const next = String(Number(messages.at(-1)!.offset) + 1);
          await txn.sendOffsets({ consumerGroupId: 'kjs-eos', topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
          if (rounds % 3 === 0) {
            await txn.abort();
            // Re-read what the aborted transaction covered.
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: messages[0]!.offset });
            return;
          }
          await txn.commit();
          for (const m of messages) resolveOffset(m.offset);
          await heartbeat();
          if (Number(next) >= INPUT) {
            clearTimeout(timer);
            resolve();
          } else if (messages.length < batch.messages.length) {
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: next });
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  assertExactlyOnce(await outputValues('kjs-eos-out'));
  assert.equal(await committedOffset('kjs-eos', 'kjs-eos-in'), INPUT);
});
