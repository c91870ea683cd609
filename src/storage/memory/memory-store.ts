/**
 * MemoryLogStore: the LogStore contract with nothing on disk, for tests and ephemeral brokers.
 * Passes the same conformance suite as the file store (test/storage/conformance.ts).
 */
import type { LogConfig, LogStore, TopicRecord } from '../types.js';
import { MemoryPartitionLog } from './memory-partition-log.js';

export interface MemoryLogStoreOptions {
  /** Milliseconds clock for retention.ms (default Date.now). */
  clock?: () => number;
  /** Period of the retention pass (log.retention.check.interval.ms, default 300000). */
  retentionCheckIntervalMs?: number;
}

export class MemoryLogStore implements LogStore {
  readonly dataDir = null;
  private readonly logs = new Map<string, MemoryPartitionLog>();
  private topics: TopicRecord[] = [];
  private readonly clock: () => number;
  private retentionTimer: NodeJS.Timeout | null = null;

  constructor(options: MemoryLogStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    const periodMs = options.retentionCheckIntervalMs ?? 300_000;
    if (periodMs > 0 && periodMs < Number.MAX_SAFE_INTEGER) {
      this.retentionTimer = setInterval(() => void this.enforceRetention(), periodMs);
      this.retentionTimer.unref();
    }
  }

  async openPartition(topic: string, partition: number, config: LogConfig): Promise<MemoryPartitionLog> {
    const key = `${topic} ${partition}`;
    let log = this.logs.get(key);
    if (!log || log.closed) {
      log = log ? log.reopen(config) : new MemoryPartitionLog(topic, partition, undefined, config, this.clock);
      this.logs.set(key, log);
    }
    return log;
  }

  async enforceRetention(): Promise<void> {
    for (const log of this.logs.values()) await log.enforceRetention();
  }

  async deletePartition(topic: string, partition: number): Promise<void> {
    const key = `${topic} ${partition}`;
    this.logs.get(key)?.clear();
    this.logs.delete(key);
  }

  async loadTopics(): Promise<TopicRecord[]> {
    return this.topics.map(copyTopic);
  }

  async saveTopics(topics: TopicRecord[]): Promise<void> {
    this.topics = topics.map(copyTopic);
  }

  private storedClusterId: string | null = null;

  async clusterId(generate: () => string): Promise<string> {
    this.storedClusterId ??= generate();
    return this.storedClusterId;
  }

  async close(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    for (const log of this.logs.values()) await log.close();
    this.logs.clear();
  }
}

function copyTopic(t: TopicRecord): TopicRecord {
  return { name: t.name, topicId: t.topicId, partitionCount: t.partitionCount, configs: { ...t.configs } };
}
