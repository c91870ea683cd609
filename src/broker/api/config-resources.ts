/**
 * Config resources as the config APIs (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs)
 * see them: resource and source ids from Kafka's protocol, topic and broker entries with their
 * sources and synonyms, and the one path that validates and applies topic overrides.
 */
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { ConfigType } from '../../config/config-def.js';
import { describeBrokerConfigs } from '../../config/broker-config.js';
import { brokerConfigKeyByName, brokerConfigDefs } from '../../config/broker-config-defs.js';
import { formatConfigValue, type ConfigDef } from '../../config/config-def.js';
import { describeTopicConfigs } from '../../config/topic-config.js';
import { topicNameProblem } from '../topic-name.js';
import type { Broker } from '../broker.js';
import type { Topic } from '../topics.js';

/** Kafka's ConfigResource.Type ids. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
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
  const brokerConfig = broker.config.brokerConfig;
  const entries = describeTopicConfigs(brokerConfig, topic.configs);
  const wanted = options.keys ? new Set(options.keys) : null;
  const out: ConfigEntry[] = [];
  for (const e of entries) {
    if (wanted && !wanted.has(e.name)) continue;
    const synonyms: Synonym[] = [];
    if (e.source === 'topic') synonyms.push({ name: e.name, value: e.value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    for (const brokerName of e.synonyms) synonyms.push(...brokerSynonyms(brokerConfig.originals, brokerName));
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

/** A broker config's synonym entries: its static value if set, then its default if it has one. */
function brokerSynonyms(originals: Readonly<Record<string, string>>, name: string): Synonym[] {
  const key = brokerConfigKeyByName.get(name);
  if (key === undefined) return [];
  const def = brokerConfigDefs[key] as ConfigDef;
  const out: Synonym[] = [];
  if (name in originals) out.push({ name, value: originals[name]!, source: ConfigSource.STATIC_BROKER_CONFIG });
  const dflt = formatConfigValue(def, def.defaultValue);
  if (dflt !== null) out.push({ name, value: dflt, source: ConfigSource.DEFAULT_CONFIG });
  return out;
}

/**
 * The broker's configs. Brook applies broker configs at startup only, so every entry is
 * read-only and the cluster-default resource ('') has no dynamic entries.
 */
export function describeBroker(broker: Broker, scope: 'node' | 'cluster-default', options: DescribeOptions): ConfigEntry[] {
  if (scope === 'cluster-default') return [];
  const wanted = options.keys ? new Set(options.keys) : null;
  const out: ConfigEntry[] = [];
  for (const e of describeBrokerConfigs(broker.config.brokerConfig)) {
    if (wanted && !wanted.has(e.name)) continue;
    const source = e.source === 'static' ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    out.push({
      name: e.name,
      value: e.value,
      readOnly: true,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: e.sensitive,
      synonyms: options.includeSynonyms && (e.value !== null || e.sensitive) ? [{ name: e.name, value: e.value, source }] : [],
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

/** Brook cannot change broker configs at runtime: a clear INVALID_CONFIG naming the keys. */
export function rejectBrokerAlter(names: string[]): void {
  if (names.length === 0) return;
  const unknown = names.filter((n) => !brokerConfigKeyByName.has(n));
  if (unknown.length > 0) throw new ResourceError(ErrorCode.INVALID_CONFIG, `Unknown broker config name: ${unknown.join(', ')}`);
  throw new ResourceError(
    ErrorCode.INVALID_CONFIG,
    `Cannot update these configs dynamically: ${names.join(', ')} (Brook reads broker configs at startup: change the config file and restart)`,
  );
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
