/**
 * `brook start` options: commander definitions plus the pure step that turns flags into the
 * options the broker starts with.
 *
 * Precedence, lowest first: built-in defaults < `--config` file < `--set` (in order) < the
 * explicit flags `--host`, `--port`, `--data-dir`, `--broker-id`, `--etcd`, `--advertised-listener`.
 * The explicit flags are written back into the Kafka configs they stand for (`listeners`,
 * `log.dirs`, `broker.id`, `etcd.endpoints`, `advertised.listeners`) so the config the broker reports
 * is the config it runs with.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseBrokerConfig, type BrokerConfig } from '../config/broker-config.js';
import { readPropertiesFile } from '../config/properties.js';
import { formatEndpoint } from '../config/listeners.js';
import { LOG_LEVELS, type LevelSetting, type LogFormat } from '../log/logger.js';

export type StorageKind = 'file' | 'memory';

export interface StartOptions {
  config: BrokerConfig;
  /** Config warnings (unknown names, ignored extra listeners...) to log once a logger exists. */
  warnings: string[];
  /** Address to bind; '0.0.0.0' when the listener names no host. */
  host: string;
  port: number;
  /** Absolute path of the data directory (first of log.dirs / log.dir). */
  dataDir: string;
  storage: StorageKind;
  logFormat: LogFormat;
  logLevel: LevelSetting;
  /** Port of the /metrics endpoint; null = metrics.port from the config, or no endpoint. */
  metricsPort: number | null;
  /** Port of the web console; null = console.port from the config, or no console. */
  consolePort: number | null;
}

/** What commander hands over; undefined means the flag was not given. */
export interface StartFlags {
  port?: number;
  host?: string;
  dataDir?: string;
  config?: string;
  /** Raw `--set` arguments in command-line order. */
  set?: string[];
  storage: StorageKind;
  logFormat: LogFormat;
  logLevel: LevelSetting;
  metricsPort?: number;
  consolePort?: number;
  /** Cluster mode: `broker.id`, `etcd.endpoints`, `advertised.listeners` (host:port). */
  brokerId?: number;
  etcd?: string;
  advertisedListener?: string;
}

export interface StartArgsDeps {
  readFile?: (path: string) => string;
  cwd?: string;
}

/** A bad command line; printed as `brook: <message>` with exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Adds the `start` options to `cmd` (the real subcommand, or a standalone one in parseStartArgs). */
export function defineStartOptions(cmd: Command): Command {
  return cmd
    .description('start a broker')
    .option('--port <n>', 'port to listen on (default: 9092, or the port in listeners)', parsePort)
    .option('--host <host>', 'address to listen on (default: 0.0.0.0, every interface)')
    .option('--data-dir <dir>', 'data directory; sets log.dirs (default: ./data)')
    .option('--config <file>', 'broker configs in a Kafka .properties file')
    .option('--set <key=value>', 'set one broker config, e.g. num.partitions=3 (repeatable; wins over --config)', collectSet)
    .option('--metrics-port <n>', 'serve Prometheus /metrics, /health and /ready on this port (default: metrics.port; off when unset)', parsePort)
    .option('--console-port <n>', 'serve the web console on this port, on 127.0.0.1 (default: console.port; off when unset)', parsePort)
    .option('--broker-id <n>', 'id of this broker in a cluster; sets broker.id (default: 0)', parseBrokerId)
    .option('--etcd <urls>', 'join the cluster coordinated by these etcd endpoints (comma-separated http://host:port); sets etcd.endpoints')
    .option('--advertised-listener <host:port>', 'address given to clients and other brokers; sets advertised.listeners')
    .addOption(new Option('--storage <kind>', 'where partition data lives').choices(['file', 'memory']).default('file'))
    .addOption(new Option('--log-format <format>', 'log line format').choices(['json', 'pretty']).default('json'))
    .addOption(new Option('--log-level <level>', 'lowest level logged').choices([...LOG_LEVELS, 'silent']).default('info'));
}

/**
 * Parses the arguments that follow `start` (e.g. `['--port', '9093']`) into StartOptions.
 * Throws UsageError for a bad command line and ConfigError for a bad config value.
 */
export function parseStartArgs(args: readonly string[], deps: StartArgsDeps = {}): StartOptions {
  const cmd = defineStartOptions(new Command('start'))
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  try {
    cmd.parse([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new UsageError(commanderMessage(err));
    throw err;
  }
  return resolveStartOptions(cmd.opts<StartFlags>(), deps);
}

/** Applies the precedence rules and parses the result. Throws ConfigError for bad configs. */
export function resolveStartOptions(flags: StartFlags, deps: StartArgsDeps = {}): StartOptions {
  const readFile = deps.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const props: Record<string, string> = flags.config ? readPropertiesFile(flags.config, readFile) : {};
  for (const pair of flags.set ?? []) {
    const { key, value } = splitSetPair(pair);
    setOwn(props, key, value);
  }
  let parsed = parseBrokerConfig(props);
  const explicit = explicitConfigs(flags, parsed.config);
  if (Object.keys(explicit).length > 0) parsed = parseBrokerConfig({ ...props, ...explicit });
  const { config, warnings } = parsed;
  const listener = config.effectiveListener;
  return {
    config,
    warnings,
    host: listener.host === '' ? '0.0.0.0' : listener.host,
    port: listener.port,
    dataDir: path.resolve(deps.cwd ?? process.cwd(), config.effectiveLogDirs[0]!),
    storage: flags.storage,
    logFormat: flags.logFormat,
    logLevel: flags.logLevel,
    metricsPort: flags.metricsPort ?? null,
    consolePort: flags.consolePort ?? null,
  };
}

/** The Kafka configs that the explicit flags replace. */
function explicitConfigs(flags: StartFlags, config: BrokerConfig): Record<string, string> {
  const explicit: Record<string, string> = {};
  if (flags.host !== undefined || flags.port !== undefined) {
    // --host/--port move the first listener; the others stay where `listeners` puts them.
    const [listener, ...others] = config.clientListeners;
    explicit['listeners'] = [
      formatEndpoint({ name: listener!.name, host: flags.host ?? listener!.host, port: flags.port ?? listener!.port }),
      ...others.map((l) => formatEndpoint({ name: l.name, host: l.host, port: l.port })),
    ].join(',');
  }
  if (flags.dataDir !== undefined) explicit['log.dirs'] = flags.dataDir;
  if (flags.brokerId !== undefined) {
    explicit['broker.id'] = String(flags.brokerId);
    if (config.nodeId !== null) explicit['node.id'] = String(flags.brokerId);
  }
  if (flags.etcd !== undefined) explicit['etcd.endpoints'] = flags.etcd;
  if (flags.advertisedListener !== undefined) {
    const hostPort = flags.advertisedListener.replace(/^[A-Za-z_]+:\/\//, '');
    explicit['advertised.listeners'] = `${config.effectiveListener.name}://${hostPort}`;
  }
  return explicit;
}

export function splitSetPair(pair: string): { key: string; value: string } {
  const eq = pair.indexOf('=');
  const key = eq < 0 ? '' : pair.slice(0, eq).trim();
  if (key === '') throw new UsageError(`--set expects key=value, got '${pair}'`);
  return { key, value: pair.slice(eq + 1) };
}

function collectSet(value: string, previous: string[] | undefined): string[] {
  try {
    splitSetPair(value);
  } catch {
    throw new InvalidArgumentError('Expected key=value, e.g. --set num.partitions=3.');
  }
  return [...(previous ?? []), value];
}

function parseBrokerId(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('Expected a non-negative broker id.');
  return Number(value);
}

function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError('Expected a port number from 0 to 65535.');
  return port;
}

/** Commander prefixes its messages with `error: `; `brook: ` replaces it. */
export function commanderMessage(err: CommanderError): string {
  return err.message.replace(/^error: /, '');
}

function setOwn(target: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
