/**
 * MemoryLogStore: the LogStore contract with nothing on disk, for tests and ephemeral brokers.
 * Passes the same conformance suite as the file store (test/storage/conformance.ts).
 */
import type { LogConfig, LogStore, TopicRecord } from '../types.js';
import { MemoryPartitionLog } from './memory-partition-log.js';

export class MemoryLogStore implements LogStore {
  private readonly logs = new Map<string, MemoryPartitionLog>();
  private topics: TopicRecord[] = [];

  async openPartition(topic: string, partition: number, _config: LogConfig): Promise<MemoryPartitionLog> {
    const key = `${topic} ${partition}`;
    let log = this.logs.get(key);
    if (!log || log.closed) {
      log = log ? log.reopen() : new MemoryPartitionLog(topic, partition);
      this.logs.set(key, log);
    }
    return log;
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
    for (const log of this.logs.values()) await log.close();
    this.logs.clear();
  }
}

function copyTopic(t: TopicRecord): TopicRecord {
  return { name: t.name, topicId: t.topicId, partitionCount: t.partitionCount, configs: { ...t.configs } };
}
