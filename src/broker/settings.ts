/**
 * The broker settings handlers read, derived once from the Kafka-named broker config
 * (src/config). Kept as a small typed view so handlers never parse config strings.
 */
import type { LogConfig } from '../storage/types.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { BrokerConfigLayers } from '../config/dynamic-broker-config.js';
import { txnSettingsFromConfig, type TxnSettings } from '../txn/settings.js';
import { effectiveTopicConfig, toLogConfig, validateTopicConfigs } from '../config/topic-config.js';
import { isWildcardHost } from '../config/listeners.js';
import { groupSettingsFromConfig, type GroupSettings } from '../group/settings.js';

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface TopicSettings {
  log: LogConfig;
  /** `max.message.bytes` */
  maxMessageBytes: number;
  /** `message.timestamp.type` */
  timestampType: TimestampType;
  /** `message.timestamp.before.max.ms` */
  timestampBeforeMaxMs: number;
  /** `message.timestamp.after.max.ms` */
  timestampAfterMaxMs: number;
  /** `cleanup.policy` includes compact. */
  compacted: boolean;
  /** `min.insync.replicas`: ISR members an acks=all produce needs (cluster mode). */
  minInsyncReplicas: number;
}

export interface BrokerSettings {
  /** The parsed Kafka-named config these settings came from (DescribeConfigs reports it). */
  brokerConfig: BrokerConfig;
  /** Where brokerConfig's values came from: static, dynamic cluster default, dynamic per node. */
  layers: BrokerConfigLayers;
  nodeId: number;
  clusterId: string;
  rack: string | null;
  /** From `advertised.listeners`; null means "the address we listen on". */
  advertisedListener: { host: string; port: number } | null;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  socketRequestMaxBytes: number;
  maxConnections: number;
  queuedMaxRequests: number;
  /** `queued.max.request.bytes`: the store's write backlog above which no requests are read; -1 = none. */
  queuedMaxRequestBytes: number;
  /** The group coordinator's `group.*` / `offsets.*` settings. */
  groups: GroupSettings;
  txn: TxnSettings;
  /** Effective settings of a topic with these overrides. */
  topicSettings(overrides: Record<string, string>): TopicSettings;
  logConfigFor(overrides: Record<string, string>): LogConfig;
  /** Returns why these topic config overrides are invalid, or null. */
  topicConfigProblem(overrides: Record<string, string>): string | null;
}

/** Builds the handlers' view of a parsed broker config. `clusterId` is the persisted one. */
export function settingsFromConfig(
  config: BrokerConfig,
  clusterId: string,
  layers: BrokerConfigLayers = { static: config.originals, clusterDefault: {}, node: {} },
): BrokerSettings {
  const advertised = config.effectiveAdvertisedListener;
  // Produce asks for a topic's settings on every request: parse each overrides object once.
  const cache = new WeakMap<Readonly<Record<string, string>>, TopicSettings>();
  return {
    brokerConfig: config,
    layers,
    nodeId: config.effectiveNodeId,
    clusterId,
    rack: config.brokerRack,
    advertisedListener: advertised && !isWildcardHost(advertised.host) ? { host: advertised.host, port: advertised.port } : null,
    numPartitions: config.numPartitions,
    defaultReplicationFactor: config.defaultReplicationFactor,
    autoCreateTopicsEnable: config.autoCreateTopicsEnable,
    deleteTopicEnable: config.deleteTopicEnable,
    socketRequestMaxBytes: config.socketRequestMaxBytes,
    maxConnections: config.maxConnections,
    queuedMaxRequests: config.queuedMaxRequests,
    queuedMaxRequestBytes: config.queuedMaxRequestBytes,
    groups: groupSettingsFromConfig(config),
    txn: txnSettingsFromConfig(config),
    topicSettings(overrides) {
      const cached = cache.get(overrides);
      if (cached) return cached;
      const topic = effectiveTopicConfig(config, overrides);
      const differenceMaxMs = topic.messageTimestampDifferenceMaxMs;
      const settings: TopicSettings = {
        log: toLogConfig(topic),
        maxMessageBytes: topic.maxMessageBytes,
        timestampType: topic.messageTimestampType as TimestampType,
        // The deprecated difference bound still applies when it is the tighter one, as in Kafka.
        timestampBeforeMaxMs: Math.min(topic.messageTimestampBeforeMaxMs, differenceMaxMs),
        timestampAfterMaxMs: Math.min(topic.messageTimestampAfterMaxMs, differenceMaxMs),
        compacted: topic.cleanupPolicy.includes('compact'),
        minInsyncReplicas: topic.minInsyncReplicas,
      };
      cache.set(overrides, settings);
      return settings;
    },
    logConfigFor(overrides) {
      return toLogConfig(effectiveTopicConfig(config, overrides));
    },
    topicConfigProblem(overrides) {
      return validateTopicConfigs(overrides, config)?.message ?? null;
    },
  };
}
