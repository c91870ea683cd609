/**
 * A partition log held entirely in memory: the appended Buffers in a BatchList (no copies), with
 * the same offset assignment and read semantics as the file store. Nothing survives the process;
 * the data outlives close() (like files do) so the store can open the partition again.
 *
 * Retention works on appended chunks where the file store works on segments: each append's
 * Buffer is the unit retention.ms / retention.bytes / DeleteRecords drop whole.
 *
 * Compaction (cleaner/memory-cleaner.ts) also works on chunks. Like a file log's active segment,
 * the chunks appended since the last roll are never cleaned: the log rolls when they pass
 * segment.bytes, or on rollNow().
 */
import { batchSize, setBatchBaseOffset, setBatchPartitionLeaderEpoch } from '../../records/batch-header.js';
import { cleanMemoryLog, memoryCleanability, type MemoryCleanInput, type MemoryCleanerState } from '../cleaner/memory-cleaner.js';
import { assignBatchEpochs, checkLeaderOffsets, countRecords } from '../append-check.js';
import { LeaderEpochCache, type EpochEndOffset } from '../leader-epoch-cache.js';
import { BatchList } from '../batch-list.js';
import { logStartBreaches, retentionBytesBreaches, retentionMsBreaches, type SegmentSummary } from '../retention.js';
import {
  OffsetOutOfRangeError,
  StorageFailedError,
  defaultLogConfig,
  deletesOldSegments,
  isCompacted,
  type AppendInfo,
  type CleanStats,
  type AppendResult,
  type LogConfig,
  type PartitionLog,
  type ReadOptions,
  type ReadResult,
  type TimestampLookup,
} from '../types.js';
import { TxnIndex, collectAbortedTxns, type AbortedTxnEntry } from '../txn-index.js';

/** What a memory partition holds, shared by the successive log instances opened on it. */
export class MemoryPartitionData {
  readonly batches = new BatchList();
  nextOffset = 0;
  /** Kafka's logStartOffset (DeleteRecords and retention move it). */
  startOffset = 0;
  /** Kafka's NO_TIMESTAMP (-1): batches without timestamps never count as the max. */
  maxTimestampMs = -1;
  offsetOfMaxTimestamp = -1;
  /** PartitionLog.readStateFile / writeStateFile contents, by name. */
  readonly stateFiles = new Map<string, Buffer>();
  /** First offset of the active (never cleaned) chunks, and their bytes (segment.bytes rolls). */
  activeBaseOffset = 0;
  activeBytes = 0;
  readonly cleanerState: MemoryCleanerState = { firstDirtyOffset: 0, nextDeleteHorizonMs: Infinity };
  /** The aborted transaction index: one in-memory TxnIndex for the whole partition. */
  txnIndex = new TxnIndex();
  /** Leader epochs and where each started (the file store's leader-epoch-checkpoint). */
  readonly epochs = new LeaderEpochCache();
}

export class MemoryPartitionLog implements PartitionLog {
  private closedFlag = false;
  private config: LogConfig;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly data = new MemoryPartitionData(),
    config: LogConfig = defaultLogConfig,
    private readonly clock: () => number = Date.now,
  ) {
    this.config = { ...config };
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** A new open log over the same data (after this one was closed). */
  reopen(config: LogConfig = this.config): MemoryPartitionLog {
    return new MemoryPartitionLog(this.topic, this.partition, this.data, config, this.clock);
  }

  get logStartOffset(): number {
    return this.data.startOffset;
  }

  get logEndOffset(): number {
    return this.data.nextOffset;
  }

  get sizeBytes(): number {
    return this.data.batches.bytes;
  }

  updateConfig(config: LogConfig): void {
    this.config = { ...config };
  }

  append(batches: Buffer, infos: AppendInfo[], leaderEpoch?: number): Promise<AppendResult> {
    return this.appendBatches(batches, infos, leaderEpoch, false);
  }

  appendAsFollower(batches: Buffer, infos: AppendInfo[]): Promise<AppendResult> {
    return this.appendBatches(batches, infos, undefined, true);
  }

  private appendBatches(batches: Buffer, infos: AppendInfo[], leaderEpoch: number | undefined, keepOffsets: boolean): Promise<AppendResult> {
    if (this.closedFlag) return Promise.reject(new StorageFailedError(`${this.topic}-${this.partition} is closed`));
    const data = this.data;
    const baseOffset = data.nextOffset;
    const records = countRecords(batches, infos);
    if (records < 0) {
      return Promise.reject(new RangeError(`append: ${infos.length} infos do not describe ${batches.length} bytes of batches`));
    }
    if (keepOffsets) {
      const mismatch = checkLeaderOffsets(batches, infos, baseOffset);
      if (mismatch) return Promise.reject(new RangeError(`appendAsFollower: ${mismatch}`));
      assignBatchEpochs(data.epochs, batches);
    } else if (leaderEpoch !== undefined && records > 0) {
      data.epochs.assign(leaderEpoch, baseOffset);
    }
    let maxTimestampMs = -1;
    let offset = baseOffset;
    let pos = 0;
    for (const info of infos) {
      setBatchBaseOffset(batches, pos, offset);
      if (leaderEpoch !== undefined) setBatchPartitionLeaderEpoch(batches, pos, leaderEpoch);
      offset += info.recordCount;
      pos += batchSize(batches, pos);
      if (info.maxTimestampMs > maxTimestampMs) maxTimestampMs = info.maxTimestampMs;
      if (info.maxTimestampMs > data.maxTimestampMs) {
        data.maxTimestampMs = info.maxTimestampMs;
        data.offsetOfMaxTimestamp = offset - 1;
      }
    }
    if (records > 0) {
      if (data.activeBytes > 0 && data.activeBytes + batches.length > this.config.segmentBytes) this.rollNow();
      data.batches.push(baseOffset, offset, batches, maxTimestampMs);
      data.activeBytes += batches.length;
    }
    data.nextOffset = offset;
    return Promise.resolve({ baseOffset, lastOffset: offset - 1, logStartOffset: data.startOffset });
  }

  async read(offset: number, options: ReadOptions): Promise<ReadResult> {
    if (this.closedFlag) throw new StorageFailedError(`${this.topic}-${this.partition} is closed`);
    const start = this.data.startOffset;
    const end = this.data.nextOffset;
    if (offset < start || offset > end) throw new OffsetOutOfRangeError(offset, start, end);
    if (offset === end || (options.maxBytes <= 0 && !options.minOneBatch)) return { chunks: [], bytes: 0 };
    // Compaction may have removed the first chunks: read on from the next offset still held.
    const from = Math.max(offset, Math.min(this.data.batches.firstOffset, end));
    return this.data.batches.read(from, options) ?? { chunks: [], bytes: 0 };
  }

  async offsetForTimestamp(timestampMs: number): Promise<TimestampLookup | null> {
    const found = this.data.batches.findTimestamp(timestampMs);
    if (!found) return null;
    return { offset: Math.max(found.offset, this.data.startOffset), timestampMs: found.timestampMs };
  }

  maxTimestamp(): TimestampLookup | null {
    if (this.data.offsetOfMaxTimestamp < 0) return null;
    return { offset: this.data.offsetOfMaxTimestamp, timestampMs: this.data.maxTimestampMs };
  }

  async deleteRecordsBefore(offset: number): Promise<number> {
    if (this.closedFlag) throw new StorageFailedError(`${this.topic}-${this.partition} is closed`);
    const data = this.data;
    if (!Number.isInteger(offset) || offset < 0 || offset > data.nextOffset) {
      throw new OffsetOutOfRangeError(offset, data.startOffset, data.nextOffset);
    }
    if (offset > data.startOffset) data.startOffset = offset;
    this.dropChunks(logStartBreaches(this.summaries(), data.startOffset, data.nextOffset));
    return data.startOffset;
  }

  async enforceRetention(): Promise<number> {
    if (this.closedFlag) return 0;
    let dropped = 0;
    if (deletesOldSegments(this.config)) {
      dropped += this.dropChunks(retentionMsBreaches(this.summaries(), this.config.retentionMs, this.clock(), this.data.nextOffset));
      dropped += this.dropChunks(retentionBytesBreaches(this.summaries(), this.config.retentionBytes, this.data.nextOffset));
    }
    dropped += this.dropChunks(logStartBreaches(this.summaries(), this.data.startOffset, this.data.nextOffset));
    return dropped;
  }

  /** Chunks as segments; a trailing empty "active segment" at the log end, as a file log has. */
  private summaries(): SegmentSummary[] {
    const out: SegmentSummary[] = [];
    for (let i = 0, c = this.data.batches.chunkAt(0); c; c = this.data.batches.chunkAt(++i)) {
      out.push({ baseOffset: c.baseOffset, nextOffset: c.endOffset, sizeBytes: c.sizeBytes, largestTimestampMs: c.maxTimestampMs });
    }
    out.push({ baseOffset: this.data.nextOffset, nextOffset: this.data.nextOffset, sizeBytes: 0, largestTimestampMs: -1 });
    return out;
  }

  private dropChunks(count: number): number {
    const data = this.data;
    for (let i = 0; i < count; i++) data.batches.shift();
    if (count > 0) {
      data.startOffset = Math.max(data.startOffset, Math.min(data.batches.firstOffset, data.nextOffset));
      this.dropAbortedBelow(data.startOffset);
    }
    data.epochs.truncateFromStart(data.startOffset);
    return count;
  }

  /** Seals the chunks appended so far: the cleaner may compact them. */
  rollNow(): void {
    this.data.activeBaseOffset = this.data.nextOffset;
    this.data.activeBytes = 0;
  }

  get cleanerState(): MemoryCleanerState {
    return this.data.cleanerState;
  }

  /** Whether compaction is due now, and the dirty ratio (the store cleans the dirtiest first). */
  cleanability(nowMs: number, dedupeBufferBytes: number): { cleanable: boolean; dirtyRatio: number } {
    if (this.closedFlag || !isCompacted(this.config)) return { cleanable: false, dirtyRatio: 0 };
    return memoryCleanability(this.cleanInput(nowMs, dedupeBufferBytes));
  }

  /** One compaction pass if due; null if not (cleanup.policy without compact never is). */
  clean(nowMs: number, dedupeBufferBytes: number): CleanStats | null {
    if (this.closedFlag || !isCompacted(this.config)) return null;
    return cleanMemoryLog(this.cleanInput(nowMs, dedupeBufferBytes));
  }

  private cleanInput(nowMs: number, dedupeBufferBytes: number): MemoryCleanInput {
    const data = this.data;
    return {
      topic: this.topic, partition: this.partition, list: data.batches, state: data.cleanerState, config: this.config,
      logStartOffset: data.startOffset, activeBaseOffset: data.activeBaseOffset, nowMs, dedupeBufferBytes,
    };
  }

  /** Retention: entries whose marker was deleted go with it (as a segment's .txnindex does). */
  private dropAbortedBelow(offset: number): void {
    const index = this.data.txnIndex;
    if (index.entries.length === 0 || index.entries[0]!.lastOffset >= offset) return;
    const kept = new TxnIndex();
    for (const e of index.entries) if (e.lastOffset >= offset) kept.append(e);
    this.data.txnIndex = kept;
  }

  addAbortedTxn(txn: AbortedTxnEntry): void {
    if (txn.lastOffset >= this.data.startOffset && txn.lastOffset < this.data.nextOffset) this.data.txnIndex.append(txn);
  }

  async abortedTxns(fetchOffset: number, upperOffset: number): Promise<AbortedTxnEntry[]> {
    return collectAbortedTxns([this.data.txnIndex], fetchOffset, upperOffset);
  }

  readonly txnIndexMissingFrom = null;

  async txnIndexRebuilt(): Promise<void> {}

  async truncateTo(offset: number): Promise<void> {
    if (this.closedFlag) throw new StorageFailedError(`${this.topic}-${this.partition} is closed`);
    const data = this.data;
    if (offset >= data.nextOffset) return;
    let end = data.batches.truncateAt(offset);
    if (end < data.startOffset) {
      data.batches.clear();
      end = data.startOffset;
    }
    data.nextOffset = end;
    data.epochs.truncateFromEnd(end);
    // Aborted-transaction entries whose markers were cut go too; the cleaner's active part starts
    // at the new end at the latest.
    const txns = data.txnIndex.entries.filter((e) => e.lastOffset < end);
    data.txnIndex = new TxnIndex();
    for (const e of txns) data.txnIndex.append(e);
    data.activeBaseOffset = Math.min(data.activeBaseOffset, end);
    const max = data.batches.maxTimestamp();
    data.maxTimestampMs = max?.timestampMs ?? -1;
    data.offsetOfMaxTimestamp = max?.offset ?? -1;
  }

  async assignLeaderEpoch(epoch: number, startOffset: number): Promise<void> {
    this.data.epochs.assign(epoch, startOffset);
  }

  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.data.epochs.endOffsetFor(epoch, this.data.nextOffset);
  }

  get latestEpoch(): number {
    return this.data.epochs.latestEpoch;
  }

  /** The epoch cache's entries (tests). */
  get epochEntries() {
    return this.data.epochs.list();
  }

  async readStateFile(name: string): Promise<Buffer | null> {
    const data = this.data.stateFiles.get(name);
    return data ? Buffer.from(data) : null;
  }

  async writeStateFile(name: string, data: Buffer): Promise<void> {
    this.data.stateFiles.set(name, Buffer.from(data));
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    this.closedFlag = true;
  }

  /** Drops the data (deletePartition). */
  clear(): void {
    this.closedFlag = true;
    this.data.batches.clear();
    this.data.stateFiles.clear();
    this.data.txnIndex = new TxnIndex();
  }
}
