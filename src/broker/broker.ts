/**
 * A running broker: the TCP listener, its connections, and the services handlers use.
 *
 * Owners: the TopicRegistry owns topics and partitions, each Connection owns its socket and
 * in-flight requests, this class owns the listener and the set of live connections.
 */
import type net from 'node:net';
import type { LogStore } from '../storage/types.js';
import type { Logger } from '../log/logger.js';
import type { ApiHandler } from './handler.js';
import { Connection } from './connection.js';
import { TopicRegistry } from './topics.js';
import { handlers as allHandlers } from './api/index.js';
import { settingsFromConfig, type BrokerSettings } from './settings.js';
import { DynamicBrokerConfig } from './dynamic-config.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { BrokerMetrics } from '../metrics/broker-metrics.js';
import { GroupService } from '../group/index.js';
import { TxnServices } from '../txn/services.js';
import { SecurityService } from '../security/index.js';
import type { ClusterNode } from '../cluster/cluster-node.js';
import { GroupLeadership } from '../cluster/group-leadership.js';
import type { ReplicaRoleSink } from '../cluster/contract.js';
import { ListenerSocket, type HostPort } from './listener-socket.js';
import { isWildcardHost } from '../config/listeners.js';

export interface BrokerDeps {
  settings: BrokerSettings;
  store: LogStore;
  logger: Logger;
  clock?: () => number;
  randomBytes?: (size: number) => Buffer;
  /** TLS/SASL of the listener and SCRAM credentials; default a PLAINTEXT listener, nothing stored. */
  security?: SecurityService;
  /** Dynamic broker configs (AlterConfigs on BROKER); default: none, kept in memory. */
  dynamicConfig?: DynamicBrokerConfig;
  /** Cluster mode (etcd): membership, metadata and topic changes; absent on a single node. */
  cluster?: ClusterNode;
  /** Cluster mode: builds the replica manager (src/cluster/replication) once the broker exists. */
  replication?: (broker: Broker, cluster: ClusterNode) => ReplicaRoleSink;
}

export class Broker {
  /** Replaced as a whole when a dynamic broker config changes (see reconfigure). */
  private settings: BrokerSettings;
  readonly dynamicConfig: DynamicBrokerConfig;
  readonly logger: Logger;
  readonly topics: TopicRegistry;
  readonly handlers: Map<number, ApiHandler>;
  readonly clock: () => number;
  /** Request and traffic counters; read by the metrics endpoint (src/metrics). */
  readonly metrics: BrokerMetrics;
  /** The group coordinator (consumer groups, committed offsets) persisted in __consumer_offsets. */
  readonly groups: GroupService;
  /** Producer state, producer ids and the transaction coordinator (__transaction_state). */
  readonly txn: TxnServices;
  /** The listener's TLS/SASL settings, SCRAM credentials and per-connection SASL sessions. */
  readonly security: SecurityService;
  /** Cluster mode: this broker's etcd membership and the cluster metadata; null on a single node. */
  readonly cluster: ClusterNode | null;
  /** Cluster mode: the local replicas' roles (leader/follower) and fetchers; null on a single node. */
  readonly replicas: ReplicaRoleSink | null;
  private readonly store: LogStore;
  /** One server socket per client listener (`listeners`), in config order. */
  private readonly listeners: ListenerSocket[];
  private readonly connections = new Set<Connection>();

  constructor(deps: BrokerDeps) {
    this.settings = deps.settings;
    this.dynamicConfig = deps.dynamicConfig ?? DynamicBrokerConfig.inMemory(deps.settings.brokerConfig);
    this.logger = deps.logger;
    this.store = deps.store;
    if (this.store.writeBacklog) this.store.writeBacklog.onWritten = () => this.diskCaughtUp();
    this.clock = deps.clock ?? Date.now;
    this.cluster = deps.cluster ?? null;
    this.handlers = new Map(allHandlers.map((h) => [h.apiKey, h]));
    this.topics = new TopicRegistry({
      store: deps.store,
      logConfigFor: (overrides) => this.config.logConfigFor(overrides),
      ...(deps.randomBytes ? { randomBytes: deps.randomBytes } : {}),
    });
    this.metrics = new BrokerMetrics({ topicNameById: (id) => this.topics.getById(id)?.name });
    const leadership = this.cluster ? new GroupLeadership(this.cluster, this.logger) : null;
    this.groups = new GroupService({
      settings: leadership?.settings(this.config.groups) ?? this.config.groups,
      topics: this.topics,
      logger: this.logger,
      clock: this.clock,
      transactionalAppend: (partition, batch, count, txn, timestampMs) => this.txn.appendCoordinatorBatch(partition, batch, count, txn, timestampMs),
    });
    leadership?.attach(this.groups);
    this.txn = new TxnServices(this, this.config.txn);
    this.security =
      deps.security ??
      new SecurityService({ settings: { protocol: 'PLAINTEXT', tls: null, saslMechanisms: [], plainUsers: new Map() }, dataDir: null });
    this.replicas = deps.cluster && deps.replication ? deps.replication(this, deps.cluster) : null;
    this.listeners = this.security.listeners.map(
      (l) =>
        new ListenerSocket(l, l.tls ? this.security.tlsServerOptions(l) : null, (socket, listener) => this.accept(socket, listener), this.logger, () =>
          this.security.connectionCreationDelayMs(),
        ),
    );
  }

  get config(): BrokerSettings {
    return this.settings;
  }

  /**
   * Applies a changed broker config (dynamic broker configs, already persisted): handlers see
   * the new settings from their next request, open logs get their new effective log config, the
   * store its cleaner settings. Group and transaction settings are not dynamic.
   */
  reconfigure(config: BrokerConfig): void {
    this.settings = settingsFromConfig(config, this.settings.clusterId, this.dynamicConfig.layers);
    this.topics.reapplyLogConfigs();
    this.store.reconfigureCleaner?.({
      backoffMs: config.logCleanerBackoffMs,
      dedupeBufferBytes: config.logCleanerDedupeBufferSize,
      ioBufferBytes: config.logCleanerIoBufferSize,
    });
  }

  /**
   * Response bytes one connection may make the broker hold (unsent, or read for responses not yet
   * written) before its Fetches read less and its requests stop being read. Not a Kafka config.
   */
  responseMemoryMaxBytes = 64 * 1024 * 1024;

  /** Connections that stopped reading while the store's writes are behind (queued.max.request.bytes). */
  private readonly waitingForDisk = new Set<Connection>();

  /** Appended bytes the store has not handed to the OS yet (0 for a store that never queues). */
  get unwrittenBytes(): number {
    return this.store.writeBacklog?.bytes ?? 0;
  }

  /** Whether the store holds more unwritten appended bytes than queued.max.request.bytes. */
  diskBehind(): boolean {
    const limitBytes = this.config.queuedMaxRequestBytes;
    return limitBytes >= 0 && this.unwrittenBytes > limitBytes;
  }

  /** `connection` stopped reading because the disk is behind: it resumes once the writes catch up. */
  waitForDisk(connection: Connection): void {
    this.waitingForDisk.add(connection);
  }

  private diskCaughtUp(): void {
    if (this.waitingForDisk.size === 0 || this.diskBehind()) return;
    const waiting = [...this.waitingForDisk];
    this.waitingForDisk.clear();
    for (const connection of waiting) connection.maybeResume();
  }

  /** Response bytes all connections hold now (response-memory.ts). */
  heldResponseBytes(): number {
    let total = 0;
    for (const c of this.connections) total += c.responseMemory.heldBytes();
    return total;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  get clusterId(): string {
    return this.config.clusterId;
  }

  /** The host and port clients of the first listener are told to connect to. */
  get advertisedListener(): HostPort {
    return this.listeners[0]!.advertised;
  }

  /** The host and port of listener `name` for its clients (Metadata answers with the listener a client used). */
  advertisedFor(name: string | undefined): HostPort {
    return (name === undefined ? undefined : this.listeners.find((l) => l.name === name))?.advertised ?? this.advertisedListener;
  }

  /** Bound port of each listener by name (port 0 in `listeners` picks a free one). */
  get listenerPorts(): ReadonlyMap<string, number> {
    return new Map(this.listeners.map((l) => [l.name, l.port]));
  }

  /** `host`/`port` are the first listener's (`brook start --host/--port`); others listen where `listeners` says. */
  async start(host: string, port: number): Promise<void> {
    // Cluster mode: etcd, not the local catalogue, says which topics exist (ClusterNode.start opens them).
    if (!this.cluster) await this.topics.load();
    await this.groups.load();
    await this.txn.start();
    await this.security.load();
    const config = this.config.brokerConfig;
    try {
      for (const [i, listener] of this.listeners.entries()) {
        const configured = config.clientListeners.find((l) => l.name === listener.name);
        const at = i === 0 || !configured ? { host, port } : configured;
        await listener.listen(at.host, at.port);
        listener.advertised = this.advertisedOf(listener, i === 0, at.host);
      }
    } catch (err) {
      await Promise.all(this.listeners.map((l) => l.close()));
      throw err;
    }
    // Cluster mode registers the first listener's address (other brokers' listeners are not known per name).
    await this.cluster?.start(this.advertisedListener, this.topics, this.replicas);
  }

  /** advertised.listeners' entry of the name, else where it listens (a wildcard host as localhost). */
  private advertisedOf(listener: ListenerSocket, first: boolean, host: string): HostPort {
    const entry = this.config.brokerConfig.advertisedEndpoints.find((e) => e.name === listener.name);
    const advertised =
      entry && !isWildcardHost(entry.host)
        ? { host: entry.host, port: entry.port }
        : (first ? this.config.advertisedListener : null) ?? { host: isWildcardHost(host) ? 'localhost' : host, port: listener.port };
    return advertised.port === 0 ? { ...advertised, port: listener.port } : advertised;
  }

  get port(): number {
    return this.listeners[0]!.port;
  }

  async stop(): Promise<void> {
    // Stops following shared security state (etcd watches) before the etcd session goes.
    await this.security.close();
    // Controlled shutdown: leaderships move away while this broker still serves its followers.
    await this.cluster?.stop();
    this.groups.stop();
    const closed = Promise.all(this.listeners.map((l) => l.close()));
    for (const connection of this.connections) connection.close();
    await closed;
    await this.txn.close();
    await this.store.close();
  }

  connectionClosed(connection: Connection): void {
    this.waitingForDisk.delete(connection);
    if (this.connections.delete(connection)) this.logger.debug({ connections: this.connections.size }, 'connection closed');
  }

  private accept(socket: net.Socket, listener: ListenerSocket): void {
    if (this.connections.size >= this.config.maxConnections) {
      this.logger.warn({ client: `${socket.remoteAddress}:${socket.remotePort}` }, `refusing connection: max.connections=${this.config.maxConnections} reached`);
      socket.destroy();
      return;
    }
    const ip = socket.remoteAddress ?? '';
    if (!this.security.connectionLimits.tryAcquire(ip)) {
      this.logger.warn({ client: `${ip}:${socket.remotePort}` }, 'refusing connection: max.connections.per.ip reached');
      socket.destroy();
      return;
    }
    if (!this.security.connectionRates.tryRecord(ip)) {
      this.security.connectionLimits.release(ip);
      this.logger.warn({ client: `${ip}:${socket.remotePort}` }, 'refusing connection: connection_creation_rate quota of the IP exceeded');
      socket.destroy();
      return;
    }
    socket.once('close', () => this.security.connectionLimits.release(ip));
    this.connections.add(new Connection(socket, this, listener.security));
    this.logger.debug({ client: `${socket.remoteAddress}:${socket.remotePort}`, connections: this.connections.size }, 'connection opened');
  }
}
