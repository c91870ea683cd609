/**
 * The log cleaner (Kafka's LogCleaner + LogCleanerManager, one thread's worth): compacts
 * partitions whose cleanup.policy includes compact, keeping the latest record per key.
 *
 * A pass over one partition:
 *  1. The cleanable range is [firstDirtyOffset, firstUncleanableOffset): never the active
 *     segment, never a segment with records younger than min.compaction.lag.ms.
 *  2. It runs when dirty bytes / (clean + dirty) >= min.cleanable.dirty.ratio, or a dirty record
 *     is older than max.compaction.lag.ms, or a kept tombstone's delete horizon has passed.
 *  3. The dirty range is read into an OffsetMap (key -> latest offset) until the map is full
 *     (log.cleaner.dedupe.buffer.size bounds memory); that offset is where this pass stops.
 *  4. Every sealed segment from the log start up to there is rewritten through the filter,
 *     adjacent small ones merged into one (segment-groups.ts: Kafka's groupSegmentsBySize),
 *     each group atomically (segment-cleaner.ts); a group left empty is deleted.
 *  5. firstDirtyOffset moves to the end of the mapped range (checkpointed by the store).
 *
 * Each segment is rewritten inside the partition's maintenance chain, so retention and
 * DeleteRecords never see a half-swapped segment; appends and reads are never blocked.
 */
import { BATCH_HEADER_SIZE, CONTROL_BIT, LOG_OVERHEAD, batchAttributes, batchMaxTimestamp, batchSize } from '../../records/batch-header.js';
import { decodeBatches } from '../../records/record-batch.js';
import { isCompacted, type CleanStats } from '../types.js';
import { BlockReader } from '../file/block-reader.js';
import type { FileOps } from '../file/fs-ops.js';
import type { FilePartitionLog } from '../file/partition-log.js';
import type { Segment } from '../file/segment.js';
import { OffsetMap } from './offset-map.js';
import { NO_TRANSACTIONS, isAborted, scanTransactions, type TransactionRanges } from './transactions.js';
import { cleanSegments, yieldIfDue, type CleanStep } from './segment-cleaner.js';
import { groupSegmentsBySize } from './segment-groups.js';

export interface LogCleanerOptions {
  ops: FileOps;
  clock: () => number;
  /** log.cleaner.dedupe.buffer.size (default 128 MiB). */
  dedupeBufferBytes?: number;
  /** log.cleaner.io.buffer.size (default 512 KiB). */
  ioBufferBytes?: number;
  /** Told the new first dirty offset after a pass (the store checkpoints it). */
  onCleaned?: (log: FilePartitionLog, firstDirtyOffset: number) => Promise<void>;
  /** Test hook: called after each durable step of a segment rewrite; throwing simulates a crash. */
  onStep?: (step: CleanStep, baseOffset: number) => void | Promise<void>;
}

export type { CleanStats } from '../types.js';

/** Why a partition is (not) cleanable now. */
export interface Cleanability {
  cleanable: boolean;
  dirtyRatio: number;
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
}

export class LogCleaner {
  private dedupeBufferBytes: number;
  private ioBufferBytes: number;
  private stopped = false;
  private readonly transactionCache = new WeakMap<FilePartitionLog, { logEndOffset: number; ranges: TransactionRanges }>();
  /** Totals since start (bench, metrics). */
  readonly totals = { passes: 0, bytesRead: 0, bytesWritten: 0, recordsDropped: 0 };

  constructor(private readonly options: LogCleanerOptions) {
    this.dedupeBufferBytes = options.dedupeBufferBytes ?? 128 * 1024 * 1024;
    this.ioBufferBytes = options.ioBufferBytes ?? 512 * 1024;
  }

  /** New buffer sizes (dynamic broker configs), used from the next pass. */
  reconfigure(settings: { dedupeBufferBytes: number; ioBufferBytes: number }): void {
    this.dedupeBufferBytes = settings.dedupeBufferBytes;
    this.ioBufferBytes = settings.ioBufferBytes;
  }

  /** Ends the pass in progress after its current segment and refuses new ones (store close). */
  stop(): void {
    this.stopped = true;
  }

  /** Cleans the filthiest cleanable partition among `logs`; null when none is cleanable. */
  async cleanFilthiest(logs: Iterable<FilePartitionLog>): Promise<CleanStats | null> {
    let best: { log: FilePartitionLog; ratio: number } | null = null;
    for (const log of logs) {
      if (this.stopped) return null;
      if (log.failed || !isCompacted(log.logConfig)) continue;
      const c = await this.cleanability(log);
      if (c.cleanable && (!best || c.dirtyRatio > best.ratio)) best = { log, ratio: c.dirtyRatio };
    }
    return best ? this.clean(best.log) : null;
  }

  /** Whether `log` should be cleaned now, and how dirty it is. */
  async cleanability(log: FilePartitionLog): Promise<Cleanability> {
    const config = log.logConfig;
    const nowMs = this.options.clock();
    const sealed = log.sealedSegments();
    const firstDirty = Math.max(log.cleanerState.firstDirtyOffset, log.logStartOffset);
    const transactions = await this.transactionsOf(log);
    const uncleanable = Math.min(
      firstUncleanableOffset(sealed, log.logEndOffset, nowMs, config.minCompactionLagMs),
      // Kafka cleans only below the last stable offset: never against an undecided transaction.
      transactions.firstOpenOffset,
    );
    let clean = 0;
    let dirty = 0;
    let firstDirtySegment: Segment | null = null;
    for (const seg of sealed) {
      if (seg.baseOffset >= uncleanable) break;
      if (seg.nextOffset <= firstDirty) clean += seg.sizeBytes;
      else if (firstDirty < uncleanable) {
        dirty += seg.sizeBytes;
        firstDirtySegment ??= seg;
      }
    }
    const dirtyRatio = clean + dirty > 0 ? dirty / (clean + dirty) : 0;
    let cleanable = dirty > 0 && dirtyRatio >= config.minCleanableDirtyRatio;
    if (!cleanable && firstDirtySegment && config.maxCompactionLagMs < Number.MAX_SAFE_INTEGER) {
      const firstTs = await firstBatchTimestamp(log, firstDirtySegment, this.options.ops);
      cleanable = firstTs >= 0 && nowMs - firstTs > config.maxCompactionLagMs;
    }
    // Kept tombstones whose delete horizon passed only go when the segments are rewritten again.
    if (!cleanable && nowMs >= log.cleanerState.nextDeleteHorizonMs && sealed.some((seg) => seg.baseOffset < uncleanable)) cleanable = true;
    return { cleanable, dirtyRatio, firstDirtyOffset: firstDirty, firstUncleanableOffset: uncleanable };
  }

  /** One cleaning pass over `log` (whatever its dirty ratio). */
  async clean(log: FilePartitionLog): Promise<CleanStats> {
    await log.barrier();
    const config = log.logConfig;
    const nowMs = this.options.clock();
    const { firstDirtyOffset, firstUncleanableOffset: uncleanable } = await this.cleanability(log);
    const transactions = await this.transactionsOf(log);
    const map = new OffsetMap(this.dedupeBufferBytes);
    const mapEnd = await this.buildOffsetMap(log, map, firstDirtyOffset, uncleanable, transactions);
    const txnDataKept = new Map<number, boolean>();
    const stats: CleanStats = {
      topic: log.topic, partition: log.partition, segmentsCleaned: 0, segmentsDeleted: 0, bytesRead: 0, bytesWritten: 0,
      recordsDropped: 0, segmentsMerged: 0, keysMapped: map.size, firstDirtyOffset, mapEndOffset: mapEnd,
    };
    let nextHorizonMs = Infinity;
    const toClean = log.sealedSegments().filter((seg) => seg.baseOffset < mapEnd && seg.baseOffset < uncleanable);
    const groups = groupSegmentsBySize(toClean, config);
    for (const group of groups) {
      // Stopping early is safe: a later pass starts again from the first dirty offset.
      if (this.stopped) return stats;
      await log.maintenance(async () => {
        const sealed = log.sealedSegments();
        if (!group.every((seg) => sealed.includes(seg))) return; // retention deleted some meanwhile
        const ctx = { map, mapEndOffset: mapEnd, nowMs, deleteRetentionMs: config.deleteRetentionMs, transactions, txnDataKept };
        const result = await log.withSegmentsRead(group, () =>
          cleanSegments(group, ctx, {
            ops: this.options.ops,
            config,
            ioBufferBytes: this.ioBufferBytes,
            retire: (segs) => log.retireSegments(segs),
            ...(this.options.onStep ? { onStep: this.options.onStep } : {}),
          }),
        );
        await log.replaceSegments(group, result.replacement);
        stats.segmentsCleaned += group.length;
        if (!result.replacement) stats.segmentsDeleted += group.length;
        else stats.segmentsMerged += group.length - 1;
        stats.bytesRead += result.bytesRead;
        stats.bytesWritten += result.bytesWritten;
        stats.recordsDropped += result.recordsDropped;
        if (result.deleteHorizonMs !== null) nextHorizonMs = Math.min(nextHorizonMs, result.deleteHorizonMs);
      });
    }
    log.cleanerState.firstDirtyOffset = Math.max(firstDirtyOffset, mapEnd);
    log.cleanerState.nextDeleteHorizonMs = nextHorizonMs;
    await this.options.onCleaned?.(log, log.cleanerState.firstDirtyOffset);
    this.totals.passes++;
    this.totals.bytesRead += stats.bytesRead;
    this.totals.bytesWritten += stats.bytesWritten;
    this.totals.recordsDropped += stats.recordsDropped;
    return stats;
  }

  /**
   * Maps keys of the dirty range [from, upTo) to their latest offsets, batch by batch, until the
   * map would overflow. Returns the offset the map covers up to (where this pass stops).
   */
  /**
   * The log's transactions; skipped (after one look) for logs that never had any, and rescanned
   * only when the log end moved (cleaning removes data but never changes the ranges).
   */
  private async transactionsOf(log: FilePartitionLog): Promise<TransactionRanges> {
    if (!log.mayHaveTransactions) return NO_TRANSACTIONS;
    const cached = this.transactionCache.get(log);
    if (cached && cached.logEndOffset === log.logEndOffset) return cached.ranges;
    const seen = log.transactionalAppends;
    const logEndOffset = log.logEndOffset;
    await log.barrier();
    const ranges = await scanTransactions(log, this.options.ops, this.ioBufferBytes);
    if (!ranges.any && log.transactionalAppends === seen) log.mayHaveTransactions = false;
    if (log.logEndOffset === logEndOffset) this.transactionCache.set(log, { logEndOffset, ranges });
    return ranges;
  }

  private async buildOffsetMap(log: FilePartitionLog, map: OffsetMap, from: number, upTo: number, transactions: TransactionRanges): Promise<number> {
    let end = from;
    for (const seg of log.sealedSegments()) {
      if (seg.baseOffset >= upTo) break;
      if (seg.nextOffset <= from) continue;
      const full = await log.withSegmentRead(seg, async () => {
        const reader = new BlockReader(this.options.ops, seg.logFd, seg.writtenBytes, this.ioBufferBytes);
        for (let pos = 0; pos < seg.writtenBytes; ) {
          const turn = yieldIfDue();
          if (turn) await turn;
          let off = await reader.view(pos, LOG_OVERHEAD);
          if (off < 0) break;
          const size = batchSize(reader.buffer, off);
          off = await reader.view(pos, size);
          if (off < 0) break;
          pos += size;
          const batch = decodeBatches(reader.buffer.subarray(off, off + size), { verifyCrc: false })[0];
          if (!batch || batch.lastOffset < from) continue;
          if (batch.baseOffset >= upTo) return true;
          // The first batch always goes in, so every pass makes progress.
          if (map.size > 0 && !map.fits(batch.records.length)) return true;
          const aborted = batch.transactional && isAborted(transactions, batch.producerId, batch.baseOffset);
          if ((batchAttributes(reader.buffer, off) & CONTROL_BIT) === 0 && !aborted) {
            for (const r of batch.records) if (r.key !== null && r.offset >= from) map.put(r.key, r.offset);
          }
          end = batch.lastOffset + 1;
        }
        end = Math.max(end, seg.nextOffset);
        return false;
      });
      if (full) break;
    }
    return Math.min(end, upTo);
  }
}

/** Kafka's firstUncleanableDirtyOffset: the active segment, or the first too-young segment. */
function firstUncleanableOffset(sealed: Segment[], logEndOffset: number, nowMs: number, minCompactionLagMs: number): number {
  const activeBase = sealed.length > 0 ? sealed[sealed.length - 1]!.nextOffset : logEndOffset;
  if (minCompactionLagMs <= 0) return activeBase;
  for (const seg of sealed) {
    if (seg.maxTimestampSoFar > nowMs - minCompactionLagMs) return seg.baseOffset;
  }
  return activeBase;
}

/** The first batch's max timestamp (max.compaction.lag.ms), or -1. */
async function firstBatchTimestamp(log: FilePartitionLog, seg: Segment, ops: FileOps): Promise<number> {
  return log.withSegmentRead(seg, async () => {
    const reader = new BlockReader(ops, seg.logFd, seg.writtenBytes, BATCH_HEADER_SIZE);
    const off = await reader.view(0, BATCH_HEADER_SIZE);
    if (off < 0) return -1;
    return batchMaxTimestamp(reader.buffer, off);
  });
}
