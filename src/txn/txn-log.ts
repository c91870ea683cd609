/**
 * The coordinator's durable side: the compacted internal topic __transaction_state, created on
 * first use through the broker's TopicRegistry. Each state change of a transactional id is one
 * record, Kafka's format:
 *   key   = int16 version (0) | TransactionLogKey
 *   value = int16 version (1) | TransactionLogValue, or null (tombstone: the id expired)
 * in the partition `abs(javaHash(transactionalId)) % partitions`, as in Kafka. Nothing else is
 * written here (TxnOffsetCommit's offsets go to __consumer_offsets, as in Kafka). load() replays
 * every partition from its log start; compaction keeps the latest record per id.
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { decodeTransactionLogKey, encodeTransactionLogKey } from '../protocol/generated/data/transaction-log-key.js';
import { decodeTransactionLogValue, encodeTransactionLogValue, type TransactionLogValue } from '../protocol/generated/data/transaction-log-value.js';
import { decodeBatches, encodeBatch } from '../records/record-batch.js';
import { partitionForGroup } from '../group/coordinator-partition.js';
import type { Topic, TopicRegistry } from '../broker/topics.js';
import type { Logger } from '../log/logger.js';

export const TXN_TOPIC = '__transaction_state';
const KEY_VERSION = 0;
const VALUE_VERSION = 1;
const LOAD_READ_BYTES = 1024 * 1024;

export type TxnLogReplay = (transactionalId: string, value: TransactionLogValue | null) => void;

export interface TxnStateLogOptions {
  topics: TopicRegistry;
  numPartitions: number;
  segmentBytes: number;
  clock: () => number;
  logger: Logger;
}

export class TxnStateLog {
  private creating: Promise<Topic> | null = null;

  constructor(private readonly options: TxnStateLogOptions) {}

  get numPartitions(): number {
    return this.options.topics.get(TXN_TOPIC)?.partitions.length ?? this.options.numPartitions;
  }

  partitionFor(transactionalId: string): number {
    return partitionForGroup(transactionalId, this.numPartitions);
  }

  ensureTopic(): Promise<Topic> {
    const existing = this.options.topics.get(TXN_TOPIC);
    if (existing) return Promise.resolve(existing);
    this.creating ??= this.create().finally(() => (this.creating = null));
    return this.creating;
  }

  /** Appends one state record; resolves once it would survive a process crash. */
  append(transactionalId: string, value: TransactionLogValue | null): Promise<void> {
    return this.appendRecord(transactionalId, encodeKey(transactionalId), value ? encodeValue(value) : null);
  }

  private async appendRecord(transactionalId: string, key: Buffer, value: Buffer | null): Promise<void> {
    const topic = await this.ensureTopic();
    const partition = topic.partitions[partitionForGroup(transactionalId, topic.partitions.length)];
    if (!partition) throw new KafkaError(ErrorCode.NOT_COORDINATOR, `${TXN_TOPIC} has no partition for ${transactionalId}`);
    const now = this.options.clock();
    const batch = encodeBatch({ records: [{ key, value, timestampMs: now }] });
    await partition.append(batch, [{ recordCount: 1, maxTimestampMs: now }]);
  }

  /** Replays every record of every partition, oldest first. */
  async load(replay: TxnLogReplay): Promise<void> {
    const topic = this.options.topics.get(TXN_TOPIC);
    if (!topic) return;
    for (const partition of topic.partitions) {
      let offset = partition.logStartOffset;
      while (offset < partition.highWatermark) {
        const read = await partition.log.read(offset, { maxBytes: LOAD_READ_BYTES, minOneBatch: true, maxOffset: partition.highWatermark });
        let next = offset;
        for (const chunk of read.chunks) {
          for (const batch of decodeBatches(chunk)) {
            next = Math.max(next, batch.lastOffset + 1);
            if (batch.isControl) continue;
            for (const record of batch.records) {
              if (record.offset < offset || !record.key) continue;
              const transactionalId = decodeKey(record.key);
              if (transactionalId !== null) replay(transactionalId, record.value ? decodeValue(record.value) : null);
            }
          }
        }
        if (next === offset) break;
        offset = next;
      }
    }
  }

  /**
   * A state file older versions kept with partition 0 (the producer id block counter), or null;
   * never creates the topic.
   */
  async legacyStateFile(name: string): Promise<Buffer | null> {
    const log = this.options.topics.get(TXN_TOPIC)?.partitions[0]?.log;
    return log?.readStateFile ? log.readStateFile(name) : null;
  }

  private async create(): Promise<Topic> {
    const configs = { 'cleanup.policy': 'compact', 'segment.bytes': String(this.options.segmentBytes), 'compression.type': 'uncompressed' };
    const existed = this.options.topics.get(TXN_TOPIC) !== undefined;
    const topic = await this.options.topics.getOrCreate(TXN_TOPIC, this.options.numPartitions, configs);
    if (!existed) this.options.logger.info({ topic: TXN_TOPIC, partitions: this.options.numPartitions }, 'created the transaction state topic');
    return topic;
  }
}

export function encodeKey(transactionalId: string): Buffer {
  const w = new Writer(32);
  w.int16(KEY_VERSION);
  encodeTransactionLogKey(w, { transactionalId }, KEY_VERSION);
  return w.toBuffer();
}

export function encodeValue(value: TransactionLogValue): Buffer {
  const w = new Writer(128);
  w.int16(VALUE_VERSION);
  encodeTransactionLogValue(w, value, VALUE_VERSION);
  return w.toBuffer();
}

/** The transactional id, or null for a key that is not a Kafka TransactionLogKey v0. */
export function decodeKey(key: Buffer): string | null {
  const r = new Reader(key);
  const version = r.int16();
  return version === KEY_VERSION ? decodeTransactionLogKey(r, version).transactionalId : null;
}

export function decodeValue(value: Buffer): TransactionLogValue {
  const r = new Reader(value);
  const version = r.int16();
  return decodeTransactionLogValue(r, Math.min(version, VALUE_VERSION));
}
