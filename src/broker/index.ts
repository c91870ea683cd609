/**
 * startBroker(): a Brook broker in this process, for `brook start`, for embedding and for tests.
 *
 *   const broker = await startBroker({ port: 0, storage: 'memory' });
 *   // ... clients use broker.bootstrapServers ...
 *   await broker.stop();
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseBrokerConfig, type BrokerConfig } from '../config/broker-config.js';
import { createLogger, type LevelSetting, type Logger } from '../log/logger.js';
import type { LogStore } from '../storage/types.js';
import { FileLogStore } from '../storage/file/file-store.js';
import type { FileOps } from '../storage/file/fs-ops.js';
import { MemoryLogStore } from '../storage/memory/memory-store.js';
import { Broker } from './broker.js';
import { settingsFromConfig } from './settings.js';
import { DynamicBrokerConfig } from './dynamic-config.js';
import { startBrokerMetricsEndpoint } from '../metrics/broker-endpoint.js';
import { SecurityService, securitySettingsFromConfig, type SecurityServiceDeps } from '../security/index.js';
import type { MetricsServer } from '../metrics/http-server.js';
import type { BrokerConsole } from '../console/broker-console.js';
import { ClusterNode } from '../cluster/cluster-node.js';
import { EtcdDocument } from '../cluster/etcd-document.js';
import type { ReplicaRoleSink } from '../cluster/contract.js';
import { createReplicaManager } from '../cluster/replication/index.js';

export interface StartBrokerOptions {
  /** Parsed config, or Kafka-named properties (`{ 'num.partitions': '3' }`). */
  config?: BrokerConfig | Record<string, string>;
  /** Default 127.0.0.1 when embedded; `brook start` passes its --host. */
  host?: string;
  /** Port of the first listener (others listen where `listeners` says); 0 picks a free port. Default: its port in `listeners` (9092). */
  port?: number;
  /** Log directory for the file store. Default: `log.dirs` from the config. */
  dataDir?: string;
  storage?: 'file' | 'memory';
  logger?: Logger;
  /** Used when no logger is given. Default 'warn' (embedded brokers stay quiet). */
  logLevel?: LevelSetting;
  clock?: () => number;
  /** The file store's I/O (tests inject slow or failing disks); default node:fs. */
  fileOps?: FileOps;
  /**
   * Serve /metrics, /health and /ready on this port (0 picks a free one). Default: the Brook
   * extension config `metrics.port`; no endpoint when neither is set.
   */
  metricsPort?: number;
  /** Address of the metrics endpoint. Default: the broker's host. */
  metricsHost?: string;
  /** Serve the web console on this port (0 picks one). Default: the Brook config `console.port`; off when neither is set. */
  consolePort?: number;
  /** Address of the console. Default 127.0.0.1 (it can delete topics). */
  consoleHost?: string;
  /** Cluster mode: builds the replica manager; default the one in src/cluster/replication. */
  replication?: (broker: Broker, cluster: ClusterNode) => ReplicaRoleSink;
}

export interface RunningBroker {
  host: string;
  port: number;
  /** `host:port` to give clients. */
  bootstrapServers: string;
  stop(): Promise<void>;
  /** The broker itself, for tests and tools in the same process. */
  broker: Broker;
  /** `http://host:port` of the metrics endpoint, or null when it is off. */
  metricsUrl: string | null;
  /** `http://host:port` of the web console, or null when it is off. */
  consoleUrl: string | null;
}

/**
 * An embedded broker serves tests and tools in one process: groups need not wait for more members
 * to join, so the first rebalance completes at once (`brook start` keeps Kafka's 3000 ms).
 */
const EMBEDDED_DEFAULTS: Record<string, string> = { 'group.initial.rebalance.delay.ms': '0' };

export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const staticConfig = isParsed(options.config) ? options.config : parseBrokerConfig({ ...EMBEDDED_DEFAULTS, ...options.config }).config;
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'warn' });
  const storage = options.storage ?? 'file';
  const dataDir = resolve(options.dataDir ?? staticConfig.effectiveLogDirs[0]!);
  // Dynamic broker configs persisted by AlterConfigs apply from the start (before the store opens).
  const dynamicConfig = await DynamicBrokerConfig.load(storage === 'file' ? dataDir : null, staticConfig);
  const config = dynamicConfig.effective();
  // Cluster mode: etcd holds the cluster id every member shares, so it is known before the store opens.
  const cluster = config.etcdEndpoints.length > 0 ? clusterNodeFor(config, logger) : null;
  const expectedClusterId = cluster ? await connectCluster(cluster, config.clusterId) : config.clusterId;
  const store = await openStore(storage, dataDir, config, logger, options.clock, options.fileOps);
  const clusterId = await store.clusterId(() => expectedClusterId ?? randomBytes(16).toString('base64url'));
  if (expectedClusterId !== null && expectedClusterId !== clusterId) {
    await store.close();
    await cluster?.session.close();
    throw new Error(`cluster.id ${expectedClusterId} does not match ${clusterId} stored in ${dataDir}/meta.properties`);
  }
  let security: SecurityService;
  try {
    // SCRAM credentials live beside the data (memory storage keeps them in memory only).
    security = new SecurityService({
      settings: securitySettingsFromConfig(config),
      dataDir: storage === 'file' ? dataDir : null,
      // Cluster mode: ACLs, credentials and quotas live in etcd so that every broker applies the same.
      ...(cluster ? { shared: sharedSecurityDocuments(cluster, logger) } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const broker = new Broker({
    settings: settingsFromConfig(config, clusterId, dynamicConfig.layers),
    dynamicConfig,
    store,
    logger,
    security,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(cluster ? { cluster } : {}),
    replication: options.replication ?? ((b, c) => createReplicaManager(b, c, { replicaLagTimeMaxMs: config.replicaLagTimeMaxMs })),
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await broker.start(host, options.port ?? config.effectiveListener.port);
  } catch (err) {
    await store.close();
    await cluster?.session.close();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  let metrics: MetricsServer | null = null;
  const metricsPort = options.metricsPort ?? configuredMetricsPort(config);
  if (metricsPort !== null) {
    try {
      metrics = await startBrokerMetricsEndpoint(broker, { port: metricsPort, host: options.metricsHost ?? host, ready: () => stopping === null });
    } catch (err) {
      await broker.stop();
      throw err;
    }
    logger.info({ url: metrics.url }, `metrics on ${metrics.url}/metrics`);
  }
  const { host: advertisedHost, port } = broker.advertisedListener;
  let webConsole: BrokerConsole | null = null;
  const consolePort = options.consolePort ?? config.consolePort;
  if (consolePort !== null) {
    try {
      const { startBrokerConsole } = await import('../console/broker-console.js');
      // Bootstrap over loopback when listening everywhere; Metadata then gives the advertised address.
      const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      webConsole = await startBrokerConsole({ bootstrapServers: `${local}:${broker.port}`, port: consolePort, ...(options.consoleHost ? { host: options.consoleHost } : {}), logger });
    } catch (err) {
      await stopAll(broker, metrics, null);
      throw err;
    }
  }
  return {
    host,
    port: broker.port,
    bootstrapServers: `${advertisedHost}:${port}`,
    broker,
    metricsUrl: metrics?.url ?? null,
    consoleUrl: webConsole?.url ?? null,
    stop: () => (stopping ??= stopAll(broker, metrics, webConsole)),
  };
}

async function stopAll(broker: Broker, metrics: MetricsServer | null, webConsole: BrokerConsole | null): Promise<void> {
  // The console is a client of the broker: it goes first. /ready already answers 503 (stopping
  // is set); the metrics endpoint goes last so scrapers see the stop.
  await webConsole?.close().catch(() => undefined);
  try {
    await broker.stop();
  } finally {
    await metrics?.close();
  }
}

/** `metrics.port` (Brook extension) once src/config defines it; null when unset. */
function configuredMetricsPort(config: BrokerConfig): number | null {
  const value = (config as unknown as { metricsPort?: number | null }).metricsPort;
  return typeof value === 'number' ? value : null;
}

function clusterNodeFor(config: BrokerConfig, logger: Logger): ClusterNode {
  return new ClusterNode({
    endpoints: [...config.etcdEndpoints],
    nodeId: config.effectiveNodeId,
    rack: config.brokerRack,
    sessionTimeoutMs: config.brokerSessionTimeoutMs,
    logger,
    defaults: {
      replicationFactor: config.defaultReplicationFactor,
      offsetsTopicReplicationFactor: config.offsetsTopicReplicationFactor,
      transactionStateLogReplicationFactor: config.transactionStateLogReplicationFactor,
      uncleanLeaderElection: config.uncleanLeaderElectionEnable,
    },
  });
}

function sharedSecurityDocuments(cluster: ClusterNode, logger: Logger): NonNullable<SecurityServiceDeps['shared']> {
  const { client, keys } = cluster.session;
  return {
    acls: new EtcdDocument(client, keys.acls, logger),
    credentials: new EtcdDocument(client, keys.scramCredentials, logger),
    quotas: new EtcdDocument(client, keys.clientQuotas, logger),
  };
}

async function connectCluster(cluster: ClusterNode, configured: string | null): Promise<string> {
  try {
    return await cluster.connect(configured);
  } catch (err) {
    await cluster.session.close();
    throw new Error(`cannot reach etcd at ${cluster.endpoints.join(',')}: ${(err as Error).message}`);
  }
}

function openStore(storage: 'file' | 'memory', dataDir: string, config: BrokerConfig, logger: Logger, clock?: () => number, fileOps?: FileOps): Promise<LogStore> {
  const retentionCheckIntervalMs = config.logRetentionCheckIntervalMs;
  if (storage === 'memory') {
    const cleaner = { enabled: config.logCleanerEnable, backoffMs: config.logCleanerBackoffMs, dedupeBufferBytes: config.logCleanerDedupeBufferSize };
    return Promise.resolve(new MemoryLogStore({ retentionCheckIntervalMs, cleaner, ...(clock ? { clock } : {}) }));
  }
  return FileLogStore.open({
    dataDir,
    logger,
    ...(clock ? { clock } : {}),
    ...(fileOps ? { fileOps } : {}),
    retentionCheckIntervalMs,
    cleaner: {
      enabled: config.logCleanerEnable,
      backoffMs: config.logCleanerBackoffMs,
      dedupeBufferBytes: config.logCleanerDedupeBufferSize,
      ioBufferBytes: config.logCleanerIoBufferSize,
    },
  });
}

function isParsed(config: StartBrokerOptions['config']): config is BrokerConfig {
  return config !== undefined && 'originals' in config && 'effectiveNodeId' in config;
}
