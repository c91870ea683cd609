/** The checks both stores make on append() arguments before touching any state. */
import { LOG_OVERHEAD, batchBaseOffset, batchLastOffsetDelta, batchPartitionLeaderEpoch, batchSize } from '../records/batch-header.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import type { AppendInfo } from './types.js';

/**
 * Records in an append, or -1 if `infos` does not describe exactly the batches in `batches` (one
 * info per batch, each with at least one record). Walks batch headers only.
 */
export function countRecords(batches: Buffer, infos: AppendInfo[]): number {
  let records = 0;
  let pos = 0;
  for (const info of infos) {
    if (pos + LOG_OVERHEAD > batches.length || !(info.recordCount >= 1)) return -1;
    pos += batchSize(batches, pos);
    records += info.recordCount;
  }
  return pos === batches.length ? records : -1;
}

/**
 * Follower appends keep the leader's offsets: the first batch must start at `logEndOffset` and
 * each next one right after the previous. Returns why not, or null when they continue the log.
 */
export function checkLeaderOffsets(batches: Buffer, infos: AppendInfo[], logEndOffset: number): string | null {
  let expected = logEndOffset;
  let pos = 0;
  for (const info of infos) {
    const base = batchBaseOffset(batches, pos);
    if (base !== expected) return `batch at offset ${base} does not continue the log at ${expected}`;
    if (batchLastOffsetDelta(batches, pos) + 1 !== info.recordCount) return `batch at offset ${base} does not hold ${info.recordCount} offsets`;
    expected += info.recordCount;
    pos += batchSize(batches, pos);
  }
  return null;
}

/**
 * Feeds each batch's partitionLeaderEpoch to the epoch cache (what a follower learns from the
 * leader's bytes). Returns whether the cache changed (it must then be persisted).
 */
export function assignBatchEpochs(cache: LeaderEpochCache, batches: Buffer): boolean {
  let changed = false;
  for (let pos = 0; pos < batches.length; pos += batchSize(batches, pos)) {
    const epoch = batchPartitionLeaderEpoch(batches, pos);
    if (epoch >= 0 && epoch !== cache.latestEpoch) changed = cache.assign(epoch, batchBaseOffset(batches, pos)) || changed;
  }
  return changed;
}
