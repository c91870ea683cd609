/**
 * What a client knows about the cluster: a pool of connections (one per broker), the metadata
 * cache (brokers, topics, partition leaders) and its refresh. Producer, Consumer and Admin each own
 * one Cluster.
 */
import { Api } from './apis.js';
import { Connection } from './connection.js';
import { ClientClosedError, ConnectionError, ErrorCode, KafkaError } from './errors.js';
import type { ResolvedClientOptions } from './options.js';
import { withRetries } from './retry.js';

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionInfo {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  isInternal: boolean;
  errorCode: number;
  partitions: PartitionInfo[];
}

export class Cluster {
  readonly options: ResolvedClientOptions;
  readonly brokers = new Map<number, BrokerInfo>();
  readonly topics = new Map<string, TopicInfo>();
  clusterId: string | null = null;
  controllerId = -1;
  private readonly connections = new Map<string, Promise<Connection>>();
  /** Topics callers asked about; each refresh covers all of them. */
  private readonly wanted = new Set<string>();
  private refreshing: Promise<void> | null = null;
  private lastRefreshMs = -Infinity;
  private closed = false;
  private nextBootstrap = 0;

  /** Producers let the broker auto-create topics on Metadata (Kafka's allow.auto.create.topics). */
  private readonly allowAutoTopicCreation: boolean;

  constructor(options: ResolvedClientOptions, { allowAutoTopicCreation = false } = {}) {
    this.options = options;
    this.allowAutoTopicCreation = allowAutoTopicCreation;
  }

  /** A connection to a broker by node id (from metadata). */
  async connectionTo(nodeId: number): Promise<Connection> {
    let broker = this.brokers.get(nodeId);
    if (!broker) {
      await this.refresh();
      broker = this.brokers.get(nodeId);
      if (!broker) throw new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not in the cluster metadata`);
    }
    return this.connectionToAddress(broker.host, broker.port);
  }

  /** A connection to any broker: a known one when we have metadata, else the bootstrap list in turn. */
  async anyConnection(): Promise<Connection> {
    for (const conn of this.connections.values()) {
      const c = await conn.catch(() => null);
      if (c?.isOpen) return c;
    }
    const candidates = this.brokers.size > 0 ? [...this.brokers.values()] : this.options.bootstrap;
    let lastError: unknown = null;
    for (let i = 0; i < candidates.length; i++) {
      const b = candidates[(this.nextBootstrap + i) % candidates.length]!;
      try {
        return await this.connectionToAddress(b.host, b.port);
      } catch (err) {
        lastError = err;
      }
    }
    this.nextBootstrap++;
    throw lastError instanceof Error ? lastError : new ConnectionError('no broker reachable');
  }

  connectionToAddress(host: string, port: number): Promise<Connection> {
    if (this.closed) return Promise.reject(new ClientClosedError());
    const key = `${host}:${port}`;
    const existing = this.connections.get(key);
    if (existing) return existing;
    const opening = Connection.open({
      host,
      port,
      clientId: this.options.clientId,
      connectTimeoutMs: this.options.connectTimeoutMs,
      requestTimeoutMs: this.options.requestTimeoutMs,
      tls: this.options.tls,
      sasl: this.options.sasl,
    });
    this.connections.set(key, opening);
    opening.then(
      (conn) => {
        // Dropped from the pool when it dies; the next use reconnects.
        conn.onClose(() => {
          if (this.connections.get(key) === opening) this.connections.delete(key);
        });
        if (this.closed) conn.close();
      },
      () => {
        if (this.connections.get(key) === opening) this.connections.delete(key);
      },
    );
    return opening;
  }

  /** Topic metadata, refreshing when unknown or stale. Throws for a topic the broker reports an error for. */
  async topic(name: string): Promise<TopicInfo> {
    const cached = this.topics.get(name);
    if (cached && cached.errorCode === ErrorCode.NONE && !this.isStale()) return cached;
    this.wanted.add(name);
    await this.refresh();
    const info = this.topics.get(name);
    if (!info) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name} not in metadata`);
    if (info.errorCode !== ErrorCode.NONE) {
      const err = new KafkaError(info.errorCode);
      err.message = `topic ${name}: ${err.message}`;
      throw err;
    }
    return info;
  }

  /** Metadata for topics, retrying transient errors such as LEADER_NOT_AVAILABLE right after creation. */
  topicWithRetries(name: string): Promise<TopicInfo> {
    return withRetries(this.options, () => this.topic(name));
  }

  leaderOf(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leader ?? -1;
  }

  isStale(): boolean {
    return this.options.clock() - this.lastRefreshMs > this.options.metadataMaxAgeMs;
  }

  /** Refreshes metadata for every wanted topic; concurrent callers share one request. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Metadata for all topics (Admin's list). */
  async fetchAll(): Promise<TopicInfo[]> {
    await this.applyMetadata(null);
    return [...this.topics.values()];
  }

  private async doRefresh(): Promise<void> {
    await this.applyMetadata([...this.wanted]);
  }

  private async applyMetadata(topics: string[] | null): Promise<void> {
    const response = await withRetries(this.options, async () => {
      const conn = await this.anyConnection();
      return conn.send(Api.metadata, {
        topics: topics === null ? null : topics.map((name) => ({ name })),
        allowAutoTopicCreation: topics !== null && this.allowAutoTopicCreation,
      });
    });
    this.brokers.clear();
    for (const b of response.brokers) this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    this.clusterId = response.clusterId ?? null;
    this.controllerId = response.controllerId ?? -1;
    if (topics === null) this.topics.clear();
    for (const t of response.topics) {
      if (t.name === null) continue;
      const partitions: PartitionInfo[] = [];
      for (const p of t.partitions) {
        partitions[p.partitionIndex] = {
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          errorCode: p.errorCode,
        };
      }
      this.topics.set(t.name, { name: t.name, topicId: t.topicId ?? '', isInternal: t.isInternal ?? false, errorCode: t.errorCode, partitions });
    }
    this.lastRefreshMs = this.options.clock();
  }

  /** Forgets a topic (after deletion) so the next use asks the broker again. */
  forget(topic: string): void {
    this.topics.delete(topic);
    this.wanted.delete(topic);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const p of all) {
      const conn = await p.catch(() => null);
      conn?.close();
    }
  }
}
