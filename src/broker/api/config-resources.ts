/**
 * Config resources as the config APIs (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs)
 * see them: resource and source ids from Kafka's protocol, topic and broker entries with their
 * sources and synonyms, and the paths that validate and apply topic overrides and dynamic
 * broker configs.
 */
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { ConfigType } from '../../config/config-def.js';
import { describeBrokerConfigs } from '../../config/broker-config.js';
import { brokerConfigKeyByName, brokerConfigDefs } from '../../config/broker-config-defs.js';
import { formatConfigValue, type ConfigDef } from '../../config/config-def.js';
import { describeTopicConfigs } from '../../config/topic-config.js';
import { DynamicConfigError, brokerConfigSynonyms, isDynamicBrokerConfig, type BrokerConfigLayers } from '../../config/dynamic-broker-config.js';
import { topicNameProblem } from '../topic-name.js';
import type { Broker } from '../broker.js';
import type { Topic } from '../topics.js';

/** Kafka's ConfigResource.Type ids. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

const CONFIG_TYPE_IDS: Record<ConfigType, number> = {
  boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, class: 8, password: 9,
};

export interface Synonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: Synonym[];
  configType: number;
  documentation: string | null;
}

export interface DescribeOptions {
  /** Only these keys (null = all). */
  keys: string[] | null;
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

/** An error for one resource of a request: Kafka's error code and message. */
export class ResourceError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

/** The topic a TOPIC resource names; throws ResourceError like Kafka's ConfigAdminManager. */
export function topicResource(broker: Broker, name: string): Topic {
  const problem = topicNameProblem(name);
  if (problem) throw new ResourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
  const topic = broker.topics.get(name);
  if (!topic) throw new ResourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
  return topic;
}

/** Checks a BROKER resource name: this node's id, or '' for the cluster-wide defaults. */
export function brokerResource(broker: Broker, name: string): 'node' | 'cluster-default' {
  if (name === '') return 'cluster-default';
  if (!/^-?\d+$/.test(name)) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${name}`);
  if (Number(name) !== broker.nodeId) {
    throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${broker.nodeId} but received ${name}`);
  }
  return 'node';
}

/** Every topic config with its effective value, source and (on request) synonyms and docs. */
export function describeTopic(broker: Broker, topic: Topic, options: DescribeOptions): ConfigEntry[] {
  const { brokerConfig, layers } = broker.config;
  const entries = describeTopicConfigs(brokerConfig, topic.configs);
  const wanted = options.keys ? new Set(options.keys) : null;
  const out: ConfigEntry[] = [];
  for (const e of entries) {
    if (wanted && !wanted.has(e.name)) continue;
    const synonyms: Synonym[] = [];
    if (e.source === 'topic') synonyms.push({ name: e.name, value: e.value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    synonyms.push(...layerSynonyms(layers, e.synonyms, true, false));
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    out.push({
      name: e.name,
      value: e.value,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: false,
      synonyms: options.includeSynonyms ? synonyms : [],
      configType: CONFIG_TYPE_IDS[e.def.type],
      documentation: options.includeDocumentation ? e.def.doc : null,
    });
  }
  return out;
}

/**
 * Kafka's ConfigHelper.configSynonyms: the values `names` have in each layer, by source first
 * (per-broker dynamic, cluster-default dynamic, static, default), then by name precedence.
 */
function layerSynonyms(layers: BrokerConfigLayers, names: readonly string[], includeNode: boolean, sensitive: boolean): Synonym[] {
  const out: Synonym[] = [];
  const add = (values: Readonly<Record<string, string>>, source: number) => {
    for (const name of names) if (name in values) out.push({ name, value: sensitive ? null : values[name]!, source });
  };
  if (includeNode) add(layers.node, ConfigSource.DYNAMIC_BROKER_CONFIG);
  add(layers.clusterDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  add(layers.static, ConfigSource.STATIC_BROKER_CONFIG);
  for (const name of names) {
    const key = brokerConfigKeyByName.get(name);
    if (key === undefined) continue;
    const def = brokerConfigDefs[key] as ConfigDef;
    const dflt = formatConfigValue(def, def.defaultValue);
    if (dflt !== null) out.push({ name, value: sensitive ? null : dflt, source: ConfigSource.DEFAULT_CONFIG });
  }
  return out;
}

/**
 * The broker's configs as Kafka's ConfigHelper describes them. For this node: every config with
 * its effective value; the source is the first synonym's (a name's higher-precedence synonyms,
 * such as log.retention.ms for log.retention.hours, are dropped first); read-only unless dynamic.
 * For the cluster default (''): only the dynamic defaults that are set.
 */
export function describeBroker(broker: Broker, scope: 'node' | 'cluster-default', options: DescribeOptions): ConfigEntry[] {
  const { brokerConfig, layers } = broker.config;
  const wanted = options.keys ? new Set(options.keys) : null;
  const perBroker = scope === 'node';
  const out: ConfigEntry[] = [];
  for (const e of describeBrokerConfigs(brokerConfig)) {
    if (wanted && !wanted.has(e.name)) continue;
    if (!perBroker && !(e.name in layers.clusterDefault)) continue;
    const names = brokerConfigSynonyms(e.name);
    const all = layerSynonyms(layers, names, perBroker, e.sensitive);
    const own = all.findIndex((syn) => syn.name === e.name);
    const synonyms = own < 0 ? [] : all.slice(own);
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    const value = perBroker ? e.value : e.sensitive ? null : layers.clusterDefault[e.name]!;
    out.push({
      name: e.name,
      value,
      readOnly: !names.some(isDynamicBrokerConfig),
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: e.sensitive,
      synonyms: options.includeSynonyms ? synonyms : [],
      configType: CONFIG_TYPE_IDS[e.def.type],
      documentation: options.includeDocumentation ? e.def.doc : null,
    });
  }
  return out;
}

/**
 * Validates a topic's complete new set of overrides and, unless validateOnly, persists and
 * applies it. Throws ResourceError (INVALID_CONFIG naming the key).
 */
export async function applyTopicOverrides(broker: Broker, topic: Topic, overrides: Record<string, string>, validateOnly: boolean): Promise<void> {
  const problem = broker.config.topicConfigProblem(overrides);
  if (problem) throw new ResourceError(ErrorCode.INVALID_CONFIG, problem);
  if (validateOnly) return;
  try {
    await broker.topics.alterConfigs(topic.name, overrides);
  } catch (err) {
    if (err instanceof KafkaError) throw new ResourceError(err.code, err.message);
    throw err;
  }
  broker.logger.info({ topic: topic.name, configs: overrides }, 'altered topic configs');
}

/** The dynamic layer a BROKER resource names, as it is now (IncrementalAlterConfigs starts from it). */
export function brokerLayer(broker: Broker, scope: 'node' | 'cluster-default'): Record<string, string> {
  const layers = broker.dynamicConfig.layers;
  return { ...(scope === 'node' ? layers.node : layers.clusterDefault) };
}

/**
 * Replaces a BROKER resource's dynamic configs with `values` (validated as a whole; persisted
 * and applied live unless validateOnly). Refusals are INVALID_REQUEST naming the keys, as Kafka
 * answers (its ConfigAdminManager turns the ConfigException into InvalidRequestException).
 */
export async function applyBrokerConfigs(broker: Broker, scope: 'node' | 'cluster-default', values: Record<string, string>, validateOnly: boolean): Promise<void> {
  try {
    await broker.dynamicConfig.replace(scope === 'node' ? 'node' : 'clusterDefault', values, validateOnly, (config) => broker.reconfigure(config));
  } catch (err) {
    if (err instanceof DynamicConfigError) throw new ResourceError(ErrorCode.INVALID_REQUEST, err.message);
    throw err;
  }
  if (!validateOnly) broker.logger.info({ broker: scope === 'node' ? broker.nodeId : '<default>', configs: values }, 'altered dynamic broker configs');
}

/** Keys given more than once in one resource (Kafka answers INVALID_REQUEST). */
function duplicateKeys(names: string[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const n of names) (seen.has(n) ? dups : seen).add(n);
  return [...dups];
}

function resourceKey(type: number, name: string): string {
  return `${type}\u0000${name}`;
}

interface AlterResource {
  resourceType: number;
  resourceName: string;
  configs: { name: string }[];
}

/**
 * Runs `alter` on each resource of an AlterConfigs / IncrementalAlterConfigs request, in order,
 * after Kafka's request-level checks: a resource named twice, or a config key named twice within
 * one resource, is INVALID_REQUEST for that resource (passed to `refuse`).
 */
export async function alterEachResource<R extends AlterResource, T>(
  resources: R[],
  alter: (resource: R) => Promise<T>,
  refuse: (resource: R, error: ResourceError) => T,
): Promise<T[]> {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(resourceKey(r.resourceType, r.resourceName), (counts.get(resourceKey(r.resourceType, r.resourceName)) ?? 0) + 1);
  const results: T[] = [];
  for (const r of resources) {
    if ((counts.get(resourceKey(r.resourceType, r.resourceName)) ?? 0) > 1) {
      results.push(refuse(r, new ResourceError(ErrorCode.INVALID_REQUEST, `Duplicate resource ${r.resourceName} in the request`)));
      continue;
    }
    const dups = duplicateKeys(r.configs.map((c) => c.name));
    if (dups.length > 0) {
      results.push(refuse(r, new ResourceError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${dups.join(', ')}`)));
      continue;
    }
    results.push(await alter(r));
  }
  return results;
}

export function errorCodeOf(err: unknown): { code: number; message: string } {
  if (err instanceof ResourceError || err instanceof KafkaError) return { code: err.code, message: err.message };
  throw err;
}
