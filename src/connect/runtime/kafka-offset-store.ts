/**
 * Source offsets in `offset.storage.topic` (distributed mode): key JSON `[connector, partition]`,
 * value JSON offset (null: removed). Every worker follows the whole topic, so a task moving to
 * another worker finds its offsets there after readToEnd().
 */
import { Producer, type ConsumerRecord } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';
import type { SourceOffset, SourcePartition } from '../api.js';
import { MemoryOffsetStore, type OffsetChangeEntry, stableJson } from './offset-store.js';
import { TopicTail } from './topic-tail.js';

export class KafkaOffsetStore extends MemoryOffsetStore {
  private readonly tail: TopicTail;
  private readonly producer: Producer;
  private pending: Array<{ key: string; value: string | null }> = [];

  constructor(bootstrapServers: string, private readonly topic: string, logger: Logger) {
    super();
    this.producer = new Producer({ bootstrapServers, clientId: 'connect-offsets' });
    this.tail = new TopicTail(bootstrapServers, [topic], (r) => this.applyRecord(r), logger);
  }

  private applyRecord(r: ConsumerRecord): void {
    if (!r.key) return;
    const [connector, partition] = JSON.parse(r.key.toString()) as [string, SourcePartition];
    const k = stableJson([connector, partition]);
    if (r.value === null) this.data.delete(k);
    else this.data.set(k, { connector, partition, offset: JSON.parse(r.value.toString()) as SourceOffset });
  }

  start(): Promise<void> {
    return this.tail.start();
  }

  readToEnd(): Promise<void> {
    return this.tail.readToEnd();
  }

  override set(connector: string, entries: OffsetChangeEntry[]): void {
    super.set(connector, entries);
    for (const e of entries) this.pending.push({ key: stableJson([connector, e.partition]), value: e.offset === null ? null : JSON.stringify(e.offset) });
  }

  override remove(connector: string): void {
    for (const e of this.list(connector)) this.pending.push({ key: stableJson([connector, e.partition]), value: null });
    super.remove(connector);
  }

  override async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.producer.send({ topic: this.topic, messages: batch.map((m) => ({ key: m.key, value: m.value })) });
  }

  async close(): Promise<void> {
    await this.tail.stop();
    await this.producer.close();
  }
}
