/** kafkajs against Brook: admin operations, keyed produce with compression, offsets by time. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, CompressionTypes, type Admin, type Producer } from 'kafkajs';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { kcat, perKeyOrderHolds } from '../helpers/kcat.js';

let broker: TestBroker;
let admin: Admin;
let producer: Producer;

before(async () => {
  broker = await startTestBroker();
  const kafka = new Kafka({ clientId: 'brook-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  await producer.connect();
});

after(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
  removeDir(broker.dataDir);
});

test('admin creates, lists, describes and deletes topics', async () => {
  assert.equal(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }] }), true);
  assert.equal(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }] }), false, 'second create reports existing');
  assert.ok((await admin.listTopics()).includes('admin-a'));
  const meta = await admin.fetchTopicMetadata({ topics: ['admin-a'] });
  assert.equal(meta.topics[0]!.partitions.length, 4);
  const cluster = await admin.describeCluster();
  assert.equal(cluster.brokers.length, 1);
  assert.equal(cluster.controller, cluster.brokers[0]!.nodeId);
  await admin.deleteTopics({ topics: ['admin-a'] });
  assert.ok(!(await admin.listTopics()).includes('admin-a'));
});

test('invalid topic names and replication factors are refused with Kafka errors', async () => {
  const creationError = async (topic: string, replicationFactor = 1): Promise<string> => {
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor }] });
    } catch (err) {
      return ((err as { errors?: { type: string }[] }).errors ?? []).map((e) => e.type).join(',');
    }
    return 'created';
  };
  assert.equal(await creationError('bad name!'), 'INVALID_TOPIC_EXCEPTION');
  assert.equal(await creationError('rf3', 3), 'INVALID_REPLICATION_FACTOR');
});

test('10,000 keyed records with gzip land on murmur2 partitions and read back in order', async () => {
  await admin.createTopics({ topics: [{ topic: 'kjs-keyed', numPartitions: 3 }] });
  const count = 10_000;
  for (let start = 0; start < count; start += 1000) {
    const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `key-${(start + i) % 40}`, value: `value-${start + i}` }));
    const result = await producer.send({ topic: 'kjs-keyed', messages, acks: -1, compression: CompressionTypes.GZIP });
    assert.ok(result.every((r) => r.errorCode === 0));
  }
  const offsets = await admin.fetchTopicOffsets('kjs-keyed');
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  assert.equal(total, count);
  const out = await kcat(['-b', broker.bootstrapServers, '-C', '-t', 'kjs-keyed', '-o', 'beginning', '-e', '-q', '-f', '%p|%k:%s\n']);
  assert.equal(out.code, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  assert.equal(lines.length, count);
  const keyPartition = new Map<string, string>();
  for (const line of lines) {
    const [partition, record] = line.split('|');
    const key = record!.split(':')[0]!;
    assert.equal(keyPartition.get(key) ?? partition, partition, `key ${key} stays on one partition`);
    keyPartition.set(key, partition!);
  }
  assert.ok(perKeyOrderHolds(lines.map((l) => l.split('|')[1]!)));
});

test('offsets by timestamp find the first record at or after the time', async () => {
  await admin.createTopics({ topics: [{ topic: 'kjs-time', numPartitions: 1 }] });
  const base = Date.now() - 100_000;
  // One batch of five records: the answer must point inside the batch, not at its start.
  const messages = Array.from({ length: 5 }, (_, i) => ({ value: `t${i}`, timestamp: String(base + i * 1000) }));
  await producer.send({ topic: 'kjs-time', messages });
  const [atThird] = await admin.fetchTopicOffsetsByTimestamp('kjs-time', base + 2000);
  assert.equal(Number(atThird!.offset), 2);
  const [between] = await admin.fetchTopicOffsetsByTimestamp('kjs-time', base + 2500);
  assert.equal(Number(between!.offset), 3);
  const [future] = await admin.fetchTopicOffsetsByTimestamp('kjs-time', base + 60_000);
  assert.equal(Number(future!.offset), 5, 'no record that late: the end offset');
});
