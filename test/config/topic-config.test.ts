import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBrokerConfig } from '../../src/config/broker-config.js';
import { brokerConfigKeyByName } from '../../src/config/broker-config-defs.js';
import { LONG_MAX, camelCaseOf } from '../../src/config/config-def.js';
import { ConfigError } from '../../src/config/config-error.js';
import {
  describeTopicConfigs,
  effectiveTopicConfig,
  toLogConfig,
  topicConfigDefList,
  topicConfigDefs,
  validateTopicConfigs,
} from '../../src/config/topic-config.js';
import { defaultLogConfig } from '../../src/storage/types.js';

const defaults = parseBrokerConfig({}).config;

/** Topic configs Kafka gives no broker-level synonym (ServerTopicConfigSynonyms has none). */
const WITHOUT_BROKER_SYNONYM = new Set([
  'leader.replication.throttled.replicas',
  'follower.replication.throttled.replicas',
  'remote.storage.enable',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
]);

test('topic table keys are camelCase names, and every synonym is a known broker config', () => {
  for (const [key, def] of Object.entries(topicConfigDefs)) {
    assert.equal(key, camelCaseOf(def.name));
    assert.equal(def.serverSynonyms.length > 0, !WITHOUT_BROKER_SYNONYM.has(def.name), def.name);
    for (const synonym of def.serverSynonyms) assert.ok(brokerConfigKeyByName.has(synonym), `${def.name} -> ${synonym}`);
  }
});

test('with a default broker, effective topic values equal Kafka topic defaults', () => {
  const effective = effectiveTopicConfig(defaults, {}) as unknown as Record<string, unknown>;
  for (const [key, def] of Object.entries(topicConfigDefs)) {
    assert.deepEqual(effective[key], def.defaultValue, def.name);
  }
});

test('broker synonyms feed topic defaults, including derived ones', () => {
  const broker = parseBrokerConfig({
    'log.retention.hours': '1',
    'log.segment.bytes': '1048576',
    'log.roll.ms': '60000',
    'message.max.bytes': '2000000',
    'log.cleanup.policy': 'compact',
    'log.message.timestamp.type': 'LogAppendTime',
    'log.flush.scheduler.interval.ms': '1000',
  }).config;
  const t = effectiveTopicConfig(broker, {});
  assert.equal(t.retentionMs, 3600000);
  assert.equal(t.segmentBytes, 1048576);
  assert.equal(t.segmentMs, 60000);
  assert.equal(t.maxMessageBytes, 2000000);
  assert.deepEqual(t.cleanupPolicy, ['compact']);
  assert.equal(t.messageTimestampType, 'LogAppendTime');
  assert.equal(t.flushMs, 1000);
});

test('topic overrides beat broker values', () => {
  const broker = parseBrokerConfig({ 'log.retention.hours': '1' }).config;
  const t = effectiveTopicConfig(broker, { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete', 'min.insync.replicas': '2' });
  assert.equal(t.retentionMs, 1000);
  assert.deepEqual(t.cleanupPolicy, ['compact', 'delete']);
  assert.equal(t.minInsyncReplicas, 2);
  assert.equal(t.segmentBytes, 1073741824);
});

test('validateTopicConfigs: null when fine, ConfigError naming the key otherwise', () => {
  assert.equal(validateTopicConfigs({ 'retention.ms': '-1', 'segment.bytes': '1048576' }), null);
  const cases: Array<[Record<string, string>, string]> = [
    [{ 'retention.ms': 'abc' }, 'Invalid value abc for configuration retention.ms: Not a number of type LONG'],
    [{ 'retention.ms': '-2' }, 'Invalid value -2 for configuration retention.ms: Value must be at least -1'],
    [{ 'segment.bytes': '10' }, 'Invalid value 10 for configuration segment.bytes: Value must be at least 14'],
    [{ 'cleanup.policy': 'purge' }, 'Invalid value purge for configuration cleanup.policy: String must be one of: compact, delete'],
    [{ 'message.timestamp.type': 'Now' }, 'Invalid value Now for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime'],
    [{ 'min.insync.replicas': '0' }, 'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1'],
    [{ 'min.cleanable.dirty.ratio': '2' }, 'Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be no more than 1'],
    [{ preallocate: 'sometimes' }, 'Invalid value sometimes for configuration preallocate: Expected value to be either true or false'],
    [{ 'retention.hours': '1' }, 'Unknown topic config name: retention.hours'],
  ];
  for (const [overrides, message] of cases) {
    const err = validateTopicConfigs(overrides);
    assert.ok(err instanceof ConfigError, JSON.stringify(overrides));
    assert.equal(err.message, message);
    assert.equal(err.key, Object.keys(overrides)[0]);
  }
});

test('validateTopicConfigs: min.compaction.lag.ms may not exceed max.compaction.lag.ms', () => {
  const err = validateTopicConfigs({ 'min.compaction.lag.ms': '100', 'max.compaction.lag.ms': '10' });
  assert.ok(err);
  assert.equal(err.message, 'conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (10)');
  const broker = parseBrokerConfig({ 'log.cleaner.max.compaction.lag.ms': '50' }).config;
  assert.ok(validateTopicConfigs({ 'min.compaction.lag.ms': '100' }, broker));
  assert.equal(validateTopicConfigs({ 'min.compaction.lag.ms': '100' }), null);
});

test('effectiveTopicConfig throws the same errors', () => {
  assert.throws(() => effectiveTopicConfig(defaults, { 'segment.ms': '0' }), /segment\.ms: Value must be at least 1/);
});

test('toLogConfig gives the storage contract its fields', () => {
  assert.deepEqual(toLogConfig(effectiveTopicConfig(defaults, {})), defaultLogConfig);
  const custom = toLogConfig(effectiveTopicConfig(defaults, { 'segment.bytes': '1048576', 'flush.messages': '1', 'index.interval.bytes': '100' }));
  assert.equal(custom.segmentBytes, 1048576);
  assert.equal(custom.flushMessages, 1);
  assert.equal(custom.indexIntervalBytes, 100);
  assert.equal(custom.flushMs, LONG_MAX);
});

test('describeTopicConfigs reports values and where they come from', () => {
  const broker = parseBrokerConfig({ 'log.retention.hours': '1' }).config;
  const entries = describeTopicConfigs(broker, { 'segment.bytes': '1048576' });
  assert.equal(entries.length, topicConfigDefList.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  assert.deepEqual([byName.get('segment.bytes')!.value, byName.get('segment.bytes')!.source], ['1048576', 'topic']);
  assert.deepEqual([byName.get('retention.ms')!.value, byName.get('retention.ms')!.source], ['3600000', 'static-broker']);
  assert.deepEqual(byName.get('retention.ms')!.synonyms, ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
  assert.deepEqual([byName.get('flush.messages')!.value, byName.get('flush.messages')!.source], ['9223372036854775807', 'default']);
  const names = entries.map((e) => e.name);
  assert.deepEqual(names, [...names].sort());
});

test('every topic config Kafka documents is known, including the ones Brook only reports', () => {
  const known = new Set(topicConfigDefList.map((d) => d.name));
  for (const name of [
    'compression.gzip.level', 'compression.lz4.level', 'compression.zstd.level', 'local.retention.ms', 'local.retention.bytes',
    'remote.storage.enable', 'leader.replication.throttled.replicas', 'follower.replication.throttled.replicas',
    'remote.log.copy.disable', 'remote.log.delete.on.disable', 'segment.jitter.ms', 'message.downconversion.enable',
  ]) {
    assert.ok(known.has(name), name);
  }
  assert.equal(validateTopicConfigs({ 'compression.gzip.level': '5' }), null);
  assert.equal(validateTopicConfigs({ 'compression.gzip.level': '-1' }), null);
  assert.match(validateTopicConfigs({ 'compression.gzip.level': '12' })!.message, /compression\.gzip\.level/);
  assert.match(validateTopicConfigs({ 'remote.storage.enable': 'true' })!.message, /Tiered Storage/);
});
