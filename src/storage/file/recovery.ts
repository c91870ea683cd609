/**
 * Recovery of one segment on open: make its in-memory state (end offset, size, index state) match
 * the .log file, validating only what might be damaged.
 *
 * Bytes below `trustedBelowOffset` (the partition's recovery point: everything before it was
 * fsynced) are trusted: we find the recovery point through the offset index and walk batch headers
 * from the last index entry before it (structural checks only). From there to the end of the file
 * every batch is validated (length, magic, monotonic offsets, CRC32C of bytes 21..end) and
 * re-indexed; the file is cut at the first batch that fails, which is reported. A segment whose
 * index files are missing or malformed is rebuilt from position 0, as Kafka does.
 */
import * as fs from 'node:fs';
import { readFully, type FileOps } from './fs-ops.js';
import { OffsetIndex, OFFSET_INDEX_ENTRY_BYTES } from './offset-index.js';
import { TimeIndex, TIME_INDEX_ENTRY_BYTES } from './time-index.js';
import { scanBatches } from './batch-scan.js';
import type { Segment } from './segment.js';
import type { LogConfig } from '../types.js';

export interface SegmentTruncation {
  segmentBaseOffset: number;
  file: string;
  /** Size of the valid prefix kept. */
  validBytes: number;
  truncatedBytes: number;
  reason: string;
}

export interface SegmentRecoveryResult {
  /** Bytes whose headers were walked without CRC checks (trusted region). */
  walkedBytes: number;
  /** Bytes validated with CRC32C (the possibly-unflushed region, including what was cut). */
  validatedBytes: number;
  truncation: SegmentTruncation | null;
  rebuiltIndexes: boolean;
}

const RW_CREATE = fs.constants.O_RDWR | fs.constants.O_CREAT;

async function readWhole(ops: FileOps, fd: number): Promise<Buffer> {
  const size = await ops.sizeOf(fd);
  const buf = Buffer.allocUnsafe(size);
  const n = await readFully(ops, fd, buf, size, 0);
  return buf.subarray(0, n);
}

/**
 * Recovers `seg`, leaving its three fds open. `rebuild` forces re-indexing from position 0
 * (index files missing or malformed).
 */
export async function recoverSegment(
  seg: Segment,
  ops: FileOps,
  config: LogConfig,
  trustedBelowOffset: number,
  rebuild: boolean,
): Promise<SegmentRecoveryResult> {
  seg.logFd = await ops.open(seg.paths.log, 'r+');
  seg.indexFd = await ops.open(seg.paths.index, RW_CREATE);
  seg.timeIndexFd = await ops.open(seg.paths.timeIndex, RW_CREATE);
  const fileSize = await ops.sizeOf(seg.logFd);

  const start = rebuild || trustedBelowOffset <= seg.baseOffset
    ? fromScratch(seg, 0, rebuild)
    : await findValidationStart(seg, ops, config, fileSize, trustedBelowOffset);
  let truncation: SegmentTruncation | null = null;
  let validatedBytes = 0;
  let indexesTouched = start.indexesTouched;
  seg.sizeBytes = seg.writtenBytes = start.position;
  seg.nextOffset = start.nextOffset;
  if (start.position < fileSize) {
    indexesTouched = true;
    validatedBytes = fileSize - start.position;
    truncation = await validateTail(seg, ops, start.position, fileSize);
  }
  if (indexesTouched) {
    // Kafka's recover() also records the segment's max timestamp as a final time index entry.
    seg.timeIndex!.maybeAppend(seg.maxTimestampSoFar, seg.offsetOfMaxTimestamp, true);
    await rewriteIndexTails(seg, ops);
  }
  return { walkedBytes: start.walkedBytes, validatedBytes, truncation, rebuiltIndexes: start.rebuilt };
}

interface ValidationStart {
  /** Where CRC validation starts (the end of the trusted region). */
  position: number;
  nextOffset: number;
  walkedBytes: number;
  indexesTouched: boolean;
  rebuilt: boolean;
}

function fromScratch(seg: Segment, walkedBytes = 0, rebuilt = true): ValidationStart {
  seg.resetIndexes();
  return { position: 0, nextOffset: seg.baseOffset, walkedBytes, indexesTouched: true, rebuilt };
}

/** Loads the indexes and walks the trusted region; falls back to a rebuild if they disagree. */
async function findValidationStart(
  seg: Segment,
  ops: FileOps,
  config: LogConfig,
  fileSize: number,
  trustedBelowOffset: number,
): Promise<ValidationStart> {
  const intact = await loadIndexes(seg, ops, config, fileSize);
  const walk = await walkTrusted(seg, ops, fileSize, trustedBelowOffset);
  // A time index entry beyond the data (possible after an OS crash) poisons the max timestamp.
  const timeIndex = seg.timeIndex!;
  const timeIndexAhead = timeIndex.entries > 0 && timeIndex.lastOffset >= walk.nextOffset;
  if (walk.failed || timeIndexAhead) return fromScratch(seg, walk.walkedBytes);
  return {
    position: walk.stopPosition,
    nextOffset: walk.nextOffset,
    walkedBytes: walk.walkedBytes,
    // Entries dropped from memory (damaged, or past the recovery point) must leave the files too.
    indexesTouched: !intact || walk.droppedEntries,
    rebuilt: false,
  };
}

/** Validates and re-indexes batches from `from`; cuts the file at the first bad one. */
async function validateTail(seg: Segment, ops: FileOps, from: number, fileSize: number): Promise<SegmentTruncation | null> {
  seg.timeIndex!.truncateBeforeOffset(seg.nextOffset);
  const scan = await scanBatches(ops, seg.logFd, from, fileSize, seg.nextOffset, 'validate', (b) => {
    seg.indexBatch(b.position, b.lastOffset, b.maxTimestampMs);
  });
  seg.nextOffset = scan.nextOffset;
  seg.sizeBytes = seg.writtenBytes = scan.endPosition;
  if (scan.stopReason === null) return null;
  await ops.ftruncate(seg.logFd, scan.endPosition);
  return {
    segmentBaseOffset: seg.baseOffset,
    file: seg.paths.log,
    validBytes: scan.endPosition,
    truncatedBytes: fileSize - scan.endPosition,
    reason: scan.stopReason,
  };
}

/** Loads both index files, keeping their plausible prefixes. Returns false if anything was dropped. */
async function loadIndexes(seg: Segment, ops: FileOps, config: LogConfig, logSizeBytes: number): Promise<boolean> {
  const [indexBytes, timeBytes] = await Promise.all([readWhole(ops, seg.indexFd), readWhole(ops, seg.timeIndexFd)]);
  const offsets = OffsetIndex.decode(seg.baseOffset, config.segmentIndexBytes, indexBytes, logSizeBytes);
  const times = TimeIndex.decode(seg.baseOffset, config.segmentIndexBytes, timeBytes);
  seg.offsetIndex = offsets.index;
  seg.timeIndex = times.index;
  return offsets.intact && times.intact;
}

/**
 * Walks batch headers from the last offset index entry below the trusted point up to it,
 * re-deriving the index state (last entry position, max timestamp so far) the appends need.
 * Returns where validation must start.
 */
async function walkTrusted(
  seg: Segment,
  ops: FileOps,
  fileSize: number,
  trustedBelowOffset: number,
): Promise<{ stopPosition: number; nextOffset: number; walkedBytes: number; failed: boolean; droppedEntries: boolean }> {
  const offsetIndex = seg.offsetIndex!;
  const timeIndex = seg.timeIndex!;
  const slot = offsetIndex.slotFor(trustedBelowOffset - 1 - seg.baseOffset);
  const entriesBefore = offsetIndex.entries + timeIndex.entries;
  offsetIndex.truncateToEntries(slot + 1);
  timeIndex.truncateBeforeOffset(trustedBelowOffset);
  const droppedEntries = offsetIndex.entries + timeIndex.entries < entriesBefore;
  const from = slot >= 0 ? offsetIndex.positionAt(slot) : 0;
  seg.lastIndexEntryPosition = from;
  seg.maxTimestampSoFar = timeIndex.lastTimestamp;
  seg.offsetOfMaxTimestamp = timeIndex.lastOffset;

  let stopPosition = -1;
  let nextOffset = seg.baseOffset;
  let consumed = 0;
  const scan = await scanBatches(ops, seg.logFd, from, fileSize, seg.baseOffset, 'walk', (b) => {
    if (b.lastOffset >= trustedBelowOffset) {
      stopPosition = b.position;
      nextOffset = b.baseOffset;
      return false;
    }
    seg.indexBatch(b.position, b.lastOffset, b.maxTimestampMs);
    nextOffset = b.lastOffset + 1;
    consumed++;
    return true;
  });
  if (stopPosition < 0) stopPosition = scan.endPosition;
  // Structural garbage right at an indexed position means the index cannot be trusted either.
  const failed = scan.stopReason !== null && consumed === 0 && from > 0;
  return { stopPosition, nextOffset, walkedBytes: stopPosition - from, failed, droppedEntries };
}

/** Makes the index files hold exactly the in-memory entries. */
async function rewriteIndexTails(seg: Segment, ops: FileOps): Promise<void> {
  await Promise.all([
    ops.ftruncate(seg.indexFd, seg.offsetIndex!.entriesInFile * OFFSET_INDEX_ENTRY_BYTES),
    ops.ftruncate(seg.timeIndexFd, seg.timeIndex!.entriesInFile * TIME_INDEX_ENTRY_BYTES),
  ]);
  await seg.writeIndexTails(ops);
}
