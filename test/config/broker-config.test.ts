import { test } from 'node:test';
import assert from 'node:assert/strict';
import { brokerConfigValue, describeBrokerConfigs, parseBrokerConfig } from '../../src/config/broker-config.js';
import { brokerConfigDefs, brokerConfigDefList } from '../../src/config/broker-config-defs.js';
import { LONG_MAX, camelCaseOf } from '../../src/config/config-def.js';
import { ConfigError } from '../../src/config/config-error.js';

function configError(props: Record<string, string>, message: string | RegExp): void {
  assert.throws(
    () => parseBrokerConfig(props),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

test('every table key is the camelCase of its Kafka name, and names are unique', () => {
  for (const [key, def] of Object.entries(brokerConfigDefs)) assert.equal(key, camelCaseOf(def.name));
  const names = brokerConfigDefList.map((d) => d.name);
  assert.equal(new Set(names).size, names.length);
});

test('defaults match Kafka', () => {
  const { config, warnings } = parseBrokerConfig({});
  assert.deepEqual(warnings, []);
  assert.equal(config.brokerId, 0);
  assert.equal(config.effectiveNodeId, 0);
  assert.equal(config.numPartitions, 1);
  assert.equal(config.defaultReplicationFactor, 1);
  assert.equal(config.autoCreateTopicsEnable, true);
  assert.equal(config.deleteTopicEnable, true);
  assert.equal(config.messageMaxBytes, 1048588);
  assert.equal(config.socketRequestMaxBytes, 104857600);
  assert.equal(config.maxConnections, 2147483647);
  assert.equal(config.connectionsMaxIdleMs, 600000);
  assert.equal(config.logSegmentBytes, 1073741824);
  assert.equal(config.logRollHours, 168);
  assert.equal(config.logIndexIntervalBytes, 4096);
  assert.equal(config.logIndexSizeMaxBytes, 10485760);
  assert.equal(config.logFlushIntervalMessages, LONG_MAX);
  assert.equal(config.logRetentionHours, 168);
  assert.equal(config.logRetentionBytes, -1);
  assert.equal(config.logRetentionCheckIntervalMs, 300000);
  assert.deepEqual(config.logCleanupPolicy, ['delete']);
  assert.equal(config.logMessageTimestampType, 'CreateTime');
  assert.equal(config.compressionType, 'producer');
  assert.equal(config.minInsyncReplicas, 1);
  assert.equal(config.offsetsTopicNumPartitions, 50);
  assert.equal(config.offsetsRetentionMinutes, 10080);
  assert.equal(config.groupInitialRebalanceDelayMs, 3000);
  assert.equal(config.groupMinSessionTimeoutMs, 6000);
  assert.equal(config.groupMaxSessionTimeoutMs, 1800000);
  assert.equal(config.transactionStateLogNumPartitions, 50);
  assert.equal(config.queuedMaxRequests, 500);
  assert.equal(config.uncleanLeaderElectionEnable, false);
  assert.equal(config.logCleanerMinCleanableRatio, 0.5);
  assert.equal(config.clusterId, null);
  assert.deepEqual(config.effectiveLogDirs, ['./data']);
  assert.deepEqual(config.effectiveListener, { name: 'PLAINTEXT', host: '', port: 9092 });
  assert.equal(config.effectiveAdvertisedListener, null);
  assert.deepEqual(config.originals, {});
});

test('values are typed: numbers, booleans, lists', () => {
  const { config } = parseBrokerConfig({
    'num.partitions': '3',
    'auto.create.topics.enable': 'FALSE',
    'log.cleanup.policy': 'compact, delete',
    'log.cleaner.min.cleanable.ratio': '0.1',
    'log.retention.bytes': '1073741824',
  });
  assert.equal(config.numPartitions, 3);
  assert.equal(config.autoCreateTopicsEnable, false);
  assert.deepEqual(config.logCleanupPolicy, ['compact', 'delete']);
  assert.equal(config.logCleanerMinCleanableRatio, 0.1);
  assert.equal(config.logRetentionBytes, 1073741824);
  assert.deepEqual(config.originals, {
    'num.partitions': '3',
    'auto.create.topics.enable': 'FALSE',
    'log.cleanup.policy': 'compact, delete',
    'log.cleaner.min.cleanable.ratio': '0.1',
    'log.retention.bytes': '1073741824',
  });
  assert.ok(Object.isFrozen(config));
});

test('bad values throw ConfigError naming key, value and rule', () => {
  configError({ 'num.partitions': 'abc' }, 'Invalid value abc for configuration num.partitions: Not a number of type INT');
  configError({ 'num.partitions': '0' }, 'Invalid value 0 for configuration num.partitions: Value must be at least 1');
  configError({ 'message.max.bytes': '-1' }, 'Invalid value -1 for configuration message.max.bytes: Value must be at least 0');
  configError({ 'socket.request.max.bytes': '0' }, 'Invalid value 0 for configuration socket.request.max.bytes: Value must be at least 1');
  configError({ 'log.segment.bytes': '13' }, 'Invalid value 13 for configuration log.segment.bytes: Value must be at least 14');
  configError({ 'log.index.interval.bytes': '-1' }, 'Invalid value -1 for configuration log.index.interval.bytes: Value must be at least 0');
  configError(
    { 'log.message.timestamp.type': 'BrokerTime' },
    'Invalid value BrokerTime for configuration log.message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
  );
  configError({ 'log.cleanup.policy': 'remove' }, 'Invalid value remove for configuration log.cleanup.policy: String must be one of: compact, delete');
  configError({ 'delete.topic.enable': 'maybe' }, 'Invalid value maybe for configuration delete.topic.enable: Expected value to be either true or false');
  configError({ 'log.retention.ms': '7d' }, 'Invalid value 7d for configuration log.retention.ms: Not a number of type LONG');
  configError({ 'compression.type': 'brotli' }, /^Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer$/);
});

test('the error carries the key and value for callers', () => {
  try {
    parseBrokerConfig({ 'num.partitions': 'abc' });
    assert.fail('expected a throw');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.key, 'num.partitions');
    assert.equal(err.value, 'abc');
  }
});

test('unknown names are warnings, not errors; strict mode rejects them', () => {
  const { config, warnings } = parseBrokerConfig({ 'foo.bar': '1', 'num.partitions': '2' });
  assert.deepEqual(warnings, ["Unknown configuration 'foo.bar' ignored"]);
  assert.equal(config.numPartitions, 2);
  assert.throws(() => parseBrokerConfig({ 'foo.bar': '1' }, { strict: true }), /Unknown configuration 'foo.bar'/);
});

test('retention: ms beats minutes beats hours; negative means -1', () => {
  assert.equal(parseBrokerConfig({}).config.effectiveLogRetentionMs, 168 * 3600000);
  assert.equal(parseBrokerConfig({ 'log.retention.hours': '1' }).config.effectiveLogRetentionMs, 3600000);
  assert.equal(parseBrokerConfig({ 'log.retention.hours': '1', 'log.retention.minutes': '2' }).config.effectiveLogRetentionMs, 120000);
  assert.equal(
    parseBrokerConfig({ 'log.retention.hours': '1', 'log.retention.minutes': '2', 'log.retention.ms': '500' }).config.effectiveLogRetentionMs,
    500,
  );
  assert.equal(parseBrokerConfig({ 'log.retention.ms': '-1' }).config.effectiveLogRetentionMs, -1);
  assert.equal(parseBrokerConfig({ 'log.retention.hours': '-5' }).config.effectiveLogRetentionMs, -1);
});

test('roll, roll jitter and flush intervals derive as Kafka does', () => {
  assert.equal(parseBrokerConfig({}).config.effectiveLogRollMs, 604800000);
  assert.equal(parseBrokerConfig({ 'log.roll.hours': '2' }).config.effectiveLogRollMs, 7200000);
  assert.equal(parseBrokerConfig({ 'log.roll.hours': '2', 'log.roll.ms': '1000' }).config.effectiveLogRollMs, 1000);
  assert.equal(parseBrokerConfig({ 'log.roll.jitter.hours': '1' }).config.effectiveLogRollJitterMs, 3600000);
  assert.equal(parseBrokerConfig({}).config.effectiveLogFlushIntervalMs, LONG_MAX);
  assert.equal(parseBrokerConfig({ 'log.flush.scheduler.interval.ms': '2000' }).config.effectiveLogFlushIntervalMs, 2000);
  assert.equal(
    parseBrokerConfig({ 'log.flush.scheduler.interval.ms': '2000', 'log.flush.interval.ms': '50' }).config.effectiveLogFlushIntervalMs,
    50,
  );
});

test('derived topic defaults are validated under the broker name the user set', () => {
  configError({ 'log.roll.ms': '0' }, 'Invalid value 0 for configuration log.roll.ms: Value must be at least 1');
  configError({ 'log.flush.interval.ms': '-5' }, 'Invalid value -5 for configuration log.flush.interval.ms: Value must be at least 0');
  configError(
    { 'log.cleaner.min.compaction.lag.ms': '10', 'log.cleaner.max.compaction.lag.ms': '5' },
    /min.compaction.lag.ms \(10\) > max.compaction.lag.ms \(5\)/,
  );
});

test('log.dirs beats log.dir; extra dirs are a warning; empty is an error', () => {
  assert.deepEqual(parseBrokerConfig({ 'log.dir': '/x' }).config.effectiveLogDirs, ['/x']);
  assert.deepEqual(parseBrokerConfig({ 'log.dir': '/x', 'log.dirs': '/y' }).config.effectiveLogDirs, ['/y']);
  const { config, warnings } = parseBrokerConfig({ 'log.dirs': '/a,/b' });
  assert.deepEqual(config.effectiveLogDirs, ['/a', '/b']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /using \/a/);
  configError({ 'log.dirs': '' }, /log\.dirs.*At least one log directory/);
});

test('node.id falls back to broker.id and must agree with it', () => {
  assert.equal(parseBrokerConfig({ 'broker.id': '5' }).config.effectiveNodeId, 5);
  assert.equal(parseBrokerConfig({ 'node.id': '7' }).config.effectiveNodeId, 7);
  assert.equal(parseBrokerConfig({ 'node.id': '7', 'broker.id': '7' }).config.effectiveNodeId, 7);
  configError({ 'node.id': '7', 'broker.id': '6' }, /node\.id to the same value as broker\.id/);
});

test('listeners: the first non-controller listener is served', () => {
  const { config, warnings } = parseBrokerConfig({
    listeners: 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://:9093',
    'controller.listener.names': 'CONTROLLER',
    'process.roles': 'broker,controller',
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(config.effectiveListener, { name: 'PLAINTEXT', host: '127.0.0.1', port: 19092 });
});

test('listeners: IPv6 hosts, custom names mapped to PLAINTEXT', () => {
  const { config } = parseBrokerConfig({
    listeners: 'CLIENT://[::1]:9094',
    'listener.security.protocol.map': 'CLIENT:PLAINTEXT',
  });
  assert.deepEqual(config.effectiveListener, { name: 'CLIENT', host: '::1', port: 9094 });
});

test('listeners: malformed, non-plaintext and unmapped listeners are config errors', () => {
  configError({ listeners: 'localhost:9092' }, /^Invalid value localhost:9092 for configuration listeners: Unable to parse localhost:9092 to a broker endpoint$/);
  configError({ listeners: 'PLAINTEXT://:9092', 'listener.security.protocol.map': 'PLAINTEXT:KERBEROS' }, /Unknown security protocol KERBEROS/);
  configError({ listeners: 'CLIENT://:9092' }, /No security protocol defined for listener CLIENT/);
  configError({ listeners: 'PLAINTEXT://:70000' }, /out of range/);
});

test('listeners: several client listeners, each with its protocol; advertised names must be listeners', () => {
  const { config, warnings } = parseBrokerConfig({
    listeners: 'INTERNAL://127.0.0.1:9092,EXTERNAL://:9095,CONTROLLER://:9093',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'advertised.listeners': 'EXTERNAL://broker.example:19095',
  });
  assert.deepEqual(warnings, []);
  assert.equal(config.effectiveListener.port, 9092);
  assert.deepEqual(config.clientListeners, [
    { name: 'INTERNAL', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' },
    { name: 'EXTERNAL', host: '', port: 9095, securityProtocol: 'SASL_SSL' },
  ]);
  assert.deepEqual(config.advertisedEndpoints, [{ name: 'EXTERNAL', host: 'broker.example', port: 19095 }]);
  const two = { listeners: 'PLAINTEXT://:9092,SSL://:9093' };
  configError({ ...two, 'advertised.listeners': 'OTHER://x:1' }, /Advertised listener OTHER must be one of the listeners PLAINTEXT, SSL/);
  configError({ listeners: 'PLAINTEXT://:9092,SSL://:9092' }, /different port/);
});

test('legacy port and host.name apply only when listeners is not set', () => {
  assert.deepEqual(parseBrokerConfig({ port: '9999', 'host.name': 'example' }).config.effectiveListener, {
    name: 'PLAINTEXT',
    host: 'example',
    port: 9999,
  });
  assert.equal(parseBrokerConfig({ port: '9999', listeners: 'PLAINTEXT://:9100' }).config.effectiveListener.port, 9100);
});

test('advertised.listeners: the entry named like the served listener', () => {
  const { config } = parseBrokerConfig({
    listeners: 'PLAINTEXT://:9092',
    'advertised.listeners': 'OTHER://x:1,PLAINTEXT://broker.example:9092',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT',
  });
  assert.deepEqual(config.effectiveAdvertisedListener, { name: 'PLAINTEXT', host: 'broker.example', port: 9092 });
});

test('describeBrokerConfigs lists every config with Kafka string values and sources', () => {
  const { config } = parseBrokerConfig({ 'num.partitions': '4' });
  const entries = describeBrokerConfigs(config);
  assert.equal(entries.length, brokerConfigDefList.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  assert.deepEqual(
    { value: byName.get('num.partitions')!.value, source: byName.get('num.partitions')!.source },
    { value: '4', source: 'static' },
  );
  assert.equal(byName.get('log.flush.interval.messages')!.value, '9223372036854775807');
  assert.equal(byName.get('log.flush.interval.messages')!.source, 'default');
  assert.equal(byName.get('log.retention.ms')!.value, null);
  assert.equal(byName.get('log.cleanup.policy')!.value, 'delete');
  assert.equal(byName.get('log.cleaner.min.cleanable.ratio')!.value, '0.5');
  assert.equal(brokerConfigValue(config, 'num.partitions'), 4);
  assert.equal(brokerConfigValue(config, 'no.such'), undefined);
});
