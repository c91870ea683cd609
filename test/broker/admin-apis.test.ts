/**
 * The log management / admin APIs on the wire (raw client, exact versions): DescribeConfigs,
 * AlterConfigs, IncrementalAlterConfigs, CreatePartitions, DeleteRecords, DescribeLogDirs,
 * OffsetForLeaderEpoch; config changes and the log start offset surviving a restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import { removeDir, startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const TOPIC = 2;
const BROKER = 4;
const SOURCE = { DYNAMIC_TOPIC: 1, STATIC_BROKER: 4, DEFAULT: 5 };
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

async function createTopic(client: RawClient, name: string, partitions: number, configs: Record<string, string> = {}) {
  const res = await client.request(19, 5, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, v]) => ({ name: n, value: v })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
}

async function produce(client: RawClient, topic: string, partition: number, count: number, valueBytes = 100) {
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(valueBytes, 0x61 + (i % 26)), timestampMs: Date.now() }));
  const res = await client.request(0, 9, {
    transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: encodeBatch({ records }) }] }],
  });
  return res.responses[0].partitionResponses[0];
}

async function describeTopic(client: RawClient, name: string, version = 4, keys: string[] | null = null) {
  const res = await client.request(32, version, {
    resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: true,
  });
  return res.results[0];
}

function entry(result: any, name: string) {
  return result.configs.find((c: any) => c.name === name);
}

async function incremental(client: RawClient, name: string, configs: Array<[string, number, string | null]>, validateOnly = false, type = TOPIC) {
  const res = await client.request(44, 1, {
    resources: [{ resourceType: type, resourceName: name, configs: configs.map(([n, op, v]) => ({ name: n, configOperation: op, value: v })) }],
    validateOnly,
  });
  return res.responses[0];
}

async function earliest(client: RawClient, topic: string, partition: number): Promise<number> {
  const res = await client.request(2, 7, {
    replicaId: -1, isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -2 }] }],
  });
  return res.topics[0].partitions[0].offset;
}

async function fetchAt(client: RawClient, topic: string, partition: number, offset: number) {
  const res = await client.request(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0].partitions[0];
}

describe('admin APIs', () => {
  let broker: TestBroker;
  let client: RawClient;
  const dirs: string[] = [];

  before(async () => {
    broker = await startTestBroker({ config: { 'log.retention.hours': '48' } });
    dirs.push(broker.dataDir);
    client = await RawClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.stop();
    for (const d of dirs) removeDir(d);
  });

  it('DescribeConfigs reports every topic config with its source, synonyms and docs', async () => {
    await createTopic(client, 'described', 1, { 'max.message.bytes': '5000' });
    const r = await describeTopic(client, 'described');
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.ok(r.configs.length >= 25, `all configs, not only overrides (${r.configs.length})`);
    const mmb = entry(r, 'max.message.bytes');
    assert.equal(mmb.value, '5000');
    assert.equal(mmb.configSource, SOURCE.DYNAMIC_TOPIC);
    assert.equal(mmb.readOnly, false);
    assert.deepEqual(mmb.synonyms.map((s: any) => [s.name, s.source]), [['max.message.bytes', SOURCE.DYNAMIC_TOPIC], ['message.max.bytes', SOURCE.DEFAULT]]);
    const retention = entry(r, 'retention.ms');
    assert.equal(retention.value, String(48 * 3600 * 1000), 'the broker synonym log.retention.hours applies');
    assert.equal(retention.configSource, SOURCE.STATIC_BROKER);
    assert.deepEqual(retention.synonyms.map((s: any) => [s.name, s.value, s.source]), [
      ['log.retention.hours', '48', SOURCE.STATIC_BROKER],
      ['log.retention.hours', '168', SOURCE.DEFAULT],
    ]);
    const seg = entry(r, 'segment.bytes');
    assert.equal(seg.configSource, SOURCE.DEFAULT);
    assert.equal(seg.configType, 3, 'INT');
    assert.ok(seg.documentation.length > 0);
    const only = await describeTopic(client, 'described', 4, ['cleanup.policy']);
    assert.deepEqual(only.configs.map((c: any) => [c.name, c.value]), [['cleanup.policy', 'delete']]);
    const v0 = await describeTopic(client, 'described', 0);
    assert.equal(entry(v0, 'max.message.bytes').isDefault, false);
    assert.equal(entry(v0, 'segment.bytes').isDefault, true);
  });

  it('DescribeConfigs answers per-resource errors and describes the broker', async () => {
    const res = await client.request(32, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'no-such-topic', configurationKeys: null },
        { resourceType: BROKER, resourceName: String(broker.broker.nodeId), configurationKeys: ['num.partitions', 'log.retention.hours'] },
        { resourceType: BROKER, resourceName: '77', configurationKeys: null },
        { resourceType: 99, resourceName: 'x', configurationKeys: null },
      ],
      includeSynonyms: false, includeDocumentation: false,
    });
    assert.equal(res.results[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(res.results[1].errorCode, ErrorCode.NONE);
    const hours = res.results[1].configs.find((c: any) => c.name === 'log.retention.hours');
    assert.deepEqual([hours.value, hours.configSource, hours.readOnly], ['48', SOURCE.STATIC_BROKER, false], 'a dynamic (cluster-wide) config');
    assert.equal(res.results[1].configs.find((c: any) => c.name === 'num.partitions').configSource, SOURCE.DEFAULT);
    assert.equal(res.results[2].errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal(res.results[3].errorCode, ErrorCode.INVALID_REQUEST);
  });

  it('IncrementalAlterConfigs sets, appends, subtracts and deletes, validating with INVALID_CONFIG', async () => {
    await createTopic(client, 'altered', 1);
    assert.equal((await incremental(client, 'altered', [['retention.ms', SET, '3600000'], ['cleanup.policy', APPEND, 'compact']])).errorCode, ErrorCode.NONE);
    let r = await describeTopic(client, 'altered');
    assert.equal(entry(r, 'retention.ms').value, '3600000');
    assert.equal(entry(r, 'cleanup.policy').value, 'delete,compact');
    const log = broker.broker.topics.get('altered')!.partitions[0]!.log as unknown as { logConfig: { retentionMs: number; cleanupPolicy: string[] } };
    assert.equal(log.logConfig.retentionMs, 3600000, 'applied to the running partition');
    assert.deepEqual([...log.logConfig.cleanupPolicy], ['delete', 'compact']);

    const bad = await incremental(client, 'altered', [['retention.ms', SET, 'soon']]);
    assert.equal(bad.errorCode, ErrorCode.INVALID_CONFIG);
    assert.match(bad.errorMessage, /retention\.ms/);
    const unknown = await incremental(client, 'altered', [['no.such.config', SET, '1']]);
    assert.equal(unknown.errorCode, ErrorCode.INVALID_CONFIG);
    assert.match(unknown.errorMessage, /no\.such\.config/);
    const notList = await incremental(client, 'altered', [['retention.ms', APPEND, '1']]);
    assert.equal(notList.errorCode, ErrorCode.INVALID_CONFIG);
    const dup = await incremental(client, 'altered', [['retention.ms', SET, '1'], ['retention.ms', SET, '2']]);
    assert.equal(dup.errorCode, ErrorCode.INVALID_REQUEST);
    const validateOnly = await incremental(client, 'altered', [['retention.ms', SET, '5']], true);
    assert.equal(validateOnly.errorCode, ErrorCode.NONE);
    assert.equal(entry(await describeTopic(client, 'altered'), 'retention.ms').value, '3600000', 'validateOnly changes nothing');

    await incremental(client, 'altered', [['retention.ms', DELETE, null], ['cleanup.policy', SUBTRACT, 'delete']]);
    r = await describeTopic(client, 'altered');
    assert.equal(entry(r, 'retention.ms').configSource, SOURCE.STATIC_BROKER);
    assert.equal(entry(r, 'cleanup.policy').value, 'compact');

    const brokerAlter = await incremental(client, String(broker.broker.nodeId), [['num.partitions', SET, '3']], false, BROKER);
    assert.equal(brokerAlter.errorCode, ErrorCode.INVALID_REQUEST, 'num.partitions is read-only, as in Kafka');
    assert.match(brokerAlter.errorMessage, /num\.partitions/);
  });

  it('AlterConfigs replaces all overrides; max.message.bytes applies to the next produce', async () => {
    await createTopic(client, 'replaced', 1, { 'retention.ms': '1000', 'max.message.bytes': '100000' });
    assert.equal((await produce(client, 'replaced', 0, 1, 2000)).errorCode, ErrorCode.NONE);
    const res = await client.request(33, 1, {
      resources: [{ resourceType: TOPIC, resourceName: 'replaced', configs: [{ name: 'max.message.bytes', value: '1000' }] }],
      validateOnly: false,
    });
    assert.equal(res.responses[0].errorCode, ErrorCode.NONE);
    const r = await describeTopic(client, 'replaced');
    assert.equal(entry(r, 'retention.ms').configSource, SOURCE.STATIC_BROKER, 'retention.ms override removed');
    assert.equal(entry(r, 'max.message.bytes').value, '1000');
    assert.equal((await produce(client, 'replaced', 0, 1, 2000)).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    const bad = await client.request(33, 0, {
      resources: [{ resourceType: TOPIC, resourceName: 'replaced', configs: [{ name: 'segment.bytes', value: '1' }] }],
      validateOnly: false,
    });
    assert.equal(bad.responses[0].errorCode, ErrorCode.INVALID_CONFIG);
    assert.match(bad.responses[0].errorMessage, /segment\.bytes/);
  });

  it('CreatePartitions grows a topic; the new partitions take produce', async () => {
    await createTopic(client, 'grown', 2);
    const res = await client.request(37, 3, {
      topics: [
        { name: 'grown', count: 5, assignments: null },
        { name: 'missing', count: 5, assignments: null },
      ],
      timeoutMs: 5000, validateOnly: false,
    });
    assert.equal(res.results[0].errorCode, ErrorCode.NONE);
    assert.equal(res.results[1].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const md = await client.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'grown' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.equal(md.topics[0].partitions.length, 5);
    const p4 = await produce(client, 'grown', 4, 3);
    assert.deepEqual([p4.errorCode, p4.baseOffset], [ErrorCode.NONE, 0]);
    const errors = await client.request(37, 1, {
      topics: [
        { name: 'grown', count: 5, assignments: null },
        { name: 'grown2', count: 1, assignments: null },
      ],
      timeoutMs: 5000, validateOnly: false,
    });
    assert.equal(errors.results[0].errorCode, ErrorCode.INVALID_PARTITIONS);
    await createTopic(client, 'assigned', 1);
    const wrongBroker = await client.request(37, 1, { topics: [{ name: 'assigned', count: 2, assignments: [{ brokerIds: [42] }] }], timeoutMs: 5000, validateOnly: false });
    assert.equal(wrongBroker.results[0].errorCode, ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    const validate = await client.request(37, 1, { topics: [{ name: 'assigned', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: true });
    assert.equal(validate.results[0].errorCode, ErrorCode.NONE);
    assert.equal(broker.broker.topics.get('assigned')!.partitions.length, 1);
  });

  it('DeleteRecords moves the log start; earliest and fetch follow it', async () => {
    await createTopic(client, 'trimmed', 1);
    for (let i = 0; i < 10; i++) await produce(client, 'trimmed', 0, 5);
    const res = await client.request(21, 2, { topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 17 }, { partitionIndex: 9, offset: 1 }] }], timeoutMs: 5000 });
    assert.deepEqual(res.topics[0].partitions[0], { partitionIndex: 0, lowWatermark: 17, errorCode: ErrorCode.NONE });
    assert.equal(res.topics[0].partitions[1].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(await earliest(client, 'trimmed', 0), 17);
    assert.equal((await fetchAt(client, 'trimmed', 0, 16)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const at = await fetchAt(client, 'trimmed', 0, 17);
    assert.equal(at.errorCode, ErrorCode.NONE);
    assert.equal(at.logStartOffset, 17);
    const beyond = await client.request(21, 1, { topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 51 }] }], timeoutMs: 5000 });
    assert.equal(beyond.topics[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const toHw = await client.request(21, 0, { topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: -1 }] }], timeoutMs: 5000 });
    assert.equal(toHw.topics[0].partitions[0].lowWatermark, 50);
    await createTopic(client, 'compacted-only', 1, { 'cleanup.policy': 'compact' });
    const policy = await client.request(21, 2, { topics: [{ name: 'compacted-only', partitions: [{ partitionIndex: 0, offset: 0 }] }], timeoutMs: 5000 });
    assert.equal(policy.topics[0].partitions[0].errorCode, ErrorCode.POLICY_VIOLATION);
  });

  it('retention.ms lowered on a running topic takes effect at the next retention pass', async () => {
    await createTopic(client, 'expiring', 1, { 'segment.bytes': '1024' });
    for (let i = 0; i < 10; i++) await produce(client, 'expiring', 0, 5, 100);
    await broker.broker.topics.store.enforceRetention();
    assert.equal(await earliest(client, 'expiring', 0), 0, 'a week of retention keeps everything');
    assert.equal((await incremental(client, 'expiring', [['retention.ms', SET, '0'], ['file.delete.delay.ms', SET, '0']])).errorCode, ErrorCode.NONE);
    await new Promise((r) => setTimeout(r, 5)); // the records are now older than 0 ms
    await broker.broker.topics.store.enforceRetention();
    assert.equal(await earliest(client, 'expiring', 0), 50, 'every segment went: the log start is the log end');
    const p = await produce(client, 'expiring', 0, 1);
    assert.deepEqual([p.errorCode, p.baseOffset, p.logStartOffset], [ErrorCode.NONE, 50, 50]);
  });

  it('DescribeLogDirs reports the data dir and partition sizes', async () => {
    await createTopic(client, 'sized', 2);
    await produce(client, 'sized', 1, 10);
    const res = await client.request(35, 4, { topics: [{ topic: 'sized', partitions: [0, 1, 7] }] });
    assert.equal(res.errorCode, ErrorCode.NONE);
    const dir = res.results[0];
    assert.equal(dir.logDir, broker.dataDir);
    assert.ok(dir.totalBytes > 0 && dir.usableBytes > 0);
    const parts = dir.topics[0].partitions;
    assert.deepEqual(parts.map((p: any) => p.partitionIndex), [0, 1]);
    assert.equal(parts[0].partitionSize, 0);
    assert.ok(parts[1].partitionSize > 1000);
    const all = await client.request(35, 0, { topics: null });
    assert.ok(all.results[0].topics.some((t: any) => t.name === 'sized'));
  });

  it('answers every version of each admin API it advertises', async () => {
    await createTopic(client, 'versions', 1);
    const requests: Array<[number, number, number, () => unknown]> = [
      [32, 0, 4, () => ({ resources: [{ resourceType: TOPIC, resourceName: 'versions', configurationKeys: ['retention.ms'] }], includeSynonyms: true, includeDocumentation: true })],
      [33, 0, 2, () => ({ resources: [{ resourceType: TOPIC, resourceName: 'versions', configs: [{ name: 'retention.ms', value: '100000' }] }], validateOnly: true })],
      [44, 0, 1, () => ({ resources: [{ resourceType: TOPIC, resourceName: 'versions', configs: [{ name: 'retention.ms', configOperation: SET, value: '100000' }] }], validateOnly: true })],
      [37, 0, 3, () => ({ topics: [{ name: 'versions', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: true })],
      [21, 0, 2, () => ({ topics: [{ name: 'versions', partitions: [{ partitionIndex: 0, offset: 0 }] }], timeoutMs: 1000 })],
      [35, 0, 4, () => ({ topics: [{ topic: 'versions', partitions: [0] }] })],
      [23, 0, 4, () => ({ replicaId: -1, topics: [{ topic: 'versions', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }] })],
    ];
    for (const [apiKey, min, max, body] of requests) {
      for (let v = min; v <= max; v++) {
        const res = await client.request(apiKey, v, body());
        const codes = JSON.stringify(res).match(/"errorCode":(\d+)/g) ?? [];
        assert.ok(codes.every((c) => c === '"errorCode":0'), `api ${apiKey} v${v}: ${JSON.stringify(res)}`);
      }
    }
    const versions = await client.request(18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
    for (const [apiKey, min, max] of requests) {
      const k = versions.apiKeys.find((a: any) => a.apiKey === apiKey);
      assert.deepEqual([k?.minVersion, k?.maxVersion], [min, max], `ApiVersions for ${apiKey}`);
    }
  });

  it('OffsetForLeaderEpoch answers epoch 0 with the log end offset', async () => {
    await createTopic(client, 'epochs', 1);
    await produce(client, 'epochs', 0, 4);
    const res = await client.request(23, 4, {
      replicaId: -1,
      topics: [{ topic: 'epochs', partitions: [
        { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
        { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 3 },
        { partition: 0, currentLeaderEpoch: 2, leaderEpoch: 0 },
        { partition: 5, currentLeaderEpoch: -1, leaderEpoch: 0 },
      ] }],
    });
    const [ok, future, unknownCurrent, missing] = res.topics[0].partitions;
    assert.deepEqual([ok.errorCode, ok.leaderEpoch, ok.endOffset], [ErrorCode.NONE, 0, 4]);
    assert.deepEqual([future.errorCode, future.leaderEpoch, future.endOffset], [ErrorCode.NONE, -1, -1]);
    assert.equal(unknownCurrent.errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH);
    assert.equal(missing.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const v0 = await client.request(23, 0, { topics: [{ topic: 'epochs', partitions: [{ partition: 0, leaderEpoch: 0 }] }] });
    assert.equal(v0.topics[0].partitions[0].endOffset, 4);
  });
});

describe('admin state across a restart', () => {
  it('keeps altered configs, added partitions and the log start offset', async () => {
    let broker = await startTestBroker();
    const dataDir = broker.dataDir;
    try {
      let client = await RawClient.connect(broker.port);
      await createTopic(client, 'kept', 1);
      for (let i = 0; i < 4; i++) await produce(client, 'kept', 0, 5);
      await incremental(client, 'kept', [['retention.bytes', SET, '123456']]);
      await client.request(37, 1, { topics: [{ name: 'kept', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false });
      await client.request(21, 1, { topics: [{ name: 'kept', partitions: [{ partitionIndex: 0, offset: 12 }] }], timeoutMs: 5000 });
      client.close();
      await broker.stop();

      broker = await startTestBroker({ dataDir });
      client = await RawClient.connect(broker.port);
      assert.equal(entry(await describeTopic(client, 'kept'), 'retention.bytes').value, '123456');
      assert.equal(broker.broker.topics.get('kept')!.partitions.length, 3);
      assert.equal(await earliest(client, 'kept', 0), 12);
      client.close();
    } finally {
      await broker.stop();
      removeDir(dataDir);
    }
  });
});
