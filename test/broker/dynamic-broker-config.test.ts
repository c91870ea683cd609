/**
 * Dynamic broker configs on the wire (raw client, exact versions): IncrementalAlterConfigs and
 * AlterConfigs on BROKER resources (this node's id, and '' for the cluster-wide default),
 * applied live to topics without an override, reported by DescribeConfigs with Kafka's sources
 * and synonym order, refused for read-only configs, honouring validateOnly, and reloaded from
 * brook-broker-configs.json after a restart.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../src/protocol/errors.js';
import { encodeBatch } from '../../src/records/record-batch.js';
import { removeDir, startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

const TOPIC = 2;
const BROKER = 4;
const SOURCE = { DYNAMIC_TOPIC: 1, DYNAMIC_BROKER: 2, DYNAMIC_DEFAULT: 3, STATIC_BROKER: 4, DEFAULT: 5 };
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const HOUR_MS = 3600_000;

interface LiveLog { logConfig: { retentionMs: number; segmentBytes: number; cleanupPolicy: string[] } }

async function createTopic(client: RawClient, name: string, configs: Record<string, string> = {}) {
  const res = await client.request(19, 5, {
    topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, v]) => ({ name: n, value: v })) }],
    timeoutMs: 5000,
    validateOnly: false,
  });
  assert.equal(res.topics[0].errorCode, ErrorCode.NONE, res.topics[0].errorMessage);
}

async function incremental(client: RawClient, name: string, configs: Array<[string, number, string | null]>, validateOnly = false) {
  const res = await client.request(44, 1, {
    resources: [{ resourceType: BROKER, resourceName: name, configs: configs.map(([n, op, v]) => ({ name: n, configOperation: op, value: v })) }],
    validateOnly,
  });
  return res.responses[0];
}

async function describe_(client: RawClient, type: number, name: string, keys: string[] | null = null) {
  const res = await client.request(32, 4, {
    resources: [{ resourceType: type, resourceName: name, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: false,
  });
  assert.equal(res.results[0].errorCode, ErrorCode.NONE, res.results[0].errorMessage);
  return res.results[0].configs as Array<{ name: string; value: string | null; configSource: number; readOnly: boolean; synonyms: Array<{ name: string; value: string; source: number }> }>;
}

function synonymsOf(entry: { synonyms: Array<{ name: string; value: string; source: number }> }) {
  return entry.synonyms.map((s) => [s.name, s.value, s.source]);
}

async function produce(client: RawClient, topic: string, valueBytes: number) {
  const batch = encodeBatch({ records: [{ key: null, value: Buffer.alloc(valueBytes, 0x61), timestampMs: Date.now() }] });
  const res = await client.request(0, 9, {
    transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
  });
  return res.responses[0].partitionResponses[0].errorCode as number;
}

describe('dynamic broker configs', () => {
  let broker: TestBroker;
  let client: RawClient;
  let node: string;

  before(async () => {
    broker = await startTestBroker({ config: { 'log.retention.hours': '48' } });
    client = await RawClient.connect(broker.port);
    node = String(broker.broker.nodeId);
  });
  after(async () => {
    client.close();
    await broker.stop();
    removeDir(broker.dataDir);
  });

  const liveLog = (topic: string) => broker.broker.topics.get(topic)!.partitions[0]!.log as unknown as LiveLog;

  it('a cluster-wide default applies at once to topics without an override, with Kafka sources and synonyms', async () => {
    await createTopic(client, 'follows');
    await createTopic(client, 'pinned', { 'retention.ms': '1000' });
    assert.equal(liveLog('follows').logConfig.retentionMs, 48 * HOUR_MS);

    const r = await incremental(client, '', [['log.retention.ms', SET, String(3 * HOUR_MS)], ['log.segment.bytes', SET, '2000000']]);
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage);
    assert.equal(liveLog('follows').logConfig.retentionMs, 3 * HOUR_MS, 'the running partition follows the new default');
    assert.equal(liveLog('follows').logConfig.segmentBytes, 2_000_000);
    assert.equal(liveLog('pinned').logConfig.retentionMs, 1000, 'a topic override still wins');

    const topic = (await describe_(client, TOPIC, 'follows', ['retention.ms']))[0]!;
    assert.equal(topic.value, String(3 * HOUR_MS));
    assert.equal(topic.configSource, SOURCE.DYNAMIC_DEFAULT);
    assert.deepEqual(synonymsOf(topic), [
      ['log.retention.ms', String(3 * HOUR_MS), SOURCE.DYNAMIC_DEFAULT],
      ['log.retention.hours', '48', SOURCE.STATIC_BROKER],
      ['log.retention.hours', '168', SOURCE.DEFAULT],
    ]);

    const defaults = await describe_(client, BROKER, '');
    assert.deepEqual(defaults.map((c) => [c.name, c.value, c.configSource]).sort(), [
      ['log.retention.ms', String(3 * HOUR_MS), SOURCE.DYNAMIC_DEFAULT],
      ['log.segment.bytes', '2000000', SOURCE.DYNAMIC_DEFAULT],
    ], "the '' resource lists only the dynamic defaults");
  });

  it('a per-broker value overrides the cluster default; DELETE falls back to it', async () => {
    const r = await incremental(client, node, [['log.retention.ms', SET, String(HOUR_MS)], ['log.cleanup.policy', APPEND, 'compact']]);
    assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage);
    assert.equal(liveLog('follows').logConfig.retentionMs, HOUR_MS);
    assert.deepEqual([...liveLog('follows').logConfig.cleanupPolicy], ['delete', 'compact'], 'APPEND starts from the default list');

    const [ms, hours, policy] = await describe_(client, BROKER, node, ['log.retention.ms', 'log.retention.hours', 'log.cleanup.policy']);
    assert.deepEqual([ms!.name, ms!.value, ms!.configSource, ms!.readOnly], ['log.retention.ms', String(HOUR_MS), SOURCE.DYNAMIC_BROKER, false]);
    assert.deepEqual(synonymsOf(ms!), [
      ['log.retention.ms', String(HOUR_MS), SOURCE.DYNAMIC_BROKER],
      ['log.retention.ms', String(3 * HOUR_MS), SOURCE.DYNAMIC_DEFAULT],
      ['log.retention.hours', '48', SOURCE.STATIC_BROKER],
      ['log.retention.hours', '168', SOURCE.DEFAULT],
    ]);
    // Kafka drops the higher-precedence synonyms before a config's own name.
    assert.deepEqual(synonymsOf(hours!), [['log.retention.hours', '48', SOURCE.STATIC_BROKER], ['log.retention.hours', '168', SOURCE.DEFAULT]]);
    assert.equal(policy!.value, 'delete,compact');

    await incremental(client, node, [['log.retention.ms', DELETE, null], ['log.cleanup.policy', DELETE, null]]);
    assert.equal(liveLog('follows').logConfig.retentionMs, 3 * HOUR_MS, 'back to the cluster default');
    const [after] = await describe_(client, BROKER, node, ['log.retention.ms']);
    assert.equal(after!.configSource, SOURCE.DYNAMIC_DEFAULT);
  });

  it('message.max.bytes lowered cluster-wide applies to the next produce', async () => {
    await createTopic(client, 'sized');
    assert.equal(await produce(client, 'sized', 5000), ErrorCode.NONE);
    assert.equal((await incremental(client, '', [['message.max.bytes', SET, '2000']])).errorCode, ErrorCode.NONE);
    assert.equal(await produce(client, 'sized', 5000), ErrorCode.MESSAGE_TOO_LARGE);
    assert.equal((await incremental(client, '', [['message.max.bytes', DELETE, null]])).errorCode, ErrorCode.NONE);
    assert.equal(await produce(client, 'sized', 5000), ErrorCode.NONE);
  });

  it('log.retention.ms lowered as a cluster default expires a running topic at the next retention pass', async () => {
    await createTopic(client, 'expiring', { 'segment.bytes': '1024', 'file.delete.delay.ms': '0' });
    for (let i = 0; i < 10; i++) assert.equal(await produce(client, 'expiring', 300), ErrorCode.NONE);
    const log = broker.broker.topics.get('expiring')!.partitions[0]!.log;
    await broker.broker.topics.store.enforceRetention();
    assert.equal(log.logStartOffset, 0, 'the default retention keeps everything');
    const before = (await describe_(client, BROKER, '')).map((c) => [c.name, c.value] as [string, string]);
    assert.equal((await incremental(client, '', [['log.retention.ms', SET, '1']])).errorCode, ErrorCode.NONE);
    await new Promise((r) => setTimeout(r, 10)); // the records are now older than 1 ms
    await broker.broker.topics.store.enforceRetention();
    assert.equal(log.logStartOffset, 10, 'every record expired: the log start is the log end');
    // Restore the defaults the other tests expect.
    await client.request(33, 1, { resources: [{ resourceType: BROKER, resourceName: '', configs: before.map(([name, value]) => ({ name, value })) }], validateOnly: false });
    assert.equal(liveLog('follows').logConfig.retentionMs, 3 * HOUR_MS);
  });

  it('refuses read-only, unknown and invalid configs with INVALID_REQUEST naming the key; validateOnly changes nothing', async () => {
    for (const name of [node, '']) {
      const ro = await incremental(client, name, [['num.partitions', SET, '3']]);
      assert.equal(ro.errorCode, ErrorCode.INVALID_REQUEST);
      assert.match(ro.errorMessage, /Cannot update these configs dynamically: Set\(num\.partitions\)/);
    }
    const listeners = await incremental(client, node, [['log.cleaner.enable', SET, 'false']]);
    assert.equal(listeners.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(listeners.errorMessage, /log\.cleaner\.enable/);
    const unknown = await incremental(client, node, [['no.such.config', SET, '1']]);
    assert.equal(unknown.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(unknown.errorMessage, /no\.such\.config/);
    const bad = await incremental(client, '', [['log.segment.bytes', SET, 'big']]);
    assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(bad.errorMessage, /log\.segment\.bytes/);
    const [np] = await describe_(client, BROKER, node, ['num.partitions']);
    assert.equal(np!.readOnly, true);

    const dry = await incremental(client, '', [['log.retention.ms', SET, '5']], true);
    assert.equal(dry.errorCode, ErrorCode.NONE);
    assert.equal(liveLog('follows').logConfig.retentionMs, 3 * HOUR_MS, 'validateOnly applied nothing');
    const legacyDry = await client.request(33, 1, {
      resources: [{ resourceType: BROKER, resourceName: '', configs: [] }],
      validateOnly: true,
    });
    assert.equal(legacyDry.responses[0].errorCode, ErrorCode.NONE);
    assert.equal((await describe_(client, BROKER, '')).length, 2, 'validateOnly kept the defaults');
  });

  it('legacy AlterConfigs replaces a broker resource whole; everything survives a restart', async () => {
    const res = await client.request(33, 1, {
      resources: [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', value: String(2 * HOUR_MS) }] }],
      validateOnly: false,
    });
    assert.equal(res.responses[0].errorCode, ErrorCode.NONE);
    assert.equal(liveLog('follows').logConfig.segmentBytes, 1024 * 1024 * 1024, 'log.segment.bytes default removed');
    assert.equal((await incremental(client, node, [['log.cleaner.backoff.ms', SET, '5000']])).errorCode, ErrorCode.NONE);

    const file = JSON.parse(readFileSync(join(broker.dataDir, 'brook-broker-configs.json'), 'utf8'));
    assert.deepEqual(file, { version: 1, clusterDefault: { 'log.retention.ms': String(2 * HOUR_MS) }, brokers: { [node]: { 'log.cleaner.backoff.ms': '5000' } } });

    client.close();
    await broker.stop();
    broker = await startTestBroker({ dataDir: broker.dataDir, config: { 'log.retention.hours': '48' } });
    client = await RawClient.connect(broker.port);
    assert.equal(liveLog('follows').logConfig.retentionMs, 2 * HOUR_MS, 'reloaded before the partitions opened');
    const [backoff] = await describe_(client, BROKER, node, ['log.cleaner.backoff.ms']);
    assert.deepEqual([backoff!.value, backoff!.configSource], ['5000', SOURCE.DYNAMIC_BROKER]);
  });
});
