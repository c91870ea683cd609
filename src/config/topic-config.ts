/**
 * Per-topic configs (Kafka's LogConfig / TopicConfig): names, types, validators, and the broker
 * config each falls back to when a topic does not override it (Kafka's ServerTopicConfigSynonyms).
 *
 *   validateTopicConfigs({ 'retention.ms': 'abc' })  // ConfigError naming retention.ms
 *   effectiveTopicConfig(brokerConfig, overrides)   // typed, every key filled in
 *   toLogConfig(topicConfig)                        // what the storage layer takes
 */
import type { LogConfig } from '../storage/types.js';
import type { BrokerConfig } from './broker-config.js';
import { COMPRESSION_TYPES, CLEANUP_POLICIES, TIMESTAMP_TYPES } from './broker-config-defs.js';
import {
  LONG_MAX,
  atLeast,
  between,
  bool,
  double,
  eachOneOf,
  formatConfigValue,
  int,
  list,
  long,
  oneOf,
  parseConfigValue,
  str,
  type ConfigDef,
  type ConfigValue,
  type Validator,
  type ValuesOf,
} from './config-def.js';
import { ConfigError } from './config-error.js';

export interface TopicConfigDef<T extends ConfigValue = ConfigValue> extends ConfigDef<T> {
  /** Broker configs this falls back to, highest precedence first (DescribeConfigs synonyms). */
  readonly serverSynonyms: readonly string[];
  /** The broker-level value used when the topic does not override this config. */
  readonly brokerDefault: (config: BrokerConfig) => T;
}

/** Kafka's answer when a topic asks for tiered storage on a broker without it. */
const tieredStorageDisabled: Validator = {
  ensureValid: (name, value) => {
    if (value === true) throw ConfigError.invalid(name, true, 'Tiered Storage functionality is disabled in the broker');
  },
  toString: () => '[false]',
};

/** `sentinel` (the codec's default) or a level in [min, max], as Kafka's gzip level validator. */
function oneOfRange(sentinel: number, min: number, max: number): Validator {
  const range = between(min, max);
  return {
    ensureValid: (name, value) => {
      if (value !== sentinel) range.ensureValid(name, value);
    },
    toString: () => `${sentinel} or ${range.toString()}`,
  };
}

function topic<T extends ConfigValue>(def: ConfigDef<T>, serverSynonyms: string[], brokerDefault: (c: BrokerConfig) => T): TopicConfigDef<T> {
  return { ...def, serverSynonyms, brokerDefault };
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export const topicConfigDefs = {
  cleanupPolicy: topic(
    list('cleanup.policy', ['delete'], { validator: eachOneOf(...CLEANUP_POLICIES), doc: 'delete, compact, or both.' }),
    ['log.cleanup.policy'],
    (c) => c.logCleanupPolicy,
  ),
  compressionType: topic(
    str('compression.type', 'producer', { validator: oneOf(...COMPRESSION_TYPES), doc: 'Compression of stored batches.' }),
    ['compression.type'],
    (c) => c.compressionType,
  ),
  // Accepted and reported as Kafka documents them; Brook keeps producers' batches as sent and has
  // no tiered storage or replica throttling yet, so these change nothing at run time.
  compressionGzipLevel: topic(
    int('compression.gzip.level', -1, { validator: oneOfRange(-1, 1, 9), doc: 'gzip level when the broker compresses (-1 = codec default).' }),
    ['compression.gzip.level'],
    (c) => c.compressionGzipLevel,
  ),
  compressionLz4Level: topic(
    int('compression.lz4.level', 9, { validator: between(1, 17), doc: 'lz4 level when the broker compresses.' }),
    ['compression.lz4.level'],
    (c) => c.compressionLz4Level,
  ),
  compressionZstdLevel: topic(
    int('compression.zstd.level', 3, { validator: between(-131072, 22), doc: 'zstd level when the broker compresses.' }),
    ['compression.zstd.level'],
    (c) => c.compressionZstdLevel,
  ),
  followerReplicationThrottledReplicas: topic(
    list('follower.replication.throttled.replicas', [], { doc: 'Replicas whose follower fetches are throttled (partition:broker, or *).' }),
    [],
    () => [],
  ),
  leaderReplicationThrottledReplicas: topic(
    list('leader.replication.throttled.replicas', [], { doc: 'Replicas whose leader-side replication is throttled (partition:broker, or *).' }),
    [],
    () => [],
  ),
  localRetentionBytes: topic(
    long('local.retention.bytes', -2, { validator: atLeast(-2), doc: 'Local bytes kept with tiered storage (-2 = retention.bytes).' }),
    ['log.local.retention.bytes'],
    (c) => c.logLocalRetentionBytes,
  ),
  localRetentionMs: topic(
    long('local.retention.ms', -2, { validator: atLeast(-2), doc: 'Local time kept with tiered storage (-2 = retention.ms).' }),
    ['log.local.retention.ms'],
    (c) => c.logLocalRetentionMs,
  ),
  remoteLogCopyDisable: topic(bool('remote.log.copy.disable', false, { doc: 'Stop copying segments to tiered storage.' }), [], () => false),
  remoteLogDeleteOnDisable: topic(bool('remote.log.delete.on.disable', false, { doc: 'Delete remote data when tiered storage is disabled.' }), [], () => false),
  remoteStorageEnable: topic(
    bool('remote.storage.enable', false, { validator: tieredStorageDisabled, doc: 'Tiered storage for this topic (not supported by Brook: must stay false).' }),
    [],
    () => false,
  ),
  deleteRetentionMs: topic(
    long('delete.retention.ms', 86400000, { validator: atLeast(0), doc: 'How long tombstones are kept when compacting.' }),
    ['log.cleaner.delete.retention.ms'],
    (c) => c.logCleanerDeleteRetentionMs,
  ),
  fileDeleteDelayMs: topic(
    long('file.delete.delay.ms', 60000, { validator: atLeast(0), doc: 'Delay before a deleted segment file is removed.' }),
    ['log.segment.delete.delay.ms'],
    (c) => c.logSegmentDeleteDelayMs,
  ),
  flushMessages: topic(
    long('flush.messages', LONG_MAX, { validator: atLeast(1), doc: 'fsync after this many records.' }),
    ['log.flush.interval.messages'],
    (c) => c.logFlushIntervalMessages,
  ),
  flushMs: topic(
    long('flush.ms', LONG_MAX, { validator: atLeast(0), doc: 'fsync when unflushed data is this old.' }),
    ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    (c) => c.effectiveLogFlushIntervalMs,
  ),
  indexIntervalBytes: topic(
    int('index.interval.bytes', 4096, { validator: atLeast(0), doc: 'Bytes of log between two index entries.' }),
    ['log.index.interval.bytes'],
    (c) => c.logIndexIntervalBytes,
  ),
  maxCompactionLagMs: topic(
    long('max.compaction.lag.ms', LONG_MAX, { validator: atLeast(1), doc: 'Maximum age of a record before it must be compacted.' }),
    ['log.cleaner.max.compaction.lag.ms'],
    (c) => c.logCleanerMaxCompactionLagMs,
  ),
  maxMessageBytes: topic(
    int('max.message.bytes', 1048588, { validator: atLeast(0), doc: 'Largest record batch accepted.' }),
    ['message.max.bytes'],
    (c) => c.messageMaxBytes,
  ),
  messageDownconversionEnable: topic(
    bool('message.downconversion.enable', true, { doc: 'Down-convert batches for old fetch versions.' }),
    ['log.message.downconversion.enable'],
    (c) => c.logMessageDownconversionEnable,
  ),
  messageTimestampAfterMaxMs: topic(
    long('message.timestamp.after.max.ms', LONG_MAX, { validator: atLeast(0), doc: 'How far a CreateTime timestamp may be ahead of the broker clock.' }),
    ['log.message.timestamp.after.max.ms'],
    (c) => c.logMessageTimestampAfterMaxMs,
  ),
  messageTimestampBeforeMaxMs: topic(
    long('message.timestamp.before.max.ms', LONG_MAX, { validator: atLeast(0), doc: 'How far a CreateTime timestamp may be behind the broker clock.' }),
    ['log.message.timestamp.before.max.ms'],
    (c) => c.logMessageTimestampBeforeMaxMs,
  ),
  messageTimestampDifferenceMaxMs: topic(
    long('message.timestamp.difference.max.ms', LONG_MAX, { validator: atLeast(0), doc: 'Deprecated: largest distance of a CreateTime timestamp from the broker clock.' }),
    ['log.message.timestamp.difference.max.ms'],
    (c) => c.logMessageTimestampDifferenceMaxMs,
  ),
  messageTimestampType: topic(
    str('message.timestamp.type', 'CreateTime', { validator: oneOf(...TIMESTAMP_TYPES), doc: 'CreateTime or LogAppendTime.' }),
    ['log.message.timestamp.type'],
    (c) => c.logMessageTimestampType,
  ),
  minCleanableDirtyRatio: topic(
    double('min.cleanable.dirty.ratio', 0.5, { validator: between(0, 1), doc: 'Dirty/total ratio at which the log is cleaned.' }),
    ['log.cleaner.min.cleanable.ratio'],
    (c) => c.logCleanerMinCleanableRatio,
  ),
  minCompactionLagMs: topic(
    long('min.compaction.lag.ms', 0, { validator: atLeast(0), doc: 'Minimum age of a record before it may be compacted.' }),
    ['log.cleaner.min.compaction.lag.ms'],
    (c) => c.logCleanerMinCompactionLagMs,
  ),
  minInsyncReplicas: topic(
    int('min.insync.replicas', 1, { validator: atLeast(1), doc: 'Replicas that must have a write for acks=all.' }),
    ['min.insync.replicas'],
    (c) => c.minInsyncReplicas,
  ),
  preallocate: topic(bool('preallocate', false, { doc: 'Preallocate segment files.' }), ['log.preallocate'], (c) => c.logPreallocate),
  retentionBytes: topic(
    long('retention.bytes', -1, { doc: 'Delete old segments past this partition size; -1 for no limit.' }),
    ['log.retention.bytes'],
    (c) => c.logRetentionBytes,
  ),
  retentionMs: topic(
    long('retention.ms', WEEK_MS, { validator: atLeast(-1), doc: 'Delete segments older than this; -1 for no limit.' }),
    ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
    (c) => c.effectiveLogRetentionMs,
  ),
  segmentBytes: topic(
    int('segment.bytes', 1024 * 1024 * 1024, { validator: atLeast(14), doc: 'Maximum size of a segment file.' }),
    ['log.segment.bytes'],
    (c) => c.logSegmentBytes,
  ),
  segmentIndexBytes: topic(
    int('segment.index.bytes', 10 * 1024 * 1024, { validator: atLeast(4), doc: 'Maximum size of an index file.' }),
    ['log.index.size.max.bytes'],
    (c) => c.logIndexSizeMaxBytes,
  ),
  segmentJitterMs: topic(
    long('segment.jitter.ms', 0, { validator: atLeast(0), doc: 'Random jitter subtracted from segment.ms.' }),
    ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
    (c) => c.effectiveLogRollJitterMs,
  ),
  segmentMs: topic(
    long('segment.ms', WEEK_MS, { validator: atLeast(1), doc: 'Roll the active segment after this long.' }),
    ['log.roll.ms', 'log.roll.hours'],
    (c) => c.effectiveLogRollMs,
  ),
  uncleanLeaderElectionEnable: topic(
    bool('unclean.leader.election.enable', false, { doc: 'Allow out-of-sync replicas to become leader.' }),
    ['unclean.leader.election.enable'],
    (c) => c.uncleanLeaderElectionEnable,
  ),
} as const satisfies Record<string, TopicConfigDef>;

export type TopicConfigKey = keyof typeof topicConfigDefs;
export type TopicConfig = ValuesOf<typeof topicConfigDefs>;

/** Every topic config definition, sorted by name as Kafka lists them. */
export const topicConfigDefList: readonly TopicConfigDef[] = Object.values(topicConfigDefs as Record<string, TopicConfigDef>).sort(
  (a, b) => (a.name < b.name ? -1 : 1),
);

/** Kafka topic config name -> table key. */
export const topicConfigKeyByName: ReadonlyMap<string, TopicConfigKey> = new Map(
  (Object.keys(topicConfigDefs) as TopicConfigKey[]).map((key) => [topicConfigDefs[key].name, key]),
);

/** Parses only the overridden keys. Throws ConfigError naming the first bad key. */
function parseOverrides(overrides: Readonly<Record<string, string>>): Partial<Record<TopicConfigKey, ConfigValue>> {
  const parsed: Partial<Record<TopicConfigKey, ConfigValue>> = {};
  for (const [name, raw] of Object.entries(overrides)) {
    const key = topicConfigKeyByName.get(name);
    if (key === undefined) throw new ConfigError(`Unknown topic config name: ${name}`, name, raw);
    parsed[key] = parseConfigValue(topicConfigDefs[key] as ConfigDef, raw);
  }
  return parsed;
}

/**
 * The effective config of a topic: its overrides, else the broker's synonyms, else Kafka's
 * defaults. Throws ConfigError (Kafka's wording, naming the key) for bad overrides.
 */
export function effectiveTopicConfig(brokerConfig: BrokerConfig, overrides: Readonly<Record<string, string>> = {}): TopicConfig {
  const parsed = parseOverrides(overrides);
  const values: Record<string, ConfigValue> = {};
  for (const key of Object.keys(topicConfigDefs) as TopicConfigKey[]) {
    const def = topicConfigDefs[key] as TopicConfigDef;
    values[key] = key in parsed ? parsed[key]! : def.brokerDefault(brokerConfig);
  }
  const config = values as unknown as TopicConfig;
  checkCompactionLags(config);
  return Object.freeze(config);
}

/**
 * Checks topic config overrides as CreateTopics / AlterConfigs must: unknown names, bad values,
 * and min.compaction.lag.ms > max.compaction.lag.ms. Without a broker config the cross-check
 * uses Kafka's topic defaults. Returns the problem, or null.
 */
export function validateTopicConfigs(overrides: Readonly<Record<string, string>>, brokerConfig?: BrokerConfig): ConfigError | null {
  try {
    if (brokerConfig) {
      effectiveTopicConfig(brokerConfig, overrides);
    } else {
      const parsed = parseOverrides(overrides);
      checkCompactionLags({
        minCompactionLagMs: (parsed.minCompactionLagMs as number | undefined) ?? topicConfigDefs.minCompactionLagMs.defaultValue,
        maxCompactionLagMs: (parsed.maxCompactionLagMs as number | undefined) ?? topicConfigDefs.maxCompactionLagMs.defaultValue,
      });
    }
    return null;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

function checkCompactionLags(c: Pick<TopicConfig, 'minCompactionLagMs' | 'maxCompactionLagMs'>): void {
  if (c.minCompactionLagMs > c.maxCompactionLagMs) {
    throw new ConfigError(
      `conflict topic config setting min.compaction.lag.ms (${c.minCompactionLagMs}) > max.compaction.lag.ms (${c.maxCompactionLagMs})`,
      'min.compaction.lag.ms',
      String(c.minCompactionLagMs),
    );
  }
}

/**
 * Kafka validates the topic defaults derived from broker configs at startup (e.g. log.roll.ms=0
 * gives segment.ms=0, which is invalid). Brook does the same but names the broker config the
 * user actually set, which is the one they can fix.
 */
export function checkBrokerTopicDefaults(config: BrokerConfig): void {
  for (const def of topicConfigDefList) {
    const brokerName = def.serverSynonyms.find((name) => name in config.originals) ?? def.serverSynonyms[0]!;
    def.validator?.ensureValid(brokerName, def.brokerDefault(config));
  }
  checkCompactionLags({
    minCompactionLagMs: config.logCleanerMinCompactionLagMs,
    maxCompactionLagMs: config.logCleanerMaxCompactionLagMs,
  });
}

/** The storage layer's view of a topic config. Long "never" values stay Number.MAX_SAFE_INTEGER. */
export function toLogConfig(config: TopicConfig): LogConfig {
  return {
    segmentBytes: config.segmentBytes,
    segmentMs: config.segmentMs,
    indexIntervalBytes: config.indexIntervalBytes,
    segmentIndexBytes: config.segmentIndexBytes,
    flushMessages: config.flushMessages,
    flushMs: config.flushMs,
    cleanupPolicy: config.cleanupPolicy,
    retentionMs: config.retentionMs,
    retentionBytes: config.retentionBytes,
    fileDeleteDelayMs: config.fileDeleteDelayMs,
    deleteRetentionMs: config.deleteRetentionMs,
    minCleanableDirtyRatio: config.minCleanableDirtyRatio,
    minCompactionLagMs: config.minCompactionLagMs,
    maxCompactionLagMs: config.maxCompactionLagMs,
  };
}

export interface TopicConfigEntry {
  name: string;
  value: string | null;
  /** 'topic' = override; 'static-broker' = a broker synonym set in the config; else 'default'. */
  source: 'topic' | 'static-broker' | 'default';
  /** Broker synonym names, highest precedence first. */
  synonyms: readonly string[];
  def: TopicConfigDef;
}

/** Every topic config with its effective value and where it came from (for DescribeConfigs). */
export function describeTopicConfigs(brokerConfig: BrokerConfig, overrides: Readonly<Record<string, string>>): TopicConfigEntry[] {
  const effective = effectiveTopicConfig(brokerConfig, overrides) as unknown as Record<string, ConfigValue>;
  return topicConfigDefList.map((def) => {
    const key = topicConfigKeyByName.get(def.name)!;
    const source = def.name in overrides
      ? 'topic'
      : def.serverSynonyms.some((s) => s in brokerConfig.originals)
        ? 'static-broker'
        : 'default';
    return { name: def.name, value: formatConfigValue(def, effective[key]!), source, synonyms: def.serverSynonyms, def };
  });
}
