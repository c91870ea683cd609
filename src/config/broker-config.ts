/**
 * Broker configuration: Kafka-named string properties in, a typed frozen object out.
 *
 *   const { config, warnings } = parseBrokerConfig({ 'num.partitions': '3' });
 *   config.numPartitions            // 3
 *   config.effectiveLogRetentionMs  // log.retention.ms > .minutes > .hours, as Kafka
 *
 * A known name with a bad value throws ConfigError with Kafka's wording; an unknown name is a
 * warning (a Kafka server.properties carries many settings Brook has no use for).
 */
import { ConfigError } from './config-error.js';
import { formatConfigValue, parseConfigValue, type ConfigDef, type ConfigValue, type ValuesOf } from './config-def.js';
import { brokerConfigDefs, brokerConfigKeyByName, brokerConfigDefList, type BrokerConfigKey } from './broker-config-defs.js';
import { formatEndpoint, parseListeners, parseProtocolMap, type Endpoint } from './listeners.js';
import { checkBrokerTopicDefaults } from './topic-config.js';

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

export interface BrokerConfig extends ValuesOf<typeof brokerConfigDefs> {
  /** node.id, or broker.id when node.id is not set. */
  readonly effectiveNodeId: number;
  /** log.dirs, or log.dir when log.dirs is not set; never empty. */
  readonly effectiveLogDirs: readonly string[];
  /** log.roll.ms, else log.roll.hours in ms. */
  readonly effectiveLogRollMs: number;
  /** log.roll.jitter.ms, else log.roll.jitter.hours in ms. */
  readonly effectiveLogRollJitterMs: number;
  /** log.retention.ms, else .minutes, else .hours, in ms; any negative value becomes -1 (no limit). */
  readonly effectiveLogRetentionMs: number;
  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms. */
  readonly effectiveLogFlushIntervalMs: number;
  /** The first client listener (host '' = every interface); `brook start --port` overrides it. */
  readonly effectiveListener: Endpoint;
  /** Every client listener Brook serves (controller listeners left out), the first is effectiveListener. */
  readonly clientListeners: readonly ClientListener[];
  /** advertised.listeners as given (names checked against listeners); empty when not set. */
  readonly advertisedEndpoints: readonly Endpoint[];
  /** Security protocol of effectiveListener, from listener.security.protocol.map. */
  readonly effectiveSecurityProtocol: SecurityProtocol;
  /** advertised.listeners' entry named like effectiveListener (with one listener, else its first entry); null when none. */
  readonly effectiveAdvertisedListener: Endpoint | null;
  /** Known configs that were set, Kafka name -> the string given. */
  readonly originals: Readonly<Record<string, string>>;
}

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface ClientListener extends Endpoint {
  securityProtocol: SecurityProtocol;
}

export interface ParseBrokerConfigOptions {
  /** Throw on unknown names instead of warning. */
  strict?: boolean;
}

export interface ParsedBrokerConfig {
  config: BrokerConfig;
  warnings: string[];
}

export function parseBrokerConfig(
  props: Readonly<Record<string, string>>,
  opts: ParseBrokerConfigOptions = {},
): ParsedBrokerConfig {
  const warnings: string[] = [];
  const values: Record<string, ConfigValue> = {};
  for (const key of Object.keys(brokerConfigDefs) as BrokerConfigKey[]) {
    values[key] = brokerConfigDefs[key].defaultValue;
  }
  const originals: Record<string, string> = {};
  for (const [name, raw] of Object.entries(props)) {
    const key = brokerConfigKeyByName.get(name);
    if (key === undefined) {
      if (opts.strict) throw new ConfigError(`Unknown configuration '${name}'`, name, raw);
      warnings.push(`Unknown configuration '${name}' ignored`);
      continue;
    }
    values[key] = parseConfigValue(brokerConfigDefs[key] as ConfigDef, raw);
    originals[name] = raw;
  }
  const typed = values as unknown as ValuesOf<typeof brokerConfigDefs>;
  const clientListeners = resolveListeners(typed, originals);
  const { securityProtocol: effectiveSecurityProtocol, ...effectiveListener } = clientListeners[0]!;
  const advertisedEndpoints = resolveAdvertisedEndpoints(typed, clientListeners);
  const config: BrokerConfig = Object.freeze({
    ...typed,
    effectiveNodeId: resolveNodeId(typed, originals),
    effectiveLogDirs: resolveLogDirs(typed, warnings),
    effectiveLogRollMs: typed.logRollMs ?? typed.logRollHours * HOUR_MS,
    effectiveLogRollJitterMs: typed.logRollJitterMs ?? typed.logRollJitterHours * HOUR_MS,
    effectiveLogRetentionMs: retentionMs(typed),
    effectiveLogFlushIntervalMs: typed.logFlushIntervalMs ?? typed.logFlushSchedulerIntervalMs,
    effectiveListener,
    effectiveSecurityProtocol,
    clientListeners,
    advertisedEndpoints,
    effectiveAdvertisedListener: advertisedEndpoints.find((e) => e.name === effectiveListener.name) ?? (clientListeners.length === 1 ? advertisedEndpoints[0] : undefined) ?? null,
    originals: Object.freeze(originals),
  });
  checkBrokerTopicDefaults(config);
  return { config, warnings };
}

/** Kafka's KafkaConfig.logRetentionTimeMillis. */
function retentionMs(v: ValuesOf<typeof brokerConfigDefs>): number {
  const ms = v.logRetentionMs ?? (v.logRetentionMinutes !== null ? v.logRetentionMinutes * MINUTE_MS : v.logRetentionHours * HOUR_MS);
  return ms < 0 ? -1 : ms;
}

function resolveNodeId(v: ValuesOf<typeof brokerConfigDefs>, originals: Record<string, string>): number {
  if (v.nodeId === null) return v.brokerId;
  if ('broker.id' in originals && v.brokerId !== v.nodeId) {
    throw new ConfigError(`You must set node.id to the same value as broker.id (node.id=${v.nodeId}, broker.id=${v.brokerId})`, 'node.id', String(v.nodeId));
  }
  return v.nodeId;
}

function resolveLogDirs(v: ValuesOf<typeof brokerConfigDefs>, warnings: string[]): readonly string[] {
  const dirs = v.logDirs ?? v.logDir;
  const name = v.logDirs ? 'log.dirs' : 'log.dir';
  if (dirs.length === 0 || dirs.some((d) => d === '')) {
    throw ConfigError.invalid(name, dirs.join(','), 'At least one log directory must be defined via log.dirs or log.dir, and none may be empty');
  }
  if (dirs.length > 1) warnings.push(`Brook keeps all data in one directory; using ${dirs[0]} and ignoring the rest of ${name}`);
  return dirs;
}

/**
 * Kafka uses the legacy `port`/`host.name` only when `listeners` is not set. Brook serves every
 * listener that is not a controller listener, each with its protocol from
 * listener.security.protocol.map (TLS and SASL settings are checked by src/security).
 */
function resolveListeners(v: ValuesOf<typeof brokerConfigDefs>, originals: Record<string, string>): ClientListener[] {
  if (!('listeners' in originals) && ('port' in originals || 'host.name' in originals)) {
    return [{ name: 'PLAINTEXT', host: v.hostName, port: v.port, securityProtocol: 'PLAINTEXT' }];
  }
  const controllerNames = new Set((v.controllerListenerNames ?? '').split(',').map((s) => s.trim().toUpperCase()));
  const clients = parseListeners('listeners', v.listeners).filter((e) => !controllerNames.has(e.name));
  if (clients.length === 0) throw ConfigError.invalid('listeners', v.listeners, 'No client listener to serve');
  const protocols = parseProtocolMap('listener.security.protocol.map', v.listenerSecurityProtocolMap);
  const used = new Set<number>();
  return clients.map((listener) => {
    const protocol = protocols.get(listener.name);
    if (protocol === undefined) {
      throw ConfigError.invalid('listeners', v.listeners, `No security protocol defined for listener ${listener.name}`);
    }
    if (!SECURITY_PROTOCOLS.includes(protocol as SecurityProtocol)) {
      throw ConfigError.invalid('listener.security.protocol.map', v.listenerSecurityProtocolMap, `Unknown security protocol ${protocol} of listener ${listener.name}`);
    }
    // Port 0 (any free port) may repeat; Kafka refuses two listeners on one fixed port.
    if (listener.port !== 0 && used.has(listener.port)) {
      throw ConfigError.invalid('listeners', v.listeners, `Each listener must have a different port, ${formatEndpoint(listener)} repeats one`);
    }
    used.add(listener.port);
    return { ...listener, securityProtocol: protocol as SecurityProtocol };
  });
}

/** Kafka requires advertised listener names to be listener names. */
function resolveAdvertisedEndpoints(v: ValuesOf<typeof brokerConfigDefs>, listeners: readonly Endpoint[]): Endpoint[] {
  if (v.advertisedListeners === null) return [];
  const advertised = parseListeners('advertised.listeners', v.advertisedListeners);
  // One listener: its advertised entry may carry any name (Brook has always accepted that).
  if (listeners.length === 1) return advertised;
  const names = new Set(listeners.map((l) => l.name));
  const unknown = advertised.find((e) => !names.has(e.name));
  if (unknown) {
    throw ConfigError.invalid('advertised.listeners', v.advertisedListeners, `Advertised listener ${unknown.name} must be one of the listeners ${[...names].join(', ')}`);
  }
  return advertised;
}

// ---------------------------------------------------------------------------------------------
// By-name access, for DescribeConfigs and AlterConfigs

/** The parsed value of a broker config by its Kafka name; undefined for unknown names. */
export function brokerConfigValue(config: BrokerConfig, name: string): ConfigValue | undefined {
  const key = brokerConfigKeyByName.get(name);
  return key === undefined ? undefined : config[key];
}

export interface BrokerConfigEntry {
  name: string;
  /** Kafka's string form; null when unset (null default) or sensitive. */
  value: string | null;
  /** 'static' when set in the config file / flags, else 'default'. */
  source: 'static' | 'default';
  sensitive: boolean;
  def: ConfigDef;
}

/** Every broker config with its current value, in table order. */
export function describeBrokerConfigs(config: BrokerConfig): BrokerConfigEntry[] {
  return brokerConfigDefList.map((def) => {
    const sensitive = def.type === 'password';
    const value = brokerConfigValue(config, def.name) ?? null;
    return {
      name: def.name,
      value: sensitive ? null : formatConfigValue(def, value),
      source: def.name in config.originals ? 'static' : 'default',
      sensitive,
      def,
    };
  });
}
