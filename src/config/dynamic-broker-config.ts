/**
 * Dynamic broker configs (Kafka's DynamicBrokerConfig): the broker configs AlterConfigs and
 * IncrementalAlterConfigs may change on a running broker, in three layers, highest first:
 *
 *   node            per-broker dynamic values     (resource BROKER, name = node id)
 *   clusterDefault  cluster-wide dynamic defaults (resource BROKER, name = '')
 *   static          the config file and flags
 *
 * then each config's own default. Pure: the broker persists the layers (src/broker/dynamic-config.ts).
 *
 * Which configs are dynamic: Kafka's set, restricted to those Brook applies live. Every log
 * default a topic config falls back to (ServerTopicConfigSynonyms: `log.retention.ms`,
 * `log.segment.bytes`, `log.cleanup.policy`, `message.max.bytes`, ...), the cleaner's
 * reconfigurable settings, the connection limits and the (informative) thread counts are
 * cluster-wide. Kafka's per-broker-only ones (listeners, SSL keystores) need a restart in Brook,
 * so they are read-only here, like `num.partitions`, `log.dirs` or `log.cleaner.enable` in Kafka.
 */
import { parseBrokerConfig, type BrokerConfig } from './broker-config.js';
import { brokerConfigKeyByName } from './broker-config-defs.js';
import { ConfigError } from './config-error.js';
import { topicConfigDefList } from './topic-config.js';

export interface BrokerConfigLayers {
  /** The config file and flags (what parseBrokerConfig was given). */
  readonly static: Readonly<Record<string, string>>;
  /** Cluster-wide dynamic defaults (DYNAMIC_DEFAULT_BROKER_CONFIG). */
  readonly clusterDefault: Readonly<Record<string, string>>;
  /** This broker's dynamic values (DYNAMIC_BROKER_CONFIG). */
  readonly node: Readonly<Record<string, string>>;
}

/** Kafka's LogCleaner.ReconfigurableConfigs, where Brook knows the name. */
const CLEANER_CONFIGS = ['log.cleaner.threads', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.io.buffer.size', 'log.cleaner.backoff.ms'];
/** DynamicThreadPool and SocketServer's reconfigurable configs. */
const SERVER_CONFIGS = [
  'num.io.threads', 'num.network.threads', 'num.recovery.threads.per.data.dir',
  'max.connections', 'max.connections.per.ip', 'max.connections.per.ip.overrides',
];

/** Every config name that may be changed at runtime (all cluster-wide in Brook). */
export const dynamicBrokerConfigNames: ReadonlySet<string> = new Set(
  [...topicConfigDefList.flatMap((d) => d.serverSynonyms), ...CLEANER_CONFIGS, ...SERVER_CONFIGS].filter((n) => brokerConfigKeyByName.has(n)),
);

export function isDynamicBrokerConfig(name: string): boolean {
  return dynamicBrokerConfigNames.has(name);
}

/**
 * Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the names that set the same value, highest
 * precedence first (`log.retention.ms` > `.minutes` > `.hours`).
 */
export function brokerConfigSynonyms(name: string): string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    default:
      return [name];
  }
}

/**
 * The effective config of these layers. `originals` stays the static layer's: DescribeConfigs
 * reports dynamic values from the layers, not as STATIC_BROKER_CONFIG.
 */
export function effectiveBrokerConfig(layers: BrokerConfigLayers): BrokerConfig {
  const { config } = parseBrokerConfig({ ...layers.static, ...layers.clusterDefault, ...layers.node });
  return Object.freeze({ ...config, originals: Object.freeze({ ...layers.static }) });
}

/** Why a dynamic change was refused: Kafka answers INVALID_REQUEST for all of these (KAFKA-13609). */
export class DynamicConfigError extends Error {
  override name = 'DynamicConfigError';
}

/**
 * Checks a new dynamic set for one layer (the whole set, after the request's operations).
 * Throws DynamicConfigError with Kafka's wording: unknown names, names that are not dynamic
 * ("Cannot update these configs dynamically: Set(num.partitions)"), and values that do not parse
 * or make a topic default invalid, naming the key.
 */
export function checkDynamicLayer(layers: BrokerConfigLayers, scope: 'node' | 'clusterDefault', values: Readonly<Record<string, string>>): void {
  const names = Object.keys(values);
  const unknown = names.filter((n) => !brokerConfigKeyByName.has(n));
  if (unknown.length > 0) throw new DynamicConfigError(`Unknown broker configs: Set(${unknown.join(', ')})`);
  const fixed = names.filter((n) => !isDynamicBrokerConfig(n));
  if (fixed.length > 0) throw new DynamicConfigError(`Cannot update these configs dynamically: Set(${fixed.join(', ')})`);
  try {
    effectiveBrokerConfig({ ...layers, [scope]: values });
  } catch (err) {
    if (err instanceof ConfigError) throw new DynamicConfigError(err.message);
    throw err;
  }
}
