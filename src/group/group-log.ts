/**
 * The coordinator's durable side: the compacted internal topic __consumer_offsets, created on
 * first use through the broker's TopicRegistry. Each coordinator write is one v2 record batch
 * appended to the partition that owns the group; load() replays every partition from its log
 * start so offsets and group metadata survive a restart or a kill -9.
 *
 * Transactional offset commits (TxnOffsetCommit) are written as Kafka writes them: a transactional
 * batch with the producer's id and epoch (no sequence), decided later by the COMMIT or ABORT
 * control batch the transaction coordinator writes to the same partition. load() hands both to
 * the coordinator, which keeps such offsets pending until their marker.
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { decodeBatches, encodeBatch } from '../records/record-batch.js';
import type { Topic, TopicRegistry } from '../broker/topics.js';
import type { Logger } from '../log/logger.js';
import type { Partition } from '../broker/partition.js';
import { ControlRecordType, decodeControlRecord } from '../records/control-record.js';
import type { CoordinatorRecord } from './records.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
/** Bytes read per step while loading. */
const LOAD_READ_BYTES = 1024 * 1024;

/** The producer of a transactional write (TxnOffsetCommit). */
export interface TxnProducer {
  producerId: number;
  producerEpoch: number;
}

/** Where coordinator records go. The state machine only needs append (tests give a fake). */
export interface GroupLog {
  /**
   * Appends records to partition `partition`; resolves once they survive a process crash. With
   * `txn`, as one transactional batch of that producer.
   */
  append(partition: number, records: CoordinatorRecord[], txn?: TxnProducer): Promise<void>;
}

/** One stored record; `producerId` is the producer of a transactional batch, else -1. */
export type ReplayFn = (partition: number, key: Buffer, value: Buffer | null, producerId: number) => void;
/** A transaction marker (control batch) for `producerId` in `partition`. */
export type MarkerReplayFn = (partition: number, producerId: number, commit: boolean) => void;

/**
 * Appends a transactional batch through the partition's producer state (src/txn), so the
 * partition's open transactions and aborted index know it. Supplied by the broker.
 */
export type TransactionalAppend = (partition: Partition, batch: Buffer, recordCount: number, txn: TxnProducer, timestampMs: number) => Promise<void>;

export interface TopicGroupLogOptions {
  topics: TopicRegistry;
  numPartitions: number;
  segmentBytes: number;
  clock: () => number;
  logger: Logger;
  transactionalAppend?: TransactionalAppend;
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

  append(partition: number, records: CoordinatorRecord[], txn?: TxnProducer): Promise<void> {
    // Append synchronously when the topic exists: the store assigns offsets in call order, and
    // the coordinator relies on writes to a partition completing in the order they were issued.
    const topic = this.options.topics.get(OFFSETS_TOPIC);
    if (topic) return this.appendTo(topic, partition, records, txn);
    return this.ensureTopic().then((t) => this.appendTo(t, partition, records, txn));
  }

  /** Replays every record and transaction marker of every partition (or of partition `only`), oldest first. */
  async load(replay: ReplayFn, replayMarker: MarkerReplayFn = () => undefined, only?: number): Promise<void> {
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
            if (batch.isControl) {
              const control = batch.records[0] && batch.lastOffset >= offset ? decodeControlRecord(batch.records[0]) : null;
              if (control && (control.type === ControlRecordType.Commit || control.type === ControlRecordType.Abort)) replayMarker(partition.index, batch.producerId, control.type === ControlRecordType.Commit);
              continue;
            }
            const producerId = batch.transactional ? batch.producerId : -1;
            for (const record of batch.records) {
              if (record.offset < offset || !record.key) continue;
              replay(partition.index, record.key, record.value, producerId);
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

  private async appendTo(topic: Topic, partitionIndex: number, records: CoordinatorRecord[], txn?: TxnProducer): Promise<void> {
    const partition = topic.partitions[partitionIndex];
    if (!partition) throw new KafkaError(ErrorCode.NOT_COORDINATOR, `${OFFSETS_TOPIC} has no partition ${partitionIndex}`);
    const now = this.options.clock();
    const input = records.map((r) => ({ key: r.key, value: r.value, timestampMs: now }));
    if (txn) {
      const append = this.options.transactionalAppend;
      if (!append) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'transactional offset commits need the transaction services');
      const batch = encodeBatch({ records: input, producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: -1, transactional: true });
      return append(partition, batch, records.length, txn, now);
    }
    const batch = encodeBatch({ records: input });
    await partition.append(batch, [{ recordCount: records.length, maxTimestampMs: now }]);
  }
}
