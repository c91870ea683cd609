/**
 * MemoryLogStore: the LogStore contract with nothing on disk, for tests and ephemeral brokers.
 * Passes the same conformance suite as the file store (test/storage/conformance.ts).
 */
import type { CleanStats, CleanerSettings, LogConfig, LogStore, TopicRecord } from '../types.js';
import { MemoryPartitionLog } from './memory-partition-log.js';

export interface MemoryLogStoreOptions {
  /** Milliseconds clock for retention.ms (default Date.now). */
  clock?: () => number;
  /** Period of the retention pass (log.retention.check.interval.ms, default 300000). */
  retentionCheckIntervalMs?: number;
  /** The log cleaner for compacted topics (log.cleaner.*); runCleaner() works either way. */
  cleaner?: {
    /** log.cleaner.enable (default true): run passes on a timer. */
    enabled?: boolean;
    /** log.cleaner.backoff.ms (default 15000). */
    backoffMs?: number;
    /** log.cleaner.dedupe.buffer.size (default 128 MiB). */
    dedupeBufferBytes?: number;
  };
}

export class MemoryLogStore implements LogStore {
  readonly dataDir = null;
  private readonly logs = new Map<string, MemoryPartitionLog>();
  private topics: TopicRecord[] = [];
  private readonly clock: () => number;
  private retentionTimer: NodeJS.Timeout | null = null;
  private cleanerTimer: NodeJS.Timeout | null = null;
  private dedupeBufferBytes: number;
  private readonly cleanerEnabled: boolean;

  constructor(options: MemoryLogStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.dedupeBufferBytes = options.cleaner?.dedupeBufferBytes ?? 128 * 1024 * 1024;
    this.cleanerEnabled = options.cleaner?.enabled ?? true;
    this.startCleanerTimer(options.cleaner?.backoffMs ?? 15_000);
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

  /** One cleaner pass: compacts the dirtiest compacted partition that is due; null if none is. */
  async runCleaner(): Promise<CleanStats | null> {
    const nowMs = this.clock();
    let best: { log: MemoryPartitionLog; ratio: number } | null = null;
    for (const log of this.logs.values()) {
      const c = log.cleanability(nowMs, this.dedupeBufferBytes);
      if (c.cleanable && (!best || c.dirtyRatio > best.ratio)) best = { log, ratio: c.dirtyRatio };
    }
    return best ? best.log.clean(nowMs, this.dedupeBufferBytes) : null;
  }

  reconfigureCleaner(settings: CleanerSettings): void {
    this.dedupeBufferBytes = settings.dedupeBufferBytes;
    this.startCleanerTimer(settings.backoffMs);
  }

  private startCleanerTimer(periodMs: number): void {
    if (this.cleanerTimer) clearInterval(this.cleanerTimer);
    this.cleanerTimer = null;
    if (!this.cleanerEnabled || !(periodMs > 0) || periodMs >= Number.MAX_SAFE_INTEGER) return;
    this.cleanerTimer = setInterval(() => void this.runCleaner(), periodMs);
    this.cleanerTimer.unref();
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
    if (this.cleanerTimer) clearInterval(this.cleanerTimer);
    for (const log of this.logs.values()) await log.close();
    this.logs.clear();
  }
}

function copyTopic(t: TopicRecord): TopicRecord {
  return { name: t.name, topicId: t.topicId, partitionCount: t.partitionCount, configs: { ...t.configs } };
}
