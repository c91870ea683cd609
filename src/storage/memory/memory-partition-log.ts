/**
 * A partition log held entirely in memory: the appended Buffers in a BatchList (no copies), with
 * the same offset assignment and read semantics as the file store. Nothing survives the process;
 * the data outlives close() (like files do) so the store can open the partition again.
 */
import { batchSize, setBatchBaseOffset } from '../../records/batch-header.js';
import { countRecords } from '../append-check.js';
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

/** What a memory partition holds, shared by the successive log instances opened on it. */
export class MemoryPartitionData {
  readonly batches = new BatchList();
  nextOffset = 0;
  /** Kafka's NO_TIMESTAMP (-1): batches without timestamps never count as the max. */
  maxTimestampMs = -1;
  offsetOfMaxTimestamp = -1;
}

export class MemoryPartitionLog implements PartitionLog {
  private closedFlag = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly data = new MemoryPartitionData(),
  ) {}

  get closed(): boolean {
    return this.closedFlag;
  }

  /** A new open log over the same data (after this one was closed). */
  reopen(): MemoryPartitionLog {
    return new MemoryPartitionLog(this.topic, this.partition, this.data);
  }

  get logStartOffset(): number {
    return 0;
  }

  get logEndOffset(): number {
    return this.data.nextOffset;
  }

  get sizeBytes(): number {
    return this.data.batches.bytes;
  }

  append(batches: Buffer, infos: AppendInfo[]): Promise<AppendResult> {
    if (this.closedFlag) return Promise.reject(new StorageFailedError(`${this.topic}-${this.partition} is closed`));
    const data = this.data;
    const baseOffset = data.nextOffset;
    const records = countRecords(batches, infos);
    if (records < 0) {
      return Promise.reject(new RangeError(`append: ${infos.length} infos do not describe ${batches.length} bytes of batches`));
    }
    let maxTimestampMs = -1;
    let offset = baseOffset;
    let pos = 0;
    for (const info of infos) {
      setBatchBaseOffset(batches, pos, offset);
      offset += info.recordCount;
      pos += batchSize(batches, pos);
      if (info.maxTimestampMs > maxTimestampMs) maxTimestampMs = info.maxTimestampMs;
      if (info.maxTimestampMs > data.maxTimestampMs) {
        data.maxTimestampMs = info.maxTimestampMs;
        data.offsetOfMaxTimestamp = offset - 1;
      }
    }
    if (records > 0) data.batches.push(baseOffset, offset, batches, maxTimestampMs);
    data.nextOffset = offset;
    return Promise.resolve({ baseOffset, lastOffset: offset - 1, logStartOffset: 0 });
  }

  async read(offset: number, options: ReadOptions): Promise<ReadResult> {
    if (this.closedFlag) throw new StorageFailedError(`${this.topic}-${this.partition} is closed`);
    const end = this.data.nextOffset;
    if (offset < 0 || offset > end) throw new OffsetOutOfRangeError(offset, 0, end);
    if (offset === end || (options.maxBytes <= 0 && !options.minOneBatch)) return { chunks: [], bytes: 0 };
    return this.data.batches.read(offset, options) ?? { chunks: [], bytes: 0 };
  }

  async offsetForTimestamp(timestampMs: number): Promise<TimestampLookup | null> {
    return this.data.batches.findTimestamp(timestampMs);
  }

  maxTimestamp(): TimestampLookup | null {
    if (this.data.offsetOfMaxTimestamp < 0) return null;
    return { offset: this.data.offsetOfMaxTimestamp, timestampMs: this.data.maxTimestampMs };
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closedFlag = true;
  }

  /** Drops the data (deletePartition). */
  clear(): void {
    this.closedFlag = true;
    this.data.batches.clear();
  }
}
