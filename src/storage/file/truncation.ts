/**
 * Cutting one segment for follower truncation (FilePartitionLog.truncateTo): finds the first batch
 * holding an offset >= the cut, shortens the .log file there, and drops the index entries that
 * point at or past it (and aborted-transaction entries whose markers are cut), in memory and in
 * the index files. The caller holds the segment's read state
 * and has drained the write queue.
 */
import type { FileOps } from './fs-ops.js';
import { scanBatches } from './batch-scan.js';
import { OFFSET_INDEX_ENTRY_BYTES } from './offset-index.js';
import type { Segment } from './segment.js';
import { TIME_INDEX_ENTRY_BYTES } from './time-index.js';
import { TXN_INDEX_ENTRY_BYTES } from '../txn-index.js';

export interface SegmentCut {
  /** File position the segment now ends at. */
  position: number;
  /** Offset after the last batch kept (the base offset of the first batch removed). */
  endOffset: number;
}

export async function truncateSegmentAt(ops: FileOps, seg: Segment, cut: number): Promise<SegmentCut> {
  const offsetIndex = seg.offsetIndex!;
  const timeIndex = seg.timeIndex!;
  // An index entry names the last offset of the batch at its position: below the cut, that batch stays.
  const slot = offsetIndex.slotFor(cut - 1 - seg.baseOffset);
  const from = slot >= 0 ? offsetIndex.positionAt(slot) : 0;
  let position = seg.writtenBytes;
  let endOffset = seg.nextOffset;
  let walkedMaxTimestampMs = -1;
  let walkedMaxOffset = seg.baseOffset;
  await scanBatches(ops, seg.logFd, from, seg.writtenBytes, seg.baseOffset, 'walk', (b) => {
    if (b.lastOffset >= cut) {
      position = b.position;
      endOffset = b.baseOffset;
      return false;
    }
    if (b.maxTimestampMs > walkedMaxTimestampMs) {
      walkedMaxTimestampMs = b.maxTimestampMs;
      walkedMaxOffset = b.lastOffset;
    }
    return true;
  });
  if (position >= seg.writtenBytes) return { position: seg.writtenBytes, endOffset: seg.nextOffset };

  offsetIndex.truncateToEntries(offsetIndex.slotFor(endOffset - 1 - seg.baseOffset) + 1);
  timeIndex.truncateBeforeOffset(endOffset);
  await truncateFile(ops, seg.paths.log, position);
  await truncateFile(ops, seg.paths.index, offsetIndex.entriesInFile * OFFSET_INDEX_ENTRY_BYTES);
  await truncateFile(ops, seg.paths.timeIndex, timeIndex.entriesInFile * TIME_INDEX_ENTRY_BYTES);
  // Aborted transactions whose markers were cut go too (an older segment may have no .txnindex).
  seg.txnIndex.truncateFrom(endOffset);
  await truncateFile(ops, seg.paths.txnIndex, seg.txnIndex.entries.length * TXN_INDEX_ENTRY_BYTES).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });

  seg.sizeBytes = seg.writtenBytes = position;
  seg.nextOffset = endOffset;
  seg.lastIndexEntryPosition = offsetIndex.entries > 0 ? offsetIndex.lastPosition : 0;
  // Kafka's approximation (the time index's last entry), improved by the batches just walked.
  if (walkedMaxTimestampMs > timeIndex.lastTimestamp) {
    seg.maxTimestampSoFar = walkedMaxTimestampMs;
    seg.offsetOfMaxTimestamp = walkedMaxOffset;
  } else {
    seg.maxTimestampSoFar = timeIndex.lastTimestamp;
    seg.offsetOfMaxTimestamp = timeIndex.lastOffset;
  }
  seg.unsynced = true;
  return { position, endOffset };
}

/** ftruncate through a fd of its own: a sealed segment's fds are read-only or closed. */
async function truncateFile(ops: FileOps, file: string, length: number): Promise<void> {
  const fd = await ops.open(file, 'r+');
  try {
    await ops.ftruncate(fd, length);
    await ops.fsync(fd);
  } finally {
    await ops.close(fd);
  }
}
