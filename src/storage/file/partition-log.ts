/**
 * A partition's log on disk: an ordered array of segments, the last one active.
 *
 * Append path (hot): append() validates batch sizes against `infos`, assigns offsets by writing
 * baseOffset into the caller's bytes, does the sparse-index bookkeeping (per batch, never per
 * record), puts the Buffer in the tail cache and queues it. A single drain loop takes everything
 * queued and writes it with one writev per segment (normally one per round), then resolves those
 * appends in order; appends made while a write is in flight form the next round. fsync happens
 * only when the flush policy (flush.messages / flush.ms) or flush() asks for it.
 *
 * Concurrency rules (one event loop, so "locks" are just these invariants):
 *  - Only append() changes offsets, sizes and the active segment, synchronously.
 *  - Only the drain loop writes files; one round at a time, items in queue order.
 *  - Reads use segment.writtenBytes as their bound; newer bytes are always in the tail cache.
 */
import { PRODUCER_ID, TRANSACTIONAL_BIT, batchAttributes, batchSize, setBatchBaseOffset, setBatchPartitionLeaderEpoch } from '../../records/batch-header.js';
import { assignBatchEpochs, checkLeaderOffsets, countRecords } from '../append-check.js';
import { LeaderEpochCache, type EpochEndOffset } from '../leader-epoch-cache.js';
import type { LeaderEpochCheckpointWriter } from './leader-epoch-checkpoint.js';
import { truncateSegmentAt } from './truncation.js';
import { logStartBreaches, retentionBytesBreaches, retentionMsBreaches, type SegmentSummary } from '../retention.js';
import {
  OffsetOutOfRangeError,
  StorageFailedError,
  deletesOldSegments,
  type AppendInfo,
  type AppendResult,
  type LogConfig,
  type PartitionLog,
  type ReadOptions,
  type ReadResult,
  type TimestampLookup,
} from '../types.js';
import * as fs from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { collectAbortedTxns, type AbortedTxnEntry, type TxnIndex } from '../txn-index.js';
import { fsyncDir, writevFully, writevFullySync, type FileOps } from './fs-ops.js';
import type { StorageActivity } from '../activity.js';
import { performance } from 'node:perf_hooks';
import type { RecoveryReport } from './log-loader.js';
import { Segment } from './segment.js';
import { readStateFile, writeStateFile } from './state-file.js';
import type { SegmentDeleter } from './segment-deleter.js';
import { findTimestampInSegment, readSegment } from './segment-reader.js';
import type { ReadBufferPool } from './read-buffer-pool.js';
import type { TailCache } from './tail-cache.js';
import type { WriteBacklog } from '../write-backlog.js';
import { NO_TIMESTAMP } from './time-index.js';

/** Positions are int32. */
const MAX_SEGMENT_BYTES = 0x7fff_ffff;
/** Bound on appends written by one round (and buffers in one writev). */
const MAX_ROUND_ITEMS = 1024;
/**
 * Rounds up to this size are written on the event loop thread (writev to the page cache). A
 * consumer sees a record only once its write has returned, so a thread-pool write puts two thread
 * wake-ups on every record's way to consumers, which at low rates costs more than copying a few
 * KiB; larger rounds (throughput, when a stalled disk would also stall the event loop) use the pool.
 */
const SYNC_WRITE_MAX_BYTES = 64 * 1024;

export interface PartitionLogDeps {
  ops: FileOps;
  clock: () => number;
  tailCache: TailCache;
  /** Sealed segments that may keep an open fd and loaded indexes at once. */
  maxOpenSegments: number;
  /**
   * Told the new recovery point after every fsync; `wait` asks for a promise of the checkpoint
   * file being written (flush() and close() wait, policy fsyncs do not).
   */
  onFlushed: (recoveryPointOffset: number, wait: boolean) => Promise<void>;
  /** Told once the log is closed, so the store opens a fresh instance next time. */
  onClosed?: () => void;
  /** The log start offset checkpointed by the previous run (DeleteRecords, retention); 0 if none. */
  initialLogStartOffset?: number;
  /** Told every new log start offset; resolves once it is checkpointed. */
  onLogStartOffsetChanged?: (logStartOffset: number) => Promise<void>;
  /** Renames retired segments `.deleted` and removes them after file.delete.delay.ms. */
  deleter?: SegmentDeleter;
  /** Told after updateConfig (the store adjusts its flush.ms timer). */
  onConfigChanged?: (config: LogConfig) => void;
  /** The store's counters; its onFsyncMs hears each fsync round's duration. */
  activity?: StorageActivity;
  /** Buffers for leased reads (shared by the store's partitions). */
  readPool?: ReadBufferPool;
  /** The leader epoch cache as loaded from leader-epoch-checkpoint (empty if none). */
  epochs?: LeaderEpochCache;
  /** Persists the epoch cache (leader-epoch-checkpoint); without it the cache lives in memory. */
  epochCheckpoint?: LeaderEpochCheckpointWriter;
  /** The store's count of queued, unwritten bytes (shared by its partitions). */
  writeBacklog?: WriteBacklog;
}

interface WriteItem {
  /** Segment the bytes go to; null for a pure barrier. */
  segment: Segment | null;
  buf: Buffer | null;
  records: number;
  /** Log end offset when queued: once this item is written, everything below it is. */
  endOffset: number;
  /** fsync before resolving. */
  sync: boolean;
  result: AppendResult | undefined;
  resolve: (value: AppendResult | undefined) => void;
  reject: (err: Error) => void;
}

const noop = () => undefined;

function bufferedBytes(items: WriteItem[]): number {
  let bytes = 0;
  for (const item of items) if (item.buf) bytes += item.buf.length;
  return bytes;
}

export class FilePartitionLog implements PartitionLog {
  private readonly segments: Segment[];
  private active: Segment;
  private nextOffset: number;
  private totalBytes = 0;
  private readonly queue: WriteItem[] = [];
  private draining = false;
  private writtenOffset: number;
  private flushedOffset: number;
  private unflushedRecords = 0;
  private firstUnflushedMs = NaN;
  private readonly dirtySegments = new Set<Segment>();
  private dirDirty = false;
  private failure: Error | null = null;
  private closing: Promise<void> | null = null;
  /** Sealed segments holding read state, least recently used first. */
  private readonly lru: Segment[] = [];
  private readonly config: LogConfig;
  /** Largest batch max timestamp so far and the last offset of the first batch that had it. */
  private maxTimestampMs = -1; // Kafka's NO_TIMESTAMP: batches without timestamps never count
  private offsetOfMaxTimestamp = -1;
  /** Kafka's logStartOffset: at or above the first segment's base offset (DeleteRecords moves it). */
  private startOffset: number;
  /** Retention, DeleteRecords and cleaning run one at a time, in call order. */
  private maintenanceChain: Promise<unknown> = Promise.resolve();
  /** fsync rounds performed (each syncs every dirty file of the partition). */
  fsyncCount = 0;
  /** Segments deleted by retention or DeleteRecords since open. */
  segmentsDeleted = 0;
  /**
   * The cleaner's bookkeeping (src/storage/cleaner): offsets below firstDirtyOffset were cleaned
   * (Kafka's cleaner-offset-checkpoint); the earliest delete horizon of a kept tombstone.
   */
  readonly cleanerState = { firstDirtyOffset: 0, nextDeleteHorizonMs: Infinity };
  /**
   * Whether the log may hold batches with a producer id (idempotent or transactional): the cleaner
   * then walks it for aborted transactions and each producer's last batch.
   */
  mayHaveTransactions: boolean;
  /** Batches with a producer id appended since open. */
  transactionalAppends = 0;
  /** Leader epochs and their start offsets (Kafka's LeaderEpochFileCache). */
  private readonly epochs: LeaderEpochCache;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    config: LogConfig,
    segments: Segment[],
    private readonly deps: PartitionLogDeps,
    readonly recoveryReport: RecoveryReport,
  ) {
    this.config = config;
    this.segments = segments;
    this.active = segments[segments.length - 1]!;
    this.nextOffset = this.active.nextOffset;
    this.writtenOffset = this.flushedOffset = this.nextOffset;
    for (const s of segments) this.totalBytes += s.sizeBytes;
    this.recomputeMaxTimestamp();
    // A checkpointed start beyond the end (the tail was lost in a crash) cannot hold: clamp it.
    this.startOffset = Math.min(Math.max(deps.initialLogStartOffset ?? 0, segments[0]!.baseOffset), this.nextOffset);
    this.mayHaveTransactions = this.totalBytes > 0;
    this.epochs = deps.epochs ?? new LeaderEpochCache();
    // Epochs past the log end (its tail was lost in a crash) or below its start never wrote here.
    this.epochs.truncateFromEnd(this.nextOffset);
    this.epochs.truncateFromStart(this.startOffset);
  }

  private recomputeMaxTimestamp(): void {
    this.maxTimestampMs = -1;
    this.offsetOfMaxTimestamp = -1;
    for (const s of this.segments) {
      if (s.sizeBytes > 0 && s.maxTimestampSoFar > this.maxTimestampMs) {
        this.maxTimestampMs = s.maxTimestampSoFar;
        this.offsetOfMaxTimestamp = s.offsetOfMaxTimestamp;
      }
    }
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  get sizeBytes(): number {
    return this.totalBytes;
  }

  /** True once an I/O error made the log unusable (appends fail until it is reopened). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Offset below which everything is fsynced (this partition's recovery point). */
  get recoveryPointOffset(): number {
    return this.flushedOffset;
  }

  get segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  /**
   * Applies changed topic configs (the config object is shared with the segments, which read
   * indexIntervalBytes from it); index sizes apply to segments created from now on.
   */
  updateConfig(config: LogConfig): void {
    Object.assign(this.config, config);
    this.deps.onConfigChanged?.(this.config);
  }

  /** The live config object (shared with the segments). */
  get logConfig(): Readonly<LogConfig> {
    return this.config;
  }

  deleteRecordsBefore(offset: number): Promise<number> {
    const unusable = this.unusable();
    if (unusable) return Promise.reject(unusable);
    if (!Number.isInteger(offset) || offset < 0 || offset > this.nextOffset) {
      return Promise.reject(new OffsetOutOfRangeError(offset, this.startOffset, this.nextOffset));
    }
    return this.maintenance(async () => {
      await this.advanceLogStart(offset);
      await this.deletePrefix(logStartBreaches(this.summaries(), this.startOffset, this.writtenOffset));
      return this.startOffset;
    });
  }

  enforceRetention(): Promise<number> {
    if (this.unusable()) return Promise.resolve(0);
    return this.maintenance(async () => {
      let deleted = 0;
      if (deletesOldSegments(this.config)) {
        const summaries = await this.summariesWithTimes();
        deleted += await this.deletePrefix(retentionMsBreaches(summaries, this.config.retentionMs, this.deps.clock(), this.writtenOffset));
        deleted += await this.deletePrefix(retentionBytesBreaches(this.summaries(), this.config.retentionBytes, this.writtenOffset));
      }
      deleted += await this.deletePrefix(logStartBreaches(this.summaries(), this.startOffset, this.writtenOffset));
      return deleted;
    });
  }

  /** Rolls the active segment now if it holds anything (Kafka's UnifiedLog.roll). */
  rollNow(): void {
    if (this.unusable() || this.active.sizeBytes === 0) return;
    try {
      this.roll();
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Resolves once everything appended so far is written (sealed segments are then complete). */
  async barrier(): Promise<void> {
    await this.enqueue(null, null, 0, false, undefined);
  }

  /** Every segment, oldest first, the active one last. */
  allSegments(): Segment[] {
    return [...this.segments];
  }

  /** Sealed segments, oldest first (the cleaner's candidates). */
  sealedSegments(): Segment[] {
    return this.segments.filter((s) => s !== this.active);
  }

  /** Runs fn with the sealed segment's fd and indexes loaded and pinned. */
  withSegmentRead<T>(seg: Segment, fn: () => Promise<T>): Promise<T> {
    return this.withReadState(seg, fn);
  }

  /** Runs fn with every segment of `segs` loaded and pinned (a cleaner group). */
  withSegmentsRead<T>(segs: readonly Segment[], fn: () => Promise<T>): Promise<T> {
    if (segs.length === 0) return fn();
    return this.withReadState(segs[0]!, () => this.withSegmentsRead(segs.slice(1), fn));
  }

  /**
   * Puts a cleaned segment in place of the adjacent sealed segments `olds` (it has the first
   * one's base offset; the others were retired by the clean's swap protocol), or deletes them all
   * when the clean kept nothing. Old fds close once no read holds them. Call inside maintenance().
   */
  async replaceSegments(olds: readonly Segment[], replacement: Segment | null): Promise<void> {
    const i = this.segments.indexOf(olds[0]!);
    const adjacent = i >= 0 && olds.every((seg, k) => this.segments[i + k] === seg && seg !== this.active);
    if (!adjacent) throw new Error(`segments ${olds.map((s) => s.baseOffset).join(',')} are not adjacent sealed segments of ${this.topic}-${this.partition}`);
    // Cached batches of the old segments must not be served in place of the cleaned ones.
    this.deps.tailCache.dropThrough(olds[olds.length - 1]!.nextOffset);
    for (const old of olds) {
      this.dirtySegments.delete(old);
      const j = this.lru.indexOf(old);
      if (j >= 0) this.lru.splice(j, 1);
      this.totalBytes -= old.sizeBytes;
    }
    if (replacement) {
      this.segments.splice(i, olds.length, replacement);
      this.totalBytes += replacement.sizeBytes;
      this.touch(replacement);
      this.evictReadState();
      this.deps.deleter?.release(olds[0]!);
    } else {
      this.segments.splice(i, olds.length);
      await this.retireSegments(olds);
      if (i === 0) await this.advanceLogStart(this.segments[0]!.baseOffset);
    }
    this.recomputeMaxTimestamp();
  }

  /** Renames segments' files `.deleted` (durably) and removes them after file.delete.delay.ms. */
  async retireSegments(segs: readonly Segment[]): Promise<void> {
    if (this.deps.deleter) return this.deps.deleter.retire([...segs], this.config.fileDeleteDelayMs);
    for (const seg of segs) {
      await seg.closeAll(this.deps.ops);
      await Promise.all([seg.paths.log, seg.paths.index, seg.paths.timeIndex, seg.paths.txnIndex].map((f) => unlink(f).catch(() => undefined)));
    }
    await fsyncDir(this.deps.ops, this.dir);
  }

  /** Runs `task` after every maintenance task queued before it (retention, DeleteRecords, cleaning). */
  maintenance<T>(task: () => Promise<T>): Promise<T> {
    const next = this.maintenanceChain.then(task, task);
    this.maintenanceChain = next.catch(noop);
    return next;
  }

  private async advanceLogStart(offset: number): Promise<void> {
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    const epochsChanged = this.epochs.truncateFromStart(offset);
    await this.deps.onLogStartOffsetChanged?.(offset);
    if (epochsChanged) await this.persistEpochs();
  }

  private summaries(): SegmentSummary[] {
    return this.segments.map((s) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      sizeBytes: s.sizeBytes,
      largestTimestampMs: s.maxTimestampSoFar,
    }));
  }

  /** Summaries with Kafka's largestTimestamp: the file's mtime for a segment without timestamps. */
  private async summariesWithTimes(): Promise<SegmentSummary[]> {
    const summaries = this.summaries();
    for (const [i, s] of summaries.entries()) {
      if (s.largestTimestampMs >= 0 || s.sizeBytes === 0) continue;
      s.largestTimestampMs = await stat(this.segments[i]!.paths.log).then((st) => st.mtimeMs, () => this.deps.clock());
    }
    return summaries;
  }

  /**
   * Deletes the `count` oldest segments (rolling first if that is all of them), moves the log
   * start offset to the first remaining segment and checkpoints it. Returns the count deleted.
   */
  private async deletePrefix(count: number): Promise<number> {
    if (count <= 0 || this.unusable()) return 0;
    if (count >= this.segments.length) {
      if (this.active.sizeBytes === 0) count = this.segments.length - 1;
      else this.roll();
    }
    if (count <= 0) return 0;
    // Queued writes (a sealed segment's closing index entries) must land before its files move.
    await this.enqueue(null, null, 0, false, undefined);
    const doomed = this.segments.splice(0, count);
    for (const seg of doomed) {
      this.dirtySegments.delete(seg);
      const i = this.lru.indexOf(seg);
      if (i >= 0) this.lru.splice(i, 1);
      this.totalBytes -= seg.sizeBytes;
    }
    this.segmentsDeleted += doomed.length;
    this.recomputeMaxTimestamp();
    await this.advanceLogStart(this.segments[0]!.baseOffset);
    if (this.deps.deleter) {
      await this.deps.deleter.retire(doomed, this.config.fileDeleteDelayMs);
    } else {
      await Promise.all(doomed.map((s) => s.closeAll(this.deps.ops)));
    }
    return doomed.length;
  }

  append(batches: Buffer, infos: AppendInfo[], leaderEpoch?: number): Promise<AppendResult> {
    return this.appendBatches(batches, infos, leaderEpoch, false);
  }

  appendAsFollower(batches: Buffer, infos: AppendInfo[]): Promise<AppendResult> {
    return this.appendBatches(batches, infos, undefined, true);
  }

  private appendBatches(batches: Buffer, infos: AppendInfo[], leaderEpoch: number | undefined, keepOffsets: boolean): Promise<AppendResult> {
    const unusable = this.unusable();
    if (unusable) return Promise.reject(unusable);
    const records = countRecords(batches, infos);
    if (records < 0) {
      return Promise.reject(new RangeError(`append: ${infos.length} infos do not describe ${batches.length} bytes of batches`));
    }
    const baseOffset = this.nextOffset;
    const endOffset = baseOffset + records;
    const result: AppendResult = { baseOffset, lastOffset: endOffset - 1, logStartOffset: this.logStartOffset };
    if (records === 0) return Promise.resolve(result);
    let epochsChanged = false;
    if (keepOffsets) {
      const mismatch = checkLeaderOffsets(batches, infos, baseOffset);
      if (mismatch) return Promise.reject(new RangeError(`appendAsFollower: ${mismatch}`));
      epochsChanged = assignBatchEpochs(this.epochs, batches);
    } else if (leaderEpoch !== undefined && leaderEpoch !== this.epochs.latestEpoch) {
      epochsChanged = this.epochs.assign(leaderEpoch, baseOffset);
    }

    let seg = this.active;
    if (this.shouldRoll(seg, batches.length, endOffset - 1)) {
      try {
        seg = this.roll();
      } catch (err) {
        return Promise.reject(this.fail(err));
      }
    }
    const maxTimestampMs = this.assignOffsets(seg, batches, infos, baseOffset, leaderEpoch);
    seg.nextOffset = endOffset;
    this.nextOffset = endOffset;
    this.totalBytes += batches.length;
    this.deps.tailCache.push(baseOffset, endOffset, batches, maxTimestampMs);
    const written = this.enqueue(seg, batches, records, false, result) as Promise<AppendResult>;
    // A new epoch is rare (a leader change): its checkpoint is durable before the append resolves.
    if (!epochsChanged) return written;
    return Promise.all([written, this.persistEpochs()]).then(() => result);
  }

  /**
   * Writes each batch's base offset into the bytes and does the per-batch index bookkeeping.
   * Returns the largest batch max timestamp of the append.
   */
  private assignOffsets(seg: Segment, batches: Buffer, infos: AppendInfo[], baseOffset: number, leaderEpoch: number | undefined): number {
    if (seg.sizeBytes === 0) seg.rollBaseMs = this.deps.clock();
    let filePos = seg.sizeBytes;
    let offset = baseOffset;
    let pos = 0;
    let maxTimestampMs = NO_TIMESTAMP;
    for (const info of infos) {
      const size = batchSize(batches, pos);
      setBatchBaseOffset(batches, pos, offset);
      if (leaderEpoch !== undefined) setBatchPartitionLeaderEpoch(batches, pos, leaderEpoch);
      if ((batchAttributes(batches, pos) & TRANSACTIONAL_BIT) !== 0 || batches.readInt32BE(pos + PRODUCER_ID) >= 0) {
        this.mayHaveTransactions = true;
        this.transactionalAppends++;
      }
      const last = offset + info.recordCount - 1;
      seg.indexBatch(filePos, last, info.maxTimestampMs);
      if (info.maxTimestampMs > maxTimestampMs) maxTimestampMs = info.maxTimestampMs;
      if (info.maxTimestampMs > this.maxTimestampMs) {
        this.maxTimestampMs = info.maxTimestampMs;
        this.offsetOfMaxTimestamp = last;
      }
      offset = last + 1;
      pos += size;
      filePos += size;
    }
    seg.sizeBytes = filePos;
    return maxTimestampMs;
  }

  async assignLeaderEpoch(epoch: number, startOffset: number): Promise<void> {
    if (this.epochs.assign(epoch, startOffset)) await this.persistEpochs();
  }

  endOffsetForEpoch(epoch: number): EpochEndOffset {
    return this.epochs.endOffsetFor(epoch, this.nextOffset);
  }

  get latestEpoch(): number {
    return this.epochs.latestEpoch;
  }

  /** The epoch cache's entries (tests). */
  get epochEntries() {
    return this.epochs.list();
  }

  private persistEpochs(): Promise<void> {
    return this.deps.epochCheckpoint?.write(() => this.epochs.list()) ?? Promise.resolve();
  }

  /**
   * Follower truncation (see PartitionLog.truncateTo). Runs as maintenance after a write barrier:
   * later segments are retired, the segment holding the cut is cut in its file and indexes and
   * becomes the active one again, and the tail cache is emptied (everything in it is written).
   */
  truncateTo(offset: number): Promise<void> {
    const unusable = this.unusable();
    if (unusable) return Promise.reject(unusable);
    if (offset >= this.nextOffset) return Promise.resolve();
    return this.maintenance(async () => {
      await this.enqueue(null, null, 0, false, undefined);
      if (offset >= this.nextOffset) return;
      try {
        await this.cutTail(offset);
      } catch (err) {
        throw this.fail(err);
      }
    });
  }

  private async cutTail(offset: number): Promise<void> {
    const ops = this.deps.ops;
    const cut = Math.max(offset, this.startOffset);
    let keep = this.segmentIndexFor(cut);
    const seg = this.segments[keep]!;
    const cutAt = await this.withReadState(seg, () => truncateSegmentAt(ops, seg, cut));
    let end = cutAt.endOffset;
    let doomed: Segment[];
    if (end < this.startOffset || (cutAt.position === 0 && keep > 0)) {
      // Nothing of this segment stays (or the cut falls below the log start): drop it too.
      doomed = this.segments.splice(keep);
      keep--;
    } else {
      doomed = this.segments.splice(keep + 1);
    }
    for (const d of doomed) {
      this.dirtySegments.delete(d);
      const i = this.lru.indexOf(d);
      if (i >= 0) this.lru.splice(i, 1);
    }
    if (this.deps.deleter) await this.deps.deleter.retire(doomed, this.config.fileDeleteDelayMs);
    else await Promise.all(doomed.map((d) => d.closeAll(ops)));
    if (keep < 0 || end < this.startOffset) {
      end = Math.max(end, this.startOffset);
      const fresh = new Segment(this.dir, end, this.config);
      fresh.createFilesSync(ops);
      this.segments.push(fresh);
      this.active = fresh;
    } else {
      const last = this.segments[keep]!;
      if (last !== this.active) await last.reactivate(ops, this.deps.clock());
      this.active = last;
    }
    const lruIndex = this.lru.indexOf(this.active);
    if (lruIndex >= 0) this.lru.splice(lruIndex, 1);
    await this.active.sync(ops);
    await fsyncDir(ops, this.dir);
    this.nextOffset = this.writtenOffset = end;
    this.deps.tailCache.dropFrom(end);
    this.totalBytes = 0;
    for (const s of this.segments) this.totalBytes += s.sizeBytes;
    this.recomputeMaxTimestamp();
    this.cleanerState.firstDirtyOffset = Math.min(this.cleanerState.firstDirtyOffset, end);
    if (this.flushedOffset > end) {
      this.flushedOffset = end;
      await this.deps.onFlushed(end, true);
    }
    if (this.epochs.truncateFromEnd(end)) await this.persistEpochs();
  }

  async read(offset: number, options: ReadOptions): Promise<ReadResult> {
    if (this.closing) throw new StorageFailedError(`${this.topic}-${this.partition} is closed`);
    const start = this.logStartOffset;
    const end = this.nextOffset;
    if (offset < start || offset > end) throw new OffsetOutOfRangeError(offset, start, end);
    if (offset === end || (options.maxBytes <= 0 && !options.minOneBatch)) return { chunks: [], bytes: 0 };
    if (offset >= this.deps.tailCache.firstOffset) {
      const cached = this.deps.tailCache.read(offset, options);
      if (cached) return cached;
    }
    // By base offset, not index: retention or the cleaner may remove segments during the awaits.
    for (let seg: Segment | undefined = this.segments[this.segmentIndexFor(offset)]; seg; seg = this.segmentAfter(seg.baseOffset)) {
      const current = seg;
      const from = Math.max(offset, current.baseOffset);
      const result = await this.withReadState(current, () =>
        readSegment(this.deps.ops, current, from, options, this.config.indexIntervalBytes, this.deps.readPool ?? null),
      );
      if (result) return result;
    }
    return { chunks: [], bytes: 0 };
  }

  async offsetForTimestamp(timestampMs: number): Promise<TimestampLookup | null> {
    // Search the files only once everything appended so far is in them.
    await this.enqueue(null, null, 0, false, undefined);
    for (const seg of [...this.segments]) {
      if (seg.maxTimestampSoFar < timestampMs || seg.nextOffset <= this.startOffset) continue;
      const found = await this.withReadState(seg, () => findTimestampInSegment(this.deps.ops, seg, timestampMs, this.startOffset));
      if (found) return { offset: Math.max(found.offset, this.startOffset), timestampMs: found.timestampMs };
    }
    return null;
  }

  maxTimestamp(): TimestampLookup | null {
    if (this.offsetOfMaxTimestamp < 0) return null;
    return { offset: this.offsetOfMaxTimestamp, timestampMs: this.maxTimestampMs };
  }

  async flush(): Promise<void> {
    const unusable = this.unusable();
    if (unusable) throw unusable;
    await this.enqueue(null, null, 0, true, undefined);
    await this.deps.onFlushed(this.flushedOffset, true);
  }

  /** Called periodically by the store: fsyncs if flush.ms has passed (resolves when done). */
  async checkFlushDue(): Promise<void> {
    if (this.unusable() || this.unflushedRecords === 0 || !this.flushDue()) return;
    await this.enqueue(null, null, 0, true, undefined).catch(noop);
  }

  addAbortedTxn(txn: AbortedTxnEntry): void {
    if (this.unusable() || txn.lastOffset < this.startOffset || txn.lastOffset >= this.nextOffset) return;
    const seg = this.segments[this.segmentIndexFor(txn.lastOffset)]!;
    if (!seg.txnIndex.append(txn)) return;
    // Written by the drain loop with the segment's other index tails, in the marker's round.
    this.enqueue(seg, null, 0, false, undefined).catch(noop);
  }

  async abortedTxns(fetchOffset: number, upperOffset: number): Promise<AbortedTxnEntry[]> {
    const indexes: TxnIndex[] = [];
    for (let i = this.segmentIndexFor(Math.max(fetchOffset, this.startOffset)); i < this.segments.length; i++) {
      indexes.push(this.segments[i]!.txnIndex);
    }
    return collectAbortedTxns(indexes, fetchOffset, upperOffset);
  }

  get txnIndexMissingFrom(): number | null {
    return this.segments.find((s) => s.txnIndexMissing)?.baseOffset ?? null;
  }

  /**
   * The caller replayed the log's markers through addAbortedTxn: segments whose .txnindex was
   * missing get their file (empty if the segment holds no abort), so the next open trusts it.
   */
  async txnIndexRebuilt(): Promise<void> {
    await this.barrier();
    for (const seg of this.segments) {
      if (!seg.txnIndexMissing) continue;
      seg.txnIndexMissing = false;
      const fd = await this.deps.ops.open(seg.paths.txnIndex, fs.constants.O_WRONLY | fs.constants.O_CREAT);
      try {
        await this.deps.ops.fsync(fd);
      } finally {
        await this.deps.ops.close(fd);
      }
    }
    await fsyncDir(this.deps.ops, this.dir);
  }

  readStateFile(name: string): Promise<Buffer | null> {
    return readStateFile(this.dir, name);
  }

  writeStateFile(name: string, data: Buffer): Promise<void> {
    return writeStateFile(this.deps.ops, this.dir, name, data);
  }

  /** Flushes, writes the active segment's closing time index entry, releases files. */
  close(): Promise<void> {
    if (!this.closing) this.closing = this.shutDown(true);
    return this.closing;
  }

  /** Releases files without fsync (the partition is being deleted). */
  closeForDelete(): Promise<void> {
    if (!this.closing) this.closing = this.shutDown(false);
    return this.closing;
  }

  private async shutDown(flush: boolean): Promise<void> {
    const ops = this.deps.ops;
    try {
      if (this.draining || this.queue.length > 0) await this.enqueue(null, null, 0, false, undefined).catch(noop);
      if (flush && !this.failure) {
        const seg = this.active;
        // Kafka's LogSegment.close(): the max timestamp so far becomes the last time index entry.
        seg.timeIndex!.maybeAppend(seg.maxTimestampSoFar, seg.offsetOfMaxTimestamp, true);
        await seg.writeIndexTails(ops);
        if (seg.unsynced) this.dirtySegments.add(seg);
        await this.syncNow();
        await this.deps.onFlushed(this.flushedOffset, true);
      }
    } finally {
      this.lru.length = 0;
      await Promise.all(this.segments.map((s) => s.closeAll(ops)));
      this.deps.tailCache.clear();
      this.deps.onClosed?.();
    }
  }

  private unusable(): Error | null {
    if (this.failure) return this.failure;
    if (this.closing) return new StorageFailedError(`${this.topic}-${this.partition} is closed`);
    return null;
  }

  private fail(err: unknown): Error {
    if (!this.failure) {
      this.failure = new StorageFailedError(
        `${this.topic}-${this.partition}: log failed, reopen to recover: ${(err as Error)?.message ?? err}`,
        { cause: err },
      );
    }
    return this.failure;
  }

  private shouldRoll(seg: Segment, bytes: number, lastOffset: number): boolean {
    if (seg.sizeBytes === 0) return false;
    return (
      seg.sizeBytes + bytes > Math.min(this.config.segmentBytes, MAX_SEGMENT_BYTES) ||
      this.deps.clock() - seg.rollBaseMs > this.config.segmentMs ||
      seg.indexesFull ||
      !seg.canHoldOffset(lastOffset)
    );
  }

  /** Starts a new active segment at the log end offset (synchronously: offsets are assigned now). */
  private roll(): Segment {
    const old = this.active;
    const seg = new Segment(this.dir, this.nextOffset, this.config);
    seg.createFilesSync(this.deps.ops);
    old.seal();
    this.segments.push(seg);
    this.active = seg;
    this.dirDirty = true;
    // The sealed segment's closing index entries go to disk in queue order, after its data.
    this.queue.push({
      segment: old, buf: null, records: 0, endOffset: this.nextOffset, sync: false,
      result: undefined, resolve: noop, reject: noop,
    });
    this.touch(old);
    return seg;
  }

  private enqueue(
    segment: Segment | null,
    buf: Buffer | null,
    records: number,
    sync: boolean,
    result: AppendResult | undefined,
  ): Promise<AppendResult | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ segment, buf, records, endOffset: this.nextOffset, sync, result, resolve, reject });
      if (buf) this.deps.writeBacklog?.queued(buf.length);
      if (!this.draining) {
        this.draining = true;
        // A microtask later, so appends made in the same tick share one writev.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const round = this.queue.splice(0, MAX_ROUND_ITEMS);
      try {
        if (this.failure) throw this.failure;
        await this.writeRound(round);
      } catch (err) {
        const failure = this.fail(err);
        for (const item of round) item.reject(failure);
        const dropped = this.queue.splice(0);
        for (const item of dropped) item.reject(failure);
        this.deps.writeBacklog?.written(bufferedBytes(dropped));
      }
      this.deps.writeBacklog?.written(bufferedBytes(round));
    }
    this.draining = false;
  }

  private async writeRound(round: WriteItem[]): Promise<void> {
    let records = 0;
    let sync = false;
    for (let i = 0; i < round.length; ) {
      const seg = round[i]!.segment;
      const bufs: Buffer[] = [];
      let bytes = 0;
      for (; i < round.length && round[i]!.segment === seg; i++) {
        const item = round[i]!;
        if (item.buf) {
          bufs.push(item.buf);
          bytes += item.buf.length;
        }
        records += item.records;
        sync ||= item.sync;
      }
      if (seg && !(bytes <= SYNC_WRITE_MAX_BYTES && this.writeSegmentSync(seg, bufs, bytes))) await this.writeSegment(seg, bufs, bytes);
    }
    this.writtenOffset = round[round.length - 1]!.endOffset;
    this.deps.tailCache.markWritten(this.writtenOffset);
    if (records > 0) {
      if (this.unflushedRecords === 0) this.firstUnflushedMs = this.deps.clock();
      this.unflushedRecords += records;
    }
    if (sync || this.flushDue()) await this.syncNow();
    for (const item of round) item.resolve(item.result);
  }

  /**
   * Writes a small round to the active segment on this thread (see SYNC_WRITE_MAX_BYTES). Returns
   * false, having written nothing, when one of its files is not open; the thread pool does it then.
   */
  private writeSegmentSync(seg: Segment, bufs: Buffer[], bytes: number): boolean {
    if (!seg.active || seg.logFd < 0) return false;
    const ops = this.deps.ops;
    if (!seg.writeIndexTailsSync(ops)) return false;
    if (bytes > 0) {
      writevFullySync(ops, seg.logFd, bufs, seg.writtenBytes);
      seg.writtenBytes += bytes;
      seg.unsynced = true;
    }
    if (seg.unsynced) this.dirtySegments.add(seg);
    return true;
  }

  private async writeSegment(seg: Segment, bufs: Buffer[], bytes: number): Promise<void> {
    seg.readers++; // pins the fds against LRU eviction
    try {
      await this.writeSegmentPinned(seg, bufs, bytes);
    } finally {
      seg.readers--;
    }
  }

  private async writeSegmentPinned(seg: Segment, bufs: Buffer[], bytes: number): Promise<void> {
    const ops = this.deps.ops;
    const indexes = seg.writeIndexTails(ops);
    if (bytes > 0) {
      await Promise.all([writevFully(ops, seg.logFd, bufs, seg.writtenBytes), indexes]);
      seg.writtenBytes += bytes;
      seg.unsynced = true;
    } else {
      await indexes;
    }
    if (seg.unsynced) this.dirtySegments.add(seg);
    if (!seg.active && seg.indexFd >= 0 && !seg.offsetIndex!.hasUnwritten && !seg.timeIndex!.hasUnwritten && !seg.txnIndex.hasUnwritten) {
      await seg.closeIndexFds(ops);
    }
  }

  private flushDue(): boolean {
    return (
      this.unflushedRecords >= this.config.flushMessages ||
      (this.unflushedRecords > 0 && this.deps.clock() - this.firstUnflushedMs >= this.config.flushMs)
    );
  }

  /** fsyncs every file written since the last fsync, then advances the recovery point. */
  private async syncNow(): Promise<void> {
    const ops = this.deps.ops;
    const target = this.writtenOffset;
    const segs = [...this.dirtySegments];
    this.dirtySegments.clear();
    const observe = this.deps.activity?.onFsyncMs;
    const startMs = observe ? performance.now() : 0;
    await Promise.all(segs.map((s) => s.sync(ops)));
    if (this.dirDirty) {
      this.dirDirty = false;
      await fsyncDir(ops, this.dir);
    }
    if (observe) observe(performance.now() - startMs);
    this.unflushedRecords = 0;
    this.firstUnflushedMs = NaN;
    this.fsyncCount++;
    if (target > this.flushedOffset) {
      this.flushedOffset = target;
      this.deps.onFlushed(target, false).catch(noop);
    }
  }

  /** The first segment whose base offset is above `baseOffset`, if any. */
  private segmentAfter(baseOffset: number): Segment | undefined {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid]!.baseOffset <= baseOffset) lo = mid + 1;
      else hi = mid;
    }
    return this.segments[lo];
  }

  /** Index of the segment with the largest base offset <= offset. */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private async withReadState<T>(seg: Segment, fn: () => Promise<T>): Promise<T> {
    seg.readers++;
    try {
      if (!seg.active) {
        await seg.ensureReadState(this.deps.ops);
        this.touch(seg);
      }
      return await fn();
    } finally {
      seg.readers--;
      this.evictReadState();
    }
  }

  private touch(seg: Segment): void {
    const i = this.lru.indexOf(seg);
    if (i >= 0) this.lru.splice(i, 1);
    this.lru.push(seg);
  }

  /** Keeps at most maxOpenSegments sealed segments with open fds and loaded indexes. */
  private evictReadState(): void {
    for (let i = 0; this.lru.length > this.deps.maxOpenSegments && i < this.lru.length; ) {
      const seg = this.lru[i]!;
      // An unsynced segment may go too: its next fsync opens the files by path.
      if (seg.readers === 0 && !seg.active && seg.indexFd < 0) {
        this.lru.splice(i, 1);
        seg.releaseReadState(this.deps.ops).catch(noop);
      } else {
        i++;
      }
    }
  }
}
