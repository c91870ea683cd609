/**
 * The admin APIs through real clients: kafkajs admin (DescribeConfigs, AlterConfigs,
 * CreatePartitions, DeleteRecords) with kcat (librdkafka) producing and consuming to show each
 * change takes effect on the next request.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { Kafka, logLevel, type Admin } from 'kafkajs';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';

// A CommonJS module: only some of its exports are visible as named ESM imports.
const { ConfigResourceTypes } = kafkajs;

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  broker = await startTestBroker();
  kafka = new Kafka({ clientId: 'brook-admin-test', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin.disconnect();
  await broker.stop();
  removeDir(broker.dataDir);
});

function produceWithKcat(topic: string, lines: string, extra: string[] = []) {
  return kcat(['-b', broker.bootstrapServers, '-P', '-t', topic, '-X', 'topic.request.required.acks=-1', ...extra], lines);
}

test('kafkajs describeConfigs shows defaults and overrides; alterConfigs applies to the next kcat produce', async () => {
  await admin.createTopics({ topics: [{ topic: 'cfg', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
  const described = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg' }], includeSynonyms: true });
  const entries = described.resources[0]!.configEntries;
  const byName = new Map(entries.map((e) => [e.configName, e]));
  assert.equal(byName.get('retention.ms')!.configValue, '86400000');
  assert.equal(byName.get('retention.ms')!.isDefault, false);
  assert.equal(byName.get('max.message.bytes')!.configValue, '1048588');
  assert.equal(byName.get('cleanup.policy')!.configValue, 'delete');
  assert.ok(entries.length >= 25);

  const big = 'x'.repeat(3000);
  let r = await produceWithKcat('cfg', `${big}\n`);
  assert.equal(r.code, 0, r.stderr);

  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg', configEntries: [{ name: 'max.message.bytes', value: '1000' }] }],
  });
  const after = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg', configNames: ['max.message.bytes', 'retention.ms'] }], includeSynonyms: false });
  const values = Object.fromEntries(after.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  assert.deepEqual(values, { 'max.message.bytes': '1000', 'retention.ms': String(7 * 24 * 3600 * 1000) }, 'AlterConfigs replaced the overrides');

  r = await produceWithKcat('cfg', `${big}\n`);
  assert.match(r.stderr, /too large|MSG_SIZE_TOO_LARGE/i, 'the lowered max.message.bytes applies at once');
  const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
  await producer.connect();
  try {
    await assert.rejects(producer.send({ topic: 'cfg', messages: [{ value: big }], acks: -1 }), (err: { type?: string; cause?: { type?: string } }) =>
      (err.type ?? err.cause?.type) === 'MESSAGE_TOO_LARGE' || /too large/i.test(String(err)));
    await producer.send({ topic: 'cfg', messages: [{ value: 'small' }], acks: -1 });
  } finally {
    await producer.disconnect();
  }

  await assert.rejects(
    admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'cfg', configEntries: [{ name: 'retention.ms', value: 'never' }] }] }),
    // kafkajs reports the error type with its own text (the broker's message is checked in admin-apis.test.ts).
    (err: { type?: string }) => err.type === 'INVALID_CONFIG',
  );
});

test('CreatePartitions through kafkajs, then kcat and a new kafkajs producer write to the new partitions', async () => {
  await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 2 }] });
  await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 4 }] });
  const meta = await admin.fetchTopicMetadata({ topics: ['grow'] });
  assert.equal(meta.topics[0]!.partitions.length, 4);
  const r = await produceWithKcat('grow', 'on-three\n', ['-p', '3']);
  assert.equal(r.code, 0, r.stderr);
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const sent = await producer.send({ topic: 'grow', messages: [{ value: 'on-two', partition: 2 }], acks: -1 });
    assert.equal(sent[0]!.partition, 2);
  } finally {
    await producer.disconnect();
  }
  const offsets = await admin.fetchTopicOffsets('grow');
  const high = Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
  assert.deepEqual(high, { 0: '0', 1: '0', 2: '1', 3: '1' });
});

test('DeleteRecords through kafkajs: consuming from earliest starts at the new log start', async () => {
  await admin.createTopics({ topics: [{ topic: 'trim', numPartitions: 1 }] });
  const lines = Array.from({ length: 50 }, (_, i) => `m${i}`).join('\n') + '\n';
  assert.equal((await produceWithKcat('trim', lines)).code, 0);
  // kafkajs looks the leader up in its cached metadata only: load the new topic into it first.
  await admin.fetchTopicMetadata({ topics: ['trim'] });
  await admin.deleteTopicRecords({ topic: 'trim', partitions: [{ partition: 0, offset: '17' }] });
  const offsets = await admin.fetchTopicOffsets('trim');
  assert.equal(offsets[0]!.low, '17');
  const consumed = await kcat(['-b', broker.bootstrapServers, '-C', '-t', 'trim', '-o', 'beginning', '-e', '-f', '%o %s\n']);
  const got = consumed.stdout.trim().split('\n');
  assert.equal(got.length, 33);
  assert.equal(got[0], '17 m17');
  assert.equal(got.at(-1), '49 m49');
});

test('kafkajs alterConfigs on a broker: applied to the next kcat produce, described with its source and synonyms, read-only configs refused', async () => {
  // kafkajs cannot name the cluster default ('' is refused client-side): this node's own values.
  const node = String(broker.broker.nodeId);
  await admin.createTopics({ topics: [{ topic: 'brokercfg', numPartitions: 1 }] });
  const big = 'y'.repeat(3000);
  assert.equal((await produceWithKcat('brokercfg', `${big}\n`)).code, 0);

  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.BROKER, name: node, configEntries: [{ name: 'message.max.bytes', value: '1000' }] }],
  });
  const r = await produceWithKcat('brokercfg', `${big}\n`);
  assert.match(r.stderr, /too large|MSG_SIZE_TOO_LARGE/i, 'a topic without an override follows the broker value at once');

  const described = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.BROKER, name: node, configNames: ['message.max.bytes', 'num.partitions'] }],
    includeSynonyms: true,
  });
  const byName = new Map(described.resources[0]!.configEntries.map((e) => [e.configName, e]));
  const mmb = byName.get('message.max.bytes')!;
  assert.equal(mmb.configValue, '1000');
  assert.equal(mmb.readOnly, false);
  assert.deepEqual(mmb.configSynonyms.map((s) => [s.configValue, s.configSource]), [['1000', 2], ['1048588', 5]]);
  assert.equal(byName.get('num.partitions')!.readOnly, true);

  await assert.rejects(
    admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: node, configEntries: [{ name: 'num.partitions', value: '4' }] }] }),
    (err: { type?: string }) => err.type === 'INVALID_REQUEST',
  );
  await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.BROKER, name: node, configEntries: [] }] });
  assert.match((await produceWithKcat('brokercfg', `${big}\n`)).stderr, /too large|MSG_SIZE_TOO_LARGE/i, 'validateOnly changed nothing');
  // Legacy AlterConfigs replaces the whole set: an empty one removes the value.
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: node, configEntries: [] }] });
  assert.equal((await produceWithKcat('brokercfg', `${big}\n`)).code, 0);
});
