/**
 * A partition log held entirely in memory: the appended Buffers in a BatchList (no copies), with
 * the same offset assignment and read semantics as the file store. Nothing survives the process.
 */
import { LOG_OVERHEAD, batchSize, setBatchBaseOffset } from '../../records/batch-header.js';
import { BatchList } from '../batch-list.js';
import {
  OffsetOutOfRangeError,
  StorageFailedError,
  type AppendInfo,
  type AppendResult,
  type PartitionLog,
  type ReadOptions,
  type ReadResult,
  type TimestampLookup,
} from '../types.js';

export class MemoryPartitionLog implements PartitionLog {
  private readonly batches = new BatchList();
  private nextOffset = 0;
  private closed = false;
  private maxTimestampMs = -1; // Kafka's NO_TIMESTAMP: batches without timestamps never count
  private offsetOfMaxTimestamp = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get logStartOffset(): number {
    return 0;
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  get sizeBytes(): number {
    return this.batches.bytes;
  }

  append(batches: Buffer, infos: AppendInfo[]): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StorageFailedError(`${this.topic}-${this.partition} is closed`));
    const baseOffset = this.nextOffset;
    let pos = 0;
    let records = 0;
    let maxTimestampMs = -1;
    for (const info of infos) {
      if (pos + LOG_OVERHEAD > batches.length || !(info.recordCount >= 1)) {
        pos = -1;
        break;
      }
      pos += batchSize(batches, pos);
      records += info.recordCount;
      if (info.maxTimestampMs > maxTimestampMs) maxTimestampMs = info.maxTimestampMs;
    }
    if (pos !== batches.length) {
      return Promise.reject(new RangeError(`append: ${infos.length} infos do not describe ${batches.length} bytes of batches`));
    }
    let offset = baseOffset;
    pos = 0;
    for (const info of infos) {
      setBatchBaseOffset(batches, pos, offset);
      offset += info.recordCount;
      if (info.maxTimestampMs > this.maxTimestampMs) {
        this.maxTimestampMs = info.maxTimestampMs;
        this.offsetOfMaxTimestamp = offset - 1;
      }
      pos += batchSize(batches, pos);
    }
    if (records > 0) this.batches.push(baseOffset, offset, batches, maxTimestampMs);
    this.nextOffset = offset;
    return Promise.resolve({ baseOffset, lastOffset: offset - 1, logStartOffset: 0 });
  }

  async read(offset: number, options: ReadOptions): Promise<ReadResult> {
    if (this.closed) throw new StorageFailedError(`${this.topic}-${this.partition} is closed`);
    if (offset < 0 || offset > this.nextOffset) throw new OffsetOutOfRangeError(offset, 0, this.nextOffset);
    if (offset === this.nextOffset || (options.maxBytes <= 0 && !options.minOneBatch)) return { chunks: [], bytes: 0 };
    return this.batches.read(offset, options) ?? { chunks: [], bytes: 0 };
  }

  async offsetForTimestamp(timestampMs: number): Promise<TimestampLookup | null> {
    return this.batches.findTimestamp(timestampMs);
  }

  maxTimestamp(): TimestampLookup | null {
    if (this.offsetOfMaxTimestamp < 0) return null;
    return { offset: this.offsetOfMaxTimestamp, timestampMs: this.maxTimestampMs };
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Drops the data (deletePartition). */
  clear(): void {
    this.closed = true;
    this.batches.clear();
  }
}
