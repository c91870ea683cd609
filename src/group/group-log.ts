/**
 * The coordinator's durable side: the compacted internal topic __consumer_offsets, created on
 * first use through the broker's TopicRegistry. Each coordinator write is one v2 record batch
 * appended to the partition that owns the group; load() replays every partition from its log
 * start so offsets and group metadata survive a restart or a kill -9.
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { decodeBatches, encodeBatch } from '../records/record-batch.js';
import type { Topic, TopicRegistry } from '../broker/topics.js';
import type { Logger } from '../log/logger.js';
import type { CoordinatorRecord } from './records.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
/** Bytes read per step while loading. */
const LOAD_READ_BYTES = 1024 * 1024;

/** Where coordinator records go. The state machine only needs append (tests give a fake). */
export interface GroupLog {
  /** Appends records to partition `partition`; resolves once they survive a process crash. */
  append(partition: number, records: CoordinatorRecord[]): Promise<void>;
}

export type ReplayFn = (partition: number, key: Buffer, value: Buffer | null) => void;

export interface TopicGroupLogOptions {
  topics: TopicRegistry;
  numPartitions: number;
  segmentBytes: number;
  clock: () => number;
  logger: Logger;
}

export class TopicGroupLog implements GroupLog {
  private creating: Promise<Topic> | null = null;

  constructor(private readonly options: TopicGroupLogOptions) {}

  /** Partition count of the existing topic, else the configured one it will be created with. */
  get numPartitions(): number {
    return this.options.topics.get(OFFSETS_TOPIC)?.partitions.length ?? this.options.numPartitions;
  }

  /** Creates __consumer_offsets if it does not exist (FindCoordinator calls this, as in Kafka). */
  ensureTopic(): Promise<Topic> {
    const existing = this.options.topics.get(OFFSETS_TOPIC);
    if (existing) return Promise.resolve(existing);
    this.creating ??= this.create().finally(() => (this.creating = null));
    return this.creating;
  }

  append(partition: number, records: CoordinatorRecord[]): Promise<void> {
    // Append synchronously when the topic exists: the store assigns offsets in call order, and
    // the coordinator relies on writes to a partition completing in the order they were issued.
    const topic = this.options.topics.get(OFFSETS_TOPIC);
    if (topic) return this.appendTo(topic, partition, records);
    return this.ensureTopic().then((t) => this.appendTo(t, partition, records));
  }

  /** Replays every record of every partition (or of partition `only`), oldest first. */
  async load(replay: ReplayFn, only?: number): Promise<void> {
    const topic = this.options.topics.get(OFFSETS_TOPIC);
    if (!topic) return;
    for (const partition of topic.partitions) {
      if (only !== undefined && partition.index !== only) continue;
      let offset = partition.logStartOffset;
      while (offset < partition.logEndOffset) {
        const read = await partition.log.read(offset, { maxBytes: LOAD_READ_BYTES, minOneBatch: true });
        let next = offset;
        for (const chunk of read.chunks) {
          for (const batch of decodeBatches(chunk)) {
            next = Math.max(next, batch.lastOffset + 1);
            if (batch.isControl) continue;
            for (const record of batch.records) {
              if (record.offset < offset || !record.key) continue;
              replay(partition.index, record.key, record.value);
            }
          }
        }
        if (next === offset) break;
        offset = next;
      }
    }
  }

  private async create(): Promise<Topic> {
    const configs = { 'cleanup.policy': 'compact', 'segment.bytes': String(this.options.segmentBytes), 'compression.type': 'producer' };
    const existed = this.options.topics.get(OFFSETS_TOPIC) !== undefined;
    const topic = await this.options.topics.getOrCreate(OFFSETS_TOPIC, this.options.numPartitions, configs);
    if (!existed) this.options.logger.info({ topic: OFFSETS_TOPIC, partitions: this.options.numPartitions }, 'created the group coordinator topic');
    return topic;
  }

  private async appendTo(topic: Topic, partitionIndex: number, records: CoordinatorRecord[]): Promise<void> {
    const partition = topic.partitions[partitionIndex];
    if (!partition) throw new KafkaError(ErrorCode.NOT_COORDINATOR, `${OFFSETS_TOPIC} has no partition ${partitionIndex}`);
    const now = this.options.clock();
    const batch = encodeBatch({ records: records.map((r) => ({ key: r.key, value: r.value, timestampMs: now })) });
    await partition.append(batch, [{ recordCount: records.length, maxTimestampMs: now }]);
  }
}
